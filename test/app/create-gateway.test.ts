import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { configSchema } from '../../src/config/schema.js';
import { createGateway, type Gateway } from '../../src/app/create-gateway.js';
import { createSecretBox } from '../../src/policy/secrets.js';
import { createMemoryCounters } from '../../src/store/memory-counters.js';
import { fetchHttp } from '../../src/providers/http.js';
import { webRequestIO } from '../../src/gateway/request-io.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import type { Store } from '../../src/store/store.js';
import { openSqliteStore } from '../../src/platform/node/sqlite.js';
import { nodeSleep } from '../../src/platform/node/runtime.js';
import { tempDir, TEST_KEY, ADMIN_KEY } from '../helpers/gateway.js';

/**
 * The core without a server: createGateway from ports a test supplies (the
 * Web request IO, fetchHttp, a runtime whose deferred work and clock the
 * test holds), driven through its `fetch` and its jobs, as a Workers
 * platform would drive it.
 */
describe('createGateway', () => {
  let store: Store;
  let gateway: Gateway;
  afterEach(async () => {
    await gateway?.close();
    await store?.close();
  });

  async function start(clock: { now: number }) {
    const deferred: Promise<unknown>[] = [];
    const log: string[] = [];
    const runtime: Runtime = {
      now: () => clock.now,
      log: (m) => log.push(m),
      defer: (work) => void deferred.push(work),
      sleep: nodeSleep,
    };
    const config = configSchema.parse({
      adminKey: ADMIN_KEY,
      secret: 'test-secret-0000000000000000',
      storage: { url: `sqlite:${join(tempDir(), 'switchboard.db')}` },
      upstreams: [{ id: 'mock', kind: 'mock', models: ['mock-model'] }],
      keys: [{ name: 'tester', group: 'team-a', key: TEST_KEY }],
      cache: { enabled: true },
    });
    store = await openSqliteStore(config.storage.url);
    gateway = await createGateway(
      { store, counters: createMemoryCounters(runtime.now), http: fetchHttp(nodeSleep), io: webRequestIO, runtime },
      // The tokenizer's background build (deferred at start otherwise) is test/usage/tokenizer-at-start.test.ts's subject.
      { config, secrets: await createSecretBox(config.secret!), adminKey: ADMIN_KEY, tokenizerLoad: 'at-first-use' },
    );
    return { deferred, log };
  }

  const chat = (content: string) =>
    new Request('http://gateway.test/v1/chat/completions', {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock-model', messages: [{ role: 'user', content }] }),
    });

  it('answers through fetch, hands the cache write to defer, and writes usage when its job runs', async () => {
    const clock = { now: Date.UTC(2026, 11, 6, 8, 0, 0) };
    const { deferred } = await start(clock);
    expect(gateway.jobs.map((j) => j.name).sort()).toEqual(
      ['cache-sweep', 'shared-state-refresh', 'credential-health-refresh', 'credential-probes', 'lease-renewal', 'model-sync', 'recorder-flush', 'stored-responses-retention', 'live-requests', 'alerts', 'log-export'].sort(),
    );

    const first = await gateway.fetch(chat('hello'));
    expect(first.status).toBe(200);
    expect(first.headers.get('x-switchboard-cache')).toBe('MISS');
    await first.text();
    // The cache entry is written after the response, through the runtime's defer.
    expect(deferred.length).toBe(1);
    await Promise.all(deferred);
    const again = await gateway.fetch(chat('hello'));
    expect(again.headers.get('x-switchboard-cache')).toBe('HIT');
    await again.text();

    // Nothing is written until the recorder's job runs: the core keeps no timer.
    expect((await store.logs.query({ limit: 10, offset: 0 })).data).toHaveLength(0);
    await gateway.jobs.find((j) => j.name === 'recorder-flush')!.run();
    const rows = (await store.logs.query({ limit: 10, offset: 0 })).data;
    expect(rows.map((r) => r.cacheStatus).sort()).toEqual(['HIT', 'MISS']);
    expect(rows.every((r) => r.ts === clock.now)).toBe(true);
  });

  it('serves the admin API and health from the same fetch, and the shared-state job picks up writes made elsewhere', async () => {
    const clock = { now: Date.now() };
    await start(clock);
    expect((await gateway.fetch(new Request('http://gateway.test/healthz'))).status).toBe(200);
    const keys = await gateway.fetch(new Request('http://gateway.test/admin/api/keys', { headers: { authorization: `Bearer ${ADMIN_KEY}` } }));
    expect(keys.status).toBe(200);
    expect(((await keys.json()) as { data: { name: string }[] }).data.map((k) => k.name)).toEqual(['tester']);

    // Revoked straight in the database (as the CLI or another replica would): refused once the refresh job has run.
    const tester = (await store.keys.list()).find((k) => k.name === 'tester')!;
    await store.keys.put({ ...tester, revokedAt: clock.now });
    expect((await gateway.fetch(chat('before the refresh'))).status).toBe(200);
    await gateway.jobs.find((j) => j.name === 'shared-state-refresh')!.run();
    expect((await gateway.fetch(chat('after the refresh'))).status).toBe(401);
  });

  // On Workers a request's pending I/O is dropped when it ends, unless waitUntil holds it: a refresh left floating there never
  // settled, and every later catalog reload queued behind it hung.
  it("hands an admin write's shared-state refresh to defer, so the request that made the write keeps it alive", async () => {
    const { deferred } = await start({ now: Date.UTC(2026, 11, 6, 8, 0, 0) });
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => (open = resolve));
    let gated = false;
    const revision = store.settings.revision.bind(store.settings);
    store.settings.revision = async () => {
      if (gated) await gate;
      return revision();
    };
    const before = deferred.length;
    gated = true;
    const created = await gateway.fetch(
      new Request('http://gateway.test/admin/api/keys', {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'made-here' }),
      }),
    );
    expect(created.status).toBe(201);
    let settled = false;
    const all = Promise.all(deferred.slice(before)).then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    // The refresh the write's change hint started waits on the revision, and is among the deferred work.
    expect(settled).toBe(false);
    open();
    await all;
    expect(settled).toBe(true);
  });
});
