import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema } from '../../src/config/schema.js';
import { startNodeGateway } from '../../src/platform/node/gateway.js';
import type { Target } from './target.js';

/** The Node gateway on a fresh SQLite file in a temp folder, in this process, on a random port. */
export async function startNodeTarget(config: Record<string, unknown> & { adminKey: string }): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-workers-node-'));
  const parsed = configSchema.parse({
    ...config,
    server: { host: '127.0.0.1', port: 0 },
    storage: { url: `sqlite:${join(dir, 'switchboard.db')}` },
  });
  // Rows written every 50 ms, as a Worker writes each request's at its end rather than once a second.
  const gateway = await startNodeGateway(parsed, { log: () => {}, recorderIntervalMs: 50 });
  return {
    kind: 'node',
    url: gateway.url,
    adminKey: config.adminKey,
    async stop() {
      await gateway.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
