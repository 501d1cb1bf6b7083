import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { tempDir } from '../helpers/gateway.js';
import { configSchema } from '../../src/config/schema.js';
import { startNodeGateway } from '../../src/platform/node/gateway.js';

describe('the pool order from the config file', () => {
  it('follows the file at each start; credentials added through the admin API come after', async () => {
    const db = join(tempDir(), 'order.db');
    const config = (keys: string[]) =>
      configSchema.parse({
        server: { port: 0 },
        secret: 'order-secret-00000000000000000',
        storage: { url: `sqlite:${db}` },
        upstreams: [{ id: 'pool', kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', credentials: keys.map((k) => ({ id: k, key: `sk-${k}-000000` })) }],
        health: { probeIntervalMs: 0 },
      });
    const ids = async (gw: Awaited<ReturnType<typeof startNodeGateway>>) =>
      (await gw.ctx.store.upstreams.list()).find((u) => u.id === 'pool')!.credentials.map((c) => c.id);

    let gw = await startNodeGateway(config(['a', 'b', 'c']), { log: () => {} });
    expect(await ids(gw)).toEqual(['a', 'b', 'c']);
    const added = await fetch(`${gw.url}/admin/api/upstreams/pool/credentials`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.ctx.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'extra', key: 'sk-extra-000000' }),
    });
    expect(added.status).toBe(201);
    expect(await ids(gw)).toEqual(['a', 'b', 'c', 'extra']);
    await gw.close();

    gw = await startNodeGateway(config(['c', 'a', 'b']), { log: () => {} });
    expect(await ids(gw)).toEqual(['c', 'a', 'b', 'extra']);
    expect([...gw.ctx.catalog.current().upstreams.get('pool')!.credentials.map((c) => c.id)]).toEqual(['c', 'a', 'b', 'extra']);
    await gw.close();
  });
});
