import { configSchema } from '../src/config/schema.js';
import { startNodeGateway } from '../src/platform/node/gateway.js';
import { runAsChild } from './child.js';

/**
 * The gateway bench/admin-load.ts measures: the source (through tsx) on a
 * SQLite file already filled with a request log, the offline `mock`
 * upstream (so the data plane's latency is the gateway's own), one client
 * key, an admin key. Usage: forked with <sqlite path> <client key> <admin key>.
 */
const [path, key, adminKey] = process.argv.slice(2);
if (!path || !key || !adminKey) throw new Error('usage: admin-load-gateway.ts <sqlite path> <client key> <admin key>');

runAsChild(async () => {
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
