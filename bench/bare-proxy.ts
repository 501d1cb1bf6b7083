import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream';
import { Pool } from 'undici';
import { runAsChild } from './child.js';

/**
 * The floor cost of one Node hop: node:http in, an undici Pool out, the
 * request body streamed to the upstream and its response piped back. No
 * auth, no parsing, no recording. Usage: forked by bench/run.ts with the
 * upstream origin as its argument.
 */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade', 'te', 'trailer']);

const upstream = process.argv[2];
if (!upstream) throw new Error('usage: bare-proxy.ts <upstream origin>');
const pool = new Pool(upstream, { connections: 256, keepAliveTimeout: 30_000 });

const server = createServer((req, res) => {
  const headers: Record<string, string> = {};
  for (const name of ['content-type', 'content-length', 'authorization']) {
    const value = req.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  pool.request({ path: req.url ?? '/', method: req.method as 'POST', headers, body: req }).then(
    (up) => {
      const out: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(up.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
      res.writeHead(up.statusCode, out);
      pipeline(up.body, res, () => {});
    },
    (err: Error) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`bare proxy: ${err.message}`);
    },
  );
});
server.keepAliveTimeout = 60_000;

runAsChild(
  () =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        resolve({
          url: `http://127.0.0.1:${port}`,
          close: async () => {
            await new Promise<void>((done) => {
              server.close(() => done());
              server.closeAllConnections();
            });
            await pool.close();
          },
        });
      });
    }),
);
