import { expect, it } from 'vitest';
import { describeStores } from './stores.js';
import { HOUR, logRow, logRows, T0 } from './records.js';

describeStores('store logs', ({ store, another, name }) => {
  it('writes a row with every field and reads it back alike', async () => {
    const row = logRow({ units: { images: 2, imageSize: '1024x1024', imageQuality: 'hd', audioSeconds: 1.5, characters: 30, searches: 1 } });
    await store().logs.write([row]);
    expect(await store().logs.get('req_1')).toEqual(row);
    expect(await store().logs.get('req_nope')).toBeUndefined();
  });

  it('keeps nulls, empty lists and false flags as they were written', async () => {
    const row = logRow({ keyId: null, group: null, model: null, alias: null, costUsd: null, ttfbMs: null, cacheStatus: null, metadata: null, translation: null, warnings: null, attempts: null, stream: false, usageEstimated: true, prompt: null, promptVersion: null, router: null, tier: null, tierReason: null, referenceCostUsd: null });
    await store().logs.write([row]);
    expect(await store().logs.get('req_1')).toEqual(row);
  });

  it('stores whole numbers in integer columns, whatever the upstream counted', async () => {
    await store().logs.write([logRow({ inputTokens: 10.6, outputTokens: 2.2, latencyMs: 4.5 })]);
    expect(await store().logs.get('req_1')).toMatchObject({ inputTokens: 11, outputTokens: 2, latencyMs: 5 });
  });

  it('finds rows by when they were written, not when their requests began (the live view)', async () => {
    expect(await store().logs.written(undefined, 1)).toEqual([]);
    const before = Date.now();
    // The long request began first but its row lands second.
    await store().logs.write([logRow({ id: 'quick', ts: T0 + 5 })]);
    await new Promise((r) => setTimeout(r, 5));
    await store().logs.write([logRow({ id: 'long', ts: T0 })]);
    const all = await store().logs.written(before, 10);
    expect(all.map((w) => w.row.id)).toEqual(['long', 'quick']);
    expect(all[0]!.loggedAt).toBeGreaterThanOrEqual(all[1]!.loggedAt);
    expect(all[1]!.loggedAt).toBeGreaterThanOrEqual(before);
    expect((await store().logs.written(undefined, 1)).map((w) => w.row.id)).toEqual(['long']);
    expect(await store().logs.written(all[0]!.loggedAt + 1, 10)).toEqual([]);
  });

  it('filters by each field, newest first, one page at a time', async () => {
    await store().logs.write([
      logRow({ id: 'a', ts: T0 + 1, keyId: 'k1', model: 'm1', status: 200, outcome: 'ok', group: 'g1', upstreamId: 'u1', cacheStatus: 'HIT' }),
      logRow({ id: 'b', ts: T0 + 2, keyId: 'k2', model: 'm2', status: 502, outcome: 'upstream_error', group: 'g2', upstreamId: 'u2', cacheStatus: null }),
      logRow({ id: 'c', ts: T0 + 3, keyId: 'k1', model: 'm2', status: 200, outcome: 'ok', group: 'g1', upstreamId: 'u2', cacheStatus: 'MISS' }),
    ]);
    const ids = async (q: object) => (await store().logs.query({ limit: 10, offset: 0, ...q })).data.map((r) => r.id);
    expect(await ids({})).toEqual(['c', 'b', 'a']);
    expect(await ids({ keyId: 'k1' })).toEqual(['c', 'a']);
    expect(await ids({ model: 'm2' })).toEqual(['c', 'b']);
    expect(await ids({ status: 502 })).toEqual(['b']);
    expect(await ids({ outcome: 'ok' })).toEqual(['c', 'a']);
    expect(await ids({ group: 'g2' })).toEqual(['b']);
    expect(await ids({ upstreamId: 'u2' })).toEqual(['c', 'b']);
    expect(await ids({ cacheStatus: 'none' })).toEqual(['b']);
    expect(await ids({ cacheStatus: 'HIT' })).toEqual(['a']);
    expect(await ids({ from: T0 + 2, to: T0 + 3 })).toEqual(['b']);
    const first = await store().logs.query({ limit: 2, offset: 0 });
    expect([first.data.map((r) => r.id), first.hasMore]).toEqual([['c', 'b'], true]);
    const last = await store().logs.query({ limit: 2, offset: 2 });
    expect([last.data.map((r) => r.id), last.hasMore]).toEqual([['a'], false]);
  });

  it('pages after a row (keyset), newest first, rows of one millisecond in id order, within the other filters', async () => {
    await store().logs.write([
      logRow({ id: 'a', ts: T0 + 1, model: 'm1' }),
      logRow({ id: 'b', ts: T0 + 2, model: 'm1' }),
      logRow({ id: 'c', ts: T0 + 2, model: 'm2' }),
      logRow({ id: 'd', ts: T0 + 2, model: 'm1' }),
      logRow({ id: 'e', ts: T0 + 3, model: 'm1' }),
    ]);
    const page = async (q: object) => {
      const { data, hasMore } = await store().logs.query({ limit: 2, offset: 0, ...q });
      return [data.map((r) => r.id), hasMore];
    };
    expect(await page({})).toEqual([['e', 'd'], true]);
    expect(await page({ after: { ts: T0 + 2, id: 'd' } })).toEqual([['c', 'b'], true]);
    expect(await page({ after: { ts: T0 + 2, id: 'b' } })).toEqual([['a'], false]);
    expect(await page({ after: { ts: T0 + 2, id: 'd' }, model: 'm1' })).toEqual([['b', 'a'], false]);
    // With a range: the tighter of `to` and the row bounds the page.
    expect(await page({ after: { ts: T0 + 3, id: 'e' }, to: T0 + 2 })).toEqual([['a'], false]);
    expect(await page({ after: { ts: T0 + 2, id: 'c' }, to: T0 + 3 })).toEqual([['b', 'a'], false]);
  });

  it('searches id, model, upstream model and error, ignoring case, with % and _ taken literally', async () => {
    await store().logs.write([
      logRow({ id: 'req_x1', ts: T0 + 1, model: 'GPT-4o', upstreamModel: 'gpt-4o-2024', error: null }),
      logRow({ id: 'req_x2', ts: T0 + 2, model: 'claude', upstreamModel: 'claude-sonnet', error: 'quota 100% used' }),
      logRow({ id: 'req_x3', ts: T0 + 3, model: 'gemini', upstreamModel: 'gemini_pro', error: null }),
    ]);
    const found = async (search: string) => (await store().logs.query({ limit: 10, offset: 0, search })).data.map((r) => r.id);
    expect(await found('gpt-4O')).toEqual(['req_x1']);
    expect(await found('Sonnet')).toEqual(['req_x2']);
    expect(await found('100%')).toEqual(['req_x2']);
    expect(await found('%')).toEqual(['req_x2']);
    expect(await found('i_p')).toEqual(['req_x3']);
    expect(await found('_')).toEqual(['req_x3', 'req_x2', 'req_x1']);
    expect(await found('x2')).toEqual(['req_x2']);
    expect(await found('nothing')).toEqual([]);
    expect(await found('')).toEqual(['req_x3', 'req_x2', 'req_x1']);
  });

  it('searches for text longer than a LIKE pattern may be on D1 (50 bytes)', async () => {
    const error = `upstream said: ${'the request was refused because '.repeat(4)}quota`;
    await store().logs.write([logRow({ id: 'long', error }), logRow({ id: 'other', ts: T0 + 5, error: 'short' })]);
    const found = async (search: string) => (await store().logs.query({ limit: 10, offset: 0, search })).data.map((r) => r.id);
    expect(await found(error.slice(10).toUpperCase())).toEqual(['long']);
    expect(await found(`${error}!`)).toEqual([]);
  });

  it('keeps logged bodies with their flags; a request without them has none', async () => {
    await store().logs.write(
      [logRow({ id: 'a' }), logRow({ id: 'b' })],
      [{ requestId: 'a', mode: 'full', requestBody: '{"messages":[]}', responseBody: 'data: {}\n\n', requestTruncated: false, responseTruncated: true }],
    );
    expect(await store().logs.bodies('a')).toEqual({ requestId: 'a', mode: 'full', requestBody: '{"messages":[]}', responseBody: 'data: {}\n\n', requestTruncated: false, responseTruncated: true });
    expect(await store().logs.bodies('b')).toBeUndefined();
  });

  it('writes a batch once however often it is written: rows, bodies and rollups', async () => {
    const rows = logRows(30, 'dup');
    const bodies = [{ requestId: 'dup-0001', mode: 'metadata' as const, requestBody: '{}', responseBody: null, requestTruncated: false, responseTruncated: false }];
    await store().logs.write(rows, bodies);
    await store().logs.write(rows, bodies);
    // A retry that overlaps: half old rows, half new ones.
    await store().logs.write([...rows.slice(15), ...logRows(10, 'new')]);
    // The same row twice within one batch counts once too.
    await store().logs.write([logRow({ id: 'twice' }), logRow({ id: 'twice' })]);
    expect((await store().logs.query({ limit: 100, offset: 0 })).data).toHaveLength(41);
    const [usage] = await store().usage.query({ by: 'model', from: T0, to: T0 + HOUR });
    expect(usage).toMatchObject({ requests: 41, inputTokens: 41 * 100, outputTokens: 41 * 50, costUsd: 0.5125 });
  });

  it('keeps totals exact with two writers sending overlapping batches at once', async () => {
    // Two stores on one database are two replicas on PostgreSQL. One process holds one SQLite
    // connection (a second would wait on the first's lock while holding the event loop), so
    // there the writers share the store and its queue.
    const other = name === 'sqlite' ? store() : await another();
    const rows = logRows(200, 'race');
    const batches = (offset: number) => Array.from({ length: 10 }, (_, i) => rows.slice((i * 20 + offset) % 200, (i * 20 + offset) % 200 + 40));
    // Each writer sends every row at least once, most of them twice, in batches that overlap the other's.
    await Promise.all([
      (async () => {
        for (const b of batches(0)) await store().logs.write(b);
      })(),
      (async () => {
        for (const b of batches(10).reverse()) await other.logs.write(b);
      })(),
      ...batches(5).map((b) => store().logs.write(b)),
    ]);
    const [usage] = await store().usage.query({ by: 'key', from: T0, to: T0 + HOUR });
    expect(usage).toMatchObject({ value: 'key-a', requests: 200, inputTokens: 200 * 100, reasoningTokens: 200 * 20, latencyMsAvg: 300 });
    expect(usage.costUsd).toBeCloseTo(200 * 0.0125, 10);
  });

  it('prunes rows older than a time with their bodies, leaving the rollups', async () => {
    // More rows than one prune step takes.
    await store().logs.write(logRows(1200, 'old', {}, T0));
    await store().logs.write(logRows(5, 'new', {}, T0 + 2 * HOUR));
    await store().logs.write([], [
      { requestId: 'old-0000', mode: 'metadata', requestBody: '{}', responseBody: '{}', requestTruncated: false, responseTruncated: false },
      { requestId: 'new-0000', mode: 'metadata', requestBody: '{}', responseBody: '{}', requestTruncated: false, responseTruncated: false },
    ]);
    expect(await store().logs.prune({ before: T0 + 2 * HOUR })).toEqual({ rows: 1200, bodies: 1 });
    expect((await store().logs.query({ limit: 2000, offset: 0 })).data.map((r) => r.id)).toEqual(['new-0004', 'new-0003', 'new-0002', 'new-0001', 'new-0000']);
    expect(await store().logs.bodies('old-0000')).toBeUndefined();
    expect(await store().logs.bodies('new-0000')).toBeDefined();
    const usage = await store().usage.query({ by: 'model', from: T0, to: T0 + 3 * HOUR });
    expect(usage[0].requests).toBe(1205);
    expect(await store().logs.prune({ before: T0 + 2 * HOUR })).toEqual({ rows: 0, bodies: 0 });
  });

  it('writes nothing of a batch that fails: no body, no row, no rollup', async () => {
    const body = { requestId: 'bad', mode: 'full' as const, requestBody: 'q', responseBody: 'a', requestTruncated: false, responseTruncated: false };
    // The row breaks a NOT NULL column; the body before it in the same batch must not land either.
    await expect(store().logs.write([logRow({ id: 'fine' }), logRow({ id: 'bad', protocol: null as unknown as string })], [body])).rejects.toThrow();
    expect(await store().logs.bodies('bad')).toBeUndefined();
    expect(await store().logs.get('fine')).toBeUndefined();
    expect(await store().usage.query({ by: 'model', from: T0, to: T0 + HOUR })).toEqual([]);
  });

  it('writes more rows and rollups in one batch than one statement can bind (D1: 100 parameters)', async () => {
    // 250 rows in 250 rollups (one model each): 29 columns a row, 16 a rollup.
    const rows = logRows(250, 'many').map((r, i) => ({ ...r, model: `m-${String(i).padStart(3, '0')}` }));
    await store().logs.write(rows);
    expect((await store().logs.query({ limit: 300, offset: 0 })).data).toHaveLength(250);
    const usage = await store().usage.query({ by: 'model', from: T0, to: T0 + HOUR });
    expect(usage).toHaveLength(250);
    expect(usage.every((u) => u.requests === 1 && u.inputTokens === 100)).toBe(true);
    // Written again with 50 new ones: the 250 stored ones are found through a long id list and skipped.
    await store().logs.write([...rows, ...logRows(50, 'more')]);
    const [more] = await store().usage.query({ by: 'key', from: T0, to: T0 + HOUR });
    expect(more.requests).toBe(300);
  });

  it('prunes bodies apart from their rows', async () => {
    const body = (requestId: string) => ({ requestId, mode: 'full' as const, requestBody: 'q', responseBody: 'a', requestTruncated: false, responseTruncated: false });
    await store().logs.write([logRow({ id: 'a', ts: T0 }), logRow({ id: 'b', ts: T0 + HOUR })], [body('a'), body('b')]);
    expect(await store().logs.prune({ bodiesBefore: T0 + 1 })).toEqual({ rows: 0, bodies: 1 });
    expect(await store().logs.bodies('a')).toBeUndefined();
    expect(await store().logs.bodies('b')).toBeDefined();
    expect(await store().logs.get('a')).toBeDefined();
  });
});
