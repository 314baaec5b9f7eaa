import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// The SPA lives in web/ and builds into dist/web, which the API serves. The Jalali calendar and
// Persian digits come from the same pure core the server uses.
export default defineConfig({
  root: here('.'),
  plugins: [react()],
  resolve: { alias: { '@pelekan/core': here('../libs/core/src/index.ts') } },
  build: { outDir: here('../dist/web'), emptyOutDir: true, chunkSizeWarningLimit: 800 },
  server: { proxy: { '/api': 'http://127.0.0.1:3000', '/health': 'http://127.0.0.1:3000' } },
});
