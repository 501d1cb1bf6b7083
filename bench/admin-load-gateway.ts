import type * as Schema from '../src/config/schema.js';
import type * as Gateway from '../src/platform/node/gateway.js';
import { runAsChild } from './child.js';

/**
 * The gateway bench/admin-load.ts measures: on a SQLite file already filled
 * with a request log, the offline `mock` upstream (so the data plane's
 * latency is the gateway's own), one client key, an admin key. The source
 * through tsx, or with `dist` the compiled gateway (`npm run build` first).
 * Usage: forked with <sqlite path> <client key> <admin key> [dist].
 */
const [path, key, adminKey, build] = process.argv.slice(2);
if (!path || !key || !adminKey) throw new Error('usage: admin-load-gateway.ts <sqlite path> <client key> <admin key> [dist]');
const from = build === 'dist' ? '../dist' : '../src';

runAsChild(async () => {
  const { configSchema } = (await import(`${from}/config/schema.js`)) as typeof Schema;
  const { startNodeGateway } = (await import(`${from}/platform/node/gateway.js`)) as typeof Gateway;
  const config = configSchema.parse({
    server: { port: 0 },
    storage: { url: `sqlite:${path}` },
    secret: 'bench-secret-0000000000000000',
    adminKey,
    upstreams: [{ id: 'mock', kind: 'mock', models: ['mock-model'] }],
    models: [],
    keys: [{ name: 'bench', key }],
  });
  const gateway = await startNodeGateway(config, { log: () => {}, webDir: false });
  return { url: gateway.url, close: () => gateway.close() };
});
