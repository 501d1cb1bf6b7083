import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { openStore } from '../../src/platform/node/open-store.js';
import { createPostgresSchema, type PostgresSchema } from '../helpers/postgres.js';
import { startTcpProxy, type TcpProxy } from '../replicas/tcp-proxy.js';
import { HOUR, logRows, T0 } from './records.js';

/** The schema's URL, reached through a proxy the test can cut. */
function throughProxy(schema: PostgresSchema, proxy: TcpProxy): string {
  const url = new URL(schema.url);
  url.hostname = proxy.host;
  url.port = String(proxy.port);
  return url.toString();
}

/** What the recorder does with a failed batch: tries it again on its next flush, a moment later. */
async function retried(write: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (attempt === 5) throw err;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

describe('the PostgreSQL store when the database goes away', () => {
  let schema: PostgresSchema | undefined;
  let proxy: TcpProxy | undefined;
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    await proxy?.close();
    await schema?.drop();
    store = proxy = schema = undefined;
  });

  it('fails writes with an error while it is gone, recovers without reopening, and counts every row once', async () => {
    schema = await createPostgresSchema();
    const direct = await openStore(schema.url);
    proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
    const logged: string[] = [];
    store = await openStore(throughProxy(schema, proxy), { log: (m) => logged.push(m) });

    // Batches written the way the recorder writes them: a failed batch is tried again, whole.
    const batches = Array.from({ length: 30 }, (_, i) => logRows(20, `b${String(i).padStart(2, '0')}`));
    let failures = 0;
    for (const [i, batch] of batches.entries()) {
      // Every few batches the connection drops: before the write, or while it is in flight
      // (then whether it landed is unknown, and the retry must not count it twice).
      if (i % 5 === 2) proxy.cut();
      const first = store.logs.write(batch);
      if (i % 5 === 4) setTimeout(() => proxy?.cut(), 2);
      try {
        await first;
      } catch (err) {
        failures++;
        expect(String(err)).toMatch(/ECONNRESET|ECONNREFUSED|terminated|closed|connection error/i);
        proxy.restore();
        await retried(() => store!.logs.write(batch));
      }
      proxy.restore();
    }
    expect(failures).toBeGreaterThan(0);

    const [usage] = await direct.usage.query({ by: 'key', from: T0, to: T0 + HOUR });
    expect(usage.requests).toBe(600);
    expect(usage.inputTokens).toBe(600 * 100);
    expect((await direct.logs.query({ limit: 1000, offset: 0 })).data).toHaveLength(600);
    await direct.close();
  });
});
