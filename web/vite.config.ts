import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The dashboard's build: web/ is the root, web/dist the output the gateway
 * serves at `/`. JSX is compiled by Vite's own transformer (oxc, React's
 * automatic runtime by default), so no framework plugin is needed. `npm run dev:web` serves it
 * with hot reload and sends the API to a gateway on localhost:8788.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    // The dashboard is one admin's page on a gateway: one bundle, no lazy chunks to keep in step.
    chunkSizeWarningLimit: 1000,
  },
  logLevel: 'warn',
  server: { proxy: { '/admin/api': 'http://127.0.0.1:8788', '/v1': 'http://127.0.0.1:8788' } },
});
