/**
 * TLS and mutual TLS to Temporal (TEMPORAL_TLS_* settings), for the API's client and the worker
 * alike. The dev server speaks plain text only, so a TLS-terminating proxy in front of it plays the
 * production frontend: it presents a certificate from a test CA and admits only clients holding a
 * certificate that CA signed. Certificates are made with openssl for this run.
 */
import { Client, Connection } from '@temporalio/client';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import { demoProject } from './support/demo';
import { Harness, startHarness } from './support/harness';
import { eventually } from './support/http';
import { testStack } from './support/stack';

function makeCertificates(dir: string) {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const authority = (name: string) => {
    ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.crt`);
  };
  const leaf = (name: string, ca: string, extensions: string) => {
    writeFileSync(join(dir, `${name}.ext`), extensions);
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.csr`);
    ssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.crt`);
  };
  authority('test-ca');
  authority('rogue-ca');
  leaf('frontend', 'test-ca', 'subjectAltName=DNS:temporal.test,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  leaf('pelekan', 'test-ca', 'extendedKeyUsage=clientAuth\n');
  leaf('intruder', 'rogue-ca', 'extendedKeyUsage=clientAuth\n');
  return (name: string) => join(dir, name);
}

describe('TLS and mutual TLS to Temporal', () => {
  let dir: string;
  let file: (name: string) => string;
  let proxy: Server;
  let address: string;
  let h: Harness;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pelekan-tls-'));
    file = makeCertificates(dir);
    const [host, port] = testStack().temporalAddress.split(':');
    proxy = createServer(
      {
        key: readFileSync(file('frontend.key')),
        cert: readFileSync(file('frontend.crt')),
        ca: readFileSync(file('test-ca.crt')),
        requestCert: true,
        rejectUnauthorized: true,
        ALPNProtocols: ['h2'],
      },
      (secure) => {
        const plain = connect(Number(port), host);
        secure.pipe(plain).pipe(secure);
        const close = () => {
          secure.destroy();
          plain.destroy();
        };
        secure.on('error', close);
        plain.on('error', close);
      },
    );
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    address = `127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    h = await startHarness({
      demoData: true,
      env: {
        TEMPORAL_ADDRESS: address,
        TEMPORAL_TLS_CA_FILE: file('test-ca.crt'),
        TEMPORAL_TLS_CERT_FILE: file('pelekan.crt'),
        TEMPORAL_TLS_KEY_FILE: file('pelekan.key'),
        TEMPORAL_TLS_SERVER_NAME: 'temporal.test',
      },
    });
  });
  afterAll(async () => {
    await h?.close();
    proxy?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs the release cycle with the API and the worker both on mutual TLS', async () => {
    const demo = await demoProject(h.http);
    const id = demo.tranche(1);
    await eventually(async () => (await h.http.as('pbo.officer2').get(`/api/tranches/${id}`)).body, (t) => t.state === 'awaiting_approval');
    expect((await h.http.as('pbo.officer2').post(`/api/tranches/${id}/decision`, { action: 'approve' })).status).toBe(201);
    await eventually(async () => (await h.http.as('pbo.officer2').get(`/api/tranches/${id}`)).body, (t) => t.state === 'released');
    expect((await h.http.request('GET', '/health')).body.temporal.ok).toBe(true);
  });

  it('is refused to a client without a certificate, with one from another CA, or in plain text', async () => {
    const ca = readFileSync(file('test-ca.crt'));
    const attempts = {
      'no client certificate': { serverRootCACertificate: ca, serverNameOverride: 'temporal.test' },
      'a certificate from another CA': {
        serverRootCACertificate: ca,
        serverNameOverride: 'temporal.test',
        clientCertPair: { crt: readFileSync(file('intruder.crt')), key: readFileSync(file('intruder.key')) },
      },
      'plain text': false as const,
    };
    for (const [why, tls] of Object.entries(attempts)) {
      const reached = await (async () => {
        const connection = await Connection.connect({ address, tls, connectTimeout: 3000 });
        try {
          await new Client({ connection, namespace: h.env.TEMPORAL_NAMESPACE }).workflowService.describeNamespace({ namespace: h.env.TEMPORAL_NAMESPACE });
          return true;
        } finally {
          await connection.close();
        }
      })().catch(() => false);
      expect({ why, reached }).toEqual({ why, reached: false });
    }
  });
});
