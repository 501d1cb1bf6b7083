// The control plane over real HTTP: a real gateway on a random port, an empty
// SQLite database, everything created through /admin/api and then used on the
// data plane without a restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { startNodeGateway, type NodeGateway } from '../../src/platform/node/gateway.js';
import { mockAnswer } from '../../src/providers/mock/answer.js';
import { logRecordView } from '../../src/admin/schemas.js';
import { logDetailView } from '../../src/admin/logs.js';
import { startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';

const ADMIN_KEY = 'sb-admin-admin-test-000000000000';
const MOCK_SECRET = 'sk-mock-secret-value-9876-1234';
const OPENAI_SECRET = 'sk-admin-made-openai-credential-42';
const HOUR_MS = 3_600_000;

let gw: NodeGateway;
let fake: FakeUpstream;

beforeAll(async () => {
  fake = await startFakeOpenAI({ apiKey: OPENAI_SECRET });
  const config = configSchema.parse({
    server: { host: '127.0.0.1', port: 0 },
    adminKey: ADMIN_KEY,
    secret: 'admin-test-secret-00000000000000',
    storage: { url: 'sqlite::memory:' },
  });
  // A long recorder interval: the tests flush it themselves before reading usage.
  gw = await startNodeGateway(config, { log: () => {}, recorderIntervalMs: 60_000, refreshMs: 60_000 });
});
afterAll(async () => {
  await gw?.close();
  await fake?.close();
});

interface Reply {
  status: number;
  body: any;
  text: string;
  headers: Headers;
}

async function admin(method: string, path: string, body?: unknown, auth: string | null = `Bearer ${ADMIN_KEY}`): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (auth !== null) headers.authorization = auth;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${gw.url}/admin/api${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, text, headers: res.headers };
}

async function chat(key: string, model: string, content = 'hello admin'): Promise<Reply> {
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content }] }),
  });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text), text, headers: res.headers };
}

function expectError(reply: Reply, status: number, type: string) {
  expect(reply.status).toBe(status);
  expect(reply.body).toEqual({
    error: { message: expect.any(String), type, param: expect.toSatisfy((p) => p === null || typeof p === 'string'), code: expect.any(String) },
  });
}

describe('admin API authentication', () => {
  it('refuses a request without, with a wrong or with a non-Bearer admin key', async () => {
    const missing = await admin('GET', '/upstreams', undefined, null);
    expectError(missing, 401, 'authentication_error');
    expect(missing.body.error.code).toBe('missing_admin_key');
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);

    const wrong = await admin('GET', '/upstreams', undefined, `Bearer ${ADMIN_KEY}x`);
    expectError(wrong, 401, 'authentication_error');
    expect(wrong.body.error.code).toBe('invalid_admin_key');

    expectError(await admin('GET', '/keys', undefined, `Basic ${ADMIN_KEY}`), 401, 'authentication_error');
    // A write without the key changes nothing.
    expectError(await admin('POST', '/keys', { name: 'sneaky' }, 'Bearer nope'), 401, 'authentication_error');
    expect((await gw.ctx.store.keys.list()).map((k) => k.name)).not.toContain('sneaky');

    const ok = await admin('GET', '/upstreams');
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ data: [] });
  });
});

describe('upstreams', () => {
  it('creates an upstream whose credentials are encrypted at rest and only ever listed masked', async () => {
    const created = await admin('POST', '/upstreams', {
      id: 'mock-a',
      kind: 'mock',
      credentials: [{ key: MOCK_SECRET, label: 'primary', weight: 2 }],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'mock-a', kind: 'mock', baseUrl: null, enabled: true, models: [], headers: {} });
    expect(created.body.timeouts).toEqual({ connectMs: 10_000, firstByteMs: 120_000, idleMs: 120_000 });
    expect(created.body.credentials).toEqual([{ id: expect.stringMatching(/^cred_[0-9a-f]{16}$/), hint: 'sk-…1234', label: 'primary', weight: 2, enabled: true }]);
    expect(created.text).not.toContain(MOCK_SECRET);

    const list = await admin('GET', '/upstreams');
    expect(list.status).toBe(200);
    expect(list.body.data.map((u: { id: string }) => u.id)).toEqual(['mock-a']);
    expect(list.body.data[0].credentials[0]).toEqual(created.body.credentials[0]);
    expect(list.text).not.toContain(MOCK_SECRET);
    expect(list.text).not.toContain('secretEnc');
    expect(list.text).not.toContain('v1.');

    const one = await admin('GET', '/upstreams/mock-a');
    expect(one.body).toEqual(created.body);

    const [stored] = (await gw.ctx.store.upstreams.list()).find((u) => u.id === 'mock-a')!.credentials;
    expect(stored.secretEnc).not.toBe(MOCK_SECRET);
    expect(stored.secretEnc).not.toContain(MOCK_SECRET);
    expect(stored.secretEnc).toMatch(/^v2\./);
    expect(await gw.ctx.secrets.decrypt(stored.secretEnc)).toBe(MOCK_SECRET);
  });

  it('rejects duplicates, unknown ids and bad bodies, naming every bad field', async () => {
    const dup = await admin('POST', '/upstreams', { id: 'mock-a', kind: 'mock' });
    expectError(dup, 409, 'invalid_request_error');
    expect(dup.body.error.param).toBe('id');

    expectError(await admin('GET', '/upstreams/nope'), 404, 'invalid_request_error');
    expectError(await admin('PATCH', '/upstreams/nope', { enabled: false }), 404, 'invalid_request_error');
    expectError(await admin('DELETE', '/upstreams/nope'), 404, 'invalid_request_error');

    const bad = await admin('POST', '/upstreams', { id: 'bad id!', kind: 'nope', credentials: [{ weight: 0 }], extra: 1 });
    expectError(bad, 400, 'invalid_request_error');
    expect(bad.body.error.param).toBe('id');
    for (const field of ['id:', 'kind:', 'credentials[0].key:', 'credentials[0].weight:', 'extra: unknown field'])
      expect(bad.body.error.message).toContain(field);

    // a known kind without baseUrl gets the vendor's public endpoint, as in the config file
    const noUrl = await admin('POST', '/upstreams', { id: 'oai-nourl', kind: 'openai', credentials: [{ key: 'sk-whatever-1234' }] });
    expect(noUrl.status).toBe(201);
    expect(noUrl.body.baseUrl).toBe('https://api.openai.com/v1');
    expect((await admin('DELETE', '/upstreams/oai-nourl')).status).toBe(200);

    const notJson = await admin('POST', '/upstreams', '{"id":');
    expectError(notJson, 400, 'invalid_request_error');
    expect(notJson.body.error.param).toBe('body');

    expect((await gw.ctx.store.upstreams.list()).map((u) => u.id)).toEqual(['mock-a']);
  });

  it('patches only the fields given', async () => {
    const patched = await admin('PATCH', '/upstreams/mock-a', { timeouts: { idleMs: 5000 }, headers: { 'x-team': 'a' }, models: ['listed-model'] });
    expect(patched.status).toBe(200);
    expect(patched.body.timeouts).toEqual({ connectMs: 10_000, firstByteMs: 120_000, idleMs: 5000 });
    expect(patched.body.headers).toEqual({ 'x-team': 'a' });
    expect(patched.body.models).toEqual(['listed-model']);
    expect(patched.body.enabled).toBe(true);
    expect(patched.body.credentials).toHaveLength(1);

    const bad = await admin('PATCH', '/upstreams/mock-a', { timeouts: { idleMs: -1 }, kind: 'openai' });
    expectError(bad, 400, 'invalid_request_error');
    expect(bad.body.error.message).toContain('timeouts.idleMs:');
    expect(bad.body.error.message).toContain('kind: unknown field');
    expect((await admin('GET', '/upstreams/mock-a')).body.timeouts.idleMs).toBe(5000);
  });

  it('adds and removes single credentials', async () => {
    const added = await admin('POST', '/upstreams/mock-a/credentials', { id: 'mock-a-extra', key: 'sk-second-secret-abcd', label: 'spare' });
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ id: 'mock-a-extra', hint: 'sk-…abcd', label: 'spare', weight: 1, enabled: true });
    expect(gw.ctx.catalog.current().upstreams.get('mock-a')!.credentials.map((c) => c.secret)).toEqual([MOCK_SECRET, 'sk-second-secret-abcd']);

    expectError(await admin('POST', '/upstreams/mock-a/credentials', { id: 'mock-a-extra', key: 'sk-other-1234567' }), 409, 'invalid_request_error');
    const badCred = await admin('POST', '/upstreams/mock-a/credentials', { key: '' });
    expectError(badCred, 400, 'invalid_request_error');
    expect(badCred.body.error.param).toBe('key');
    expectError(await admin('POST', '/upstreams/nope/credentials', { key: 'sk-whatever-1234' }), 404, 'invalid_request_error');

    const removed = await admin('DELETE', '/upstreams/mock-a/credentials/mock-a-extra');
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({ id: 'mock-a-extra', deleted: true });
    expect((await admin('GET', '/upstreams/mock-a')).body.credentials.map((c: { hint: string }) => c.hint)).toEqual(['sk-…1234']);
    expect(gw.ctx.catalog.current().upstreams.get('mock-a')!.credentials).toHaveLength(1);
    expectError(await admin('DELETE', '/upstreams/mock-a/credentials/mock-a-extra'), 404, 'invalid_request_error');
  });
});

describe('models, keys and the data plane, without a restart', () => {
  let alice: { id: string; key: string };
  let bob: { id: string; key: string };

  it('creates keys whose plaintext is shown once and whose hash never is', async () => {
    const created = await admin('POST', '/keys', { name: 'alice', group: 'team-a', limits: { rpm: 1000 } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'alice',
      group: 'team-a',
      models: null,
      limits: { rpm: 1000 },
      budget: null,
      source: 'admin',
      ownerId: null,
      revokedAt: null,
    });
    expect(created.body.key).toMatch(/^sk-sb-[A-Za-z0-9_-]{43}$/);
    expect(created.body.prefix).toBe(`${created.body.key.slice(0, 12)}…`);
    expect(created.body.id).toMatch(/^key_/);
    expect(created.body).not.toHaveProperty('hash');
    alice = { id: created.body.id, key: created.body.key };

    const b = await admin('POST', '/keys', { name: 'bob' });
    expect(b.status).toBe(201);
    expect(b.body.group).toBe('default');
    bob = { id: b.body.id, key: b.body.key };

    const list = await admin('GET', '/keys');
    expect(list.body.data.map((k: { name: string }) => k.name)).toEqual(['alice', 'bob']);
    const storedHash = (await gw.ctx.store.keys.list())[0].hash;
    expect(list.text).not.toContain(alice.key);
    expect(list.text).not.toContain(storedHash);
    for (const k of list.body.data) {
      expect(Object.keys(k).sort()).toEqual(['budget', 'cache', 'createdAt', 'group', 'id', 'ipAllowlist', 'limits', 'models', 'name', 'ownerId', 'prefix', 'prompts', 'responses', 'revokedAt', 'source'].sort());
    }
    const one = await admin('GET', `/keys/${alice.id}`);
    expect(one.body).toEqual(list.body.data[0]);
    expect(one.body).not.toHaveProperty('key');

    const dup = await admin('POST', '/keys', { name: 'alice' });
    expectError(dup, 409, 'invalid_request_error');
    expect(dup.body.error.param).toBe('name');

    const bad = await admin('POST', '/keys', { name: '', limits: { rpm: -5 }, budget: { period: 'year' }, key: 'sk-import-not-allowed-here' });
    expectError(bad, 400, 'invalid_request_error');
    expect(bad.body.error.param).toBe('name');
    for (const field of ['name:', 'limits.rpm:', 'budget.period:', 'key: unknown field']) expect(bad.body.error.message).toContain(field);
    expectError(await admin('GET', '/keys/key_nope'), 404, 'invalid_request_error');
    expect(await gw.ctx.store.keys.list()).toHaveLength(2);
  });

  it('serves a model created through the admin API on the next request', async () => {
    const before = await chat(alice.key, 'admin-model');
    expect(before.status).toBe(404);
    expect(before.body.error.code).toBe('model_not_found');

    const badRoute = await admin('PUT', '/models/admin-model', { routes: [{ upstream: 'mock-a', model: 'x' }, { upstream: 'nope', model: 'x' }] });
    expectError(badRoute, 400, 'invalid_request_error');
    expect(badRoute.body.error.param).toBe('routes[1].upstream');
    expect(badRoute.body.error.message).toBe('routes[1].upstream: no upstream with id nope');
    const noRoutes = await admin('POST', '/models', { id: 'admin-model', routes: [] });
    expectError(noRoutes, 400, 'invalid_request_error');
    expect(noRoutes.body.error.message).toBe('routes: needs at least one route');
    expectError(await admin('GET', '/models/admin-model'), 404, 'invalid_request_error');

    const created = await admin('POST', '/models', { id: 'admin-model', routes: [{ upstream: 'mock-a', model: 'mock-upstream-model' }] });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: 'admin-model', routes: [{ upstream: 'mock-a', model: 'mock-upstream-model' }] });
    expectError(await admin('POST', '/models', { id: 'admin-model', routes: [{ upstream: 'mock-a', model: 'y' }] }), 409, 'invalid_request_error');
    expect((await admin('GET', '/models')).body).toEqual({ data: [created.body] });
    expect((await admin('GET', '/models/admin-model')).body).toEqual(created.body);

    const after = await chat(alice.key, 'admin-model');
    expect(after.status).toBe(200);
    expect(after.body.choices[0].message.content).toBe('Mock reply from Switchboard. You said: hello admin');
    expect(after.headers.get('x-switchboard-upstream')).toBe('mock-a');
  });

  it('applies upstream and key patches to the next request', async () => {
    expect((await admin('PATCH', '/upstreams/mock-a', { enabled: false })).body.enabled).toBe(false);
    const disabled = await chat(alice.key, 'admin-model');
    expect(disabled.status).toBe(400);
    expect(disabled.body.error.message).toContain('mock-a is disabled');
    expect((await admin('PATCH', '/upstreams/mock-a', { enabled: true })).body.enabled).toBe(true);
    expect((await chat(alice.key, 'admin-model')).status).toBe(200);

    const narrowed = await admin('PATCH', `/keys/${alice.id}`, { models: ['some-other-model'], budget: { usd: 5 } });
    expect(narrowed.status).toBe(200);
    expect(narrowed.body).toMatchObject({ name: 'alice', models: ['some-other-model'], budget: { usd: 5, period: 'month' }, limits: { rpm: 1000 } });
    expect((await chat(alice.key, 'admin-model')).status).toBe(403);

    const widened = await admin('PATCH', `/keys/${alice.id}`, { models: null, budget: null });
    expect(widened.body).toMatchObject({ models: null, budget: null, limits: { rpm: 1000 }, group: 'team-a' });
    expect((await chat(alice.key, 'admin-model')).status).toBe(200);

    const bad = await admin('PATCH', `/keys/${alice.id}`, { group: '', name: 'renamed' });
    expectError(bad, 400, 'invalid_request_error');
    expect(bad.body.error.message).toContain('group:');
    expect(bad.body.error.message).toContain('name: unknown field');
  });

  it('reroutes a model to a new openai upstream whose admin-made credential reaches the upstream', async () => {
    const oai = await admin('POST', '/upstreams', { id: 'oai-a', kind: 'openai', baseUrl: `${fake.url}/v1`, credentials: [{ key: OPENAI_SECRET }] });
    expect(oai.status).toBe(201);
    expect(oai.body.credentials[0].hint).toBe('sk-…l-42');

    const put = await admin('PUT', '/models/admin-model', { routes: [{ upstream: 'oai-a', model: 'gpt-upstream' }] });
    expect(put.status).toBe(200);
    const routed = await chat(alice.key, 'admin-model', 'via openai');
    expect(routed.status).toBe(200);
    expect(routed.body.choices[0].message.content).toBe('echo: via openai');
    expect(routed.headers.get('x-switchboard-upstream')).toBe('oai-a');
    expect(fake.calls.at(-1)!.headers.authorization).toBe(`Bearer ${OPENAI_SECRET}`);
    expect(fake.calls.at(-1)!.body.model).toBe('gpt-upstream');

    const inUse = await admin('DELETE', '/upstreams/oai-a');
    expectError(inUse, 409, 'invalid_request_error');
    expect(inUse.body.error.code).toBe('in_use');
    expect(inUse.body.error.message).toContain('admin-model');

    expect((await admin('PUT', '/models/admin-model', { routes: [{ upstream: 'mock-a', model: 'mock-upstream-model' }] })).status).toBe(200);
    const deleted = await admin('DELETE', '/upstreams/oai-a');
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ id: 'oai-a', deleted: true });
    expectError(await admin('GET', '/upstreams/oai-a'), 404, 'invalid_request_error');
    expect((await gw.ctx.store.upstreams.list()).map((u) => u.id)).toEqual(['mock-a']);
    expect((await chat(alice.key, 'admin-model')).headers.get('x-switchboard-upstream')).toBe('mock-a');
  });

  it('creates with PUT, deletes models, and a deleted model is unknown again', async () => {
    const created = await admin('PUT', '/models/team%2Ftmp-model', { routes: [{ upstream: 'mock-a', model: 'm' }] });
    expect(created.status).toBe(201);
    expect(created.body.id).toBe('team/tmp-model');
    expect((await chat(bob.key, 'team/tmp-model')).status).toBe(200);
    const deleted = await admin('DELETE', '/models/team/tmp-model');
    expect(deleted.body).toEqual({ id: 'team/tmp-model', deleted: true });
    expect((await chat(bob.key, 'team/tmp-model')).status).toBe(404);
    expectError(await admin('DELETE', '/models/team/tmp-model'), 404, 'invalid_request_error');
  });

  it('revokes keys (POST /revoke and DELETE) so the data plane refuses them at once; they stay listed', async () => {
    const revoked = await admin('POST', `/keys/${alice.id}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toEqual(expect.any(Number));
    const refused = await chat(alice.key, 'admin-model');
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toContain('revoked');

    const again = await admin('POST', `/keys/${alice.id}/revoke`);
    expect(again.body.revokedAt).toBe(revoked.body.revokedAt);

    expect((await chat(bob.key, 'admin-model')).status).toBe(200);
    const deleted = await admin('DELETE', `/keys/${bob.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.revokedAt).toEqual(expect.any(Number));
    expect((await chat(bob.key, 'admin-model')).status).toBe(401);

    const list = await admin('GET', '/keys');
    expect(list.body.data.map((k: { name: string; revokedAt: number | null }) => [k.name, typeof k.revokedAt])).toEqual([
      ['alice', 'number'],
      ['bob', 'number'],
    ]);
    expectError(await admin('POST', '/keys/key_nope/revoke'), 404, 'invalid_request_error');
    expectError(await admin('DELETE', '/keys/key_nope'), 404, 'invalid_request_error');
  });

  it('reports usage and logs of the requests made', async () => {
    await gw.ctx.recorder.flush();
    const all = (await gw.ctx.store.logs.query({ limit: 500, offset: 0 })).data;
    const aliceRows = all.filter((r) => r.keyId === alice.id);
    // 404, 200, 400, 200, 403, 200, 200 (openai), 200, 401 (revoked: no key on the row)
    expect(aliceRows.map((r) => r.status).reverse()).toEqual([404, 200, 400, 200, 403, 200, 200, 200]);
    const okMock = aliceRows.filter((r) => r.status === 200 && r.upstreamId === 'mock-a');
    const expectedInput = mockAnswer({ messages: [{ role: 'user', content: 'hello admin' }] }).inputTokens;
    for (const r of okMock) expect(r.inputTokens).toBe(expectedInput);

    // Logs: by key name or id, newest first, paged.
    const byName = await admin('GET', '/logs?key=alice');
    expect(byName.status).toBe(200);
    expect(byName.body).toMatchObject({ hasMore: false, limit: 50, offset: 0 });
    expect(byName.body.data.map((r: { id: string }) => r.id)).toEqual(aliceRows.map((r) => r.id));
    expect((await admin('GET', `/logs?key=${alice.id}`)).body.data).toEqual(byName.body.data);
    // Every field a row carries is in its documented view (the OpenAPI document and the dashboard's types come from it).
    for (const row of byName.body.data) expect(() => logRecordView.strict().parse(row)).not.toThrow();
    const detail = await admin('GET', `/logs/${aliceRows[0].id}`);
    expect(() => logDetailView.strict().parse(detail.body)).not.toThrow();

    const page = await admin('GET', '/logs?key=alice&limit=2&offset=1');
    expect(page.body).toMatchObject({ hasMore: true, limit: 2, offset: 1 });
    expect(page.body.data.map((r: { id: string }) => r.id)).toEqual(aliceRows.slice(1, 3).map((r) => r.id));

    const filtered = await admin('GET', '/logs?key=alice&status=200&model=admin-model&outcome=ok');
    expect(filtered.body.data).toHaveLength(5);
    expect(filtered.body.data.every((r: { status: number; upstreamId: string }) => r.status === 200)).toBe(true);
    expect((await admin('GET', '/logs?limit=100000')).body.limit).toBe(500);
    const unknownKey = await admin('GET', '/logs?key=nobody');
    expectError(unknownKey, 400, 'invalid_request_error');
    expect(unknownKey.body.error.param).toBe('key');
    const badLogs = await admin('GET', '/logs?limit=0&status=abc&outcome=meh&from=yesterday');
    expectError(badLogs, 400, 'invalid_request_error');
    for (const field of ['limit:', 'status:', 'outcome:', 'from:']) expect(badLogs.body.error.message).toContain(field);

    // Usage by key carries the key's name; sums match the log rows.
    const byKey = await admin('GET', '/usage?by=key');
    expect(byKey.status).toBe(200);
    expect(byKey.body).toMatchObject({ by: 'key', interval: null });
    expect(byKey.body.to - byKey.body.from).toBe(86_400_000);
    const aliceUsage = byKey.body.rows.find((r: { value: string }) => r.value === alice.id);
    const sum = (rows: typeof all, f: (r: (typeof all)[number]) => number) => rows.reduce((n, r) => n + f(r), 0);
    expect(aliceUsage).toMatchObject({
      name: 'alice',
      requests: aliceRows.length,
      errors: aliceRows.filter((r) => r.outcome !== 'ok').length,
      inputTokens: sum(aliceRows, (r) => r.inputTokens),
      outputTokens: sum(aliceRows, (r) => r.outputTokens),
    });
    expect(aliceUsage.inputTokens).toBeGreaterThan(0);
    expect(byKey.body.rows.find((r: { value: string }) => r.value === bob.id).name).toBe('bob');
    expect(byKey.body.totals).toEqual({
      requests: all.length,
      errors: all.filter((r) => r.outcome !== 'ok').length,
      inputTokens: sum(all, (r) => r.inputTokens),
      outputTokens: sum(all, (r) => r.outputTokens),
      cacheReadTokens: sum(all, (r) => r.cacheReadTokens),
      cacheWriteTokens: sum(all, (r) => r.cacheWriteTokens),
      reasoningTokens: sum(all, (r) => r.reasoningTokens),
      // The mock model has no price: its answers cost unknown; refused requests used no tokens and cost 0.
      costUsd: all.some((r) => r.costUsd !== null) ? sum(all, (r) => r.costUsd ?? 0) : null,
      unpricedRequests: all.filter((r) => r.costUsd === null).length,
      images: 0,
      audioSeconds: 0,
      characters: 0,
      searches: 0,
      webSearches: 0,
    });
    expect(byKey.body.totals.unpricedRequests).toBeGreaterThan(0);

    const now = Date.now();
    const byUpstream = await admin('GET', `/usage?by=upstream&interval=hour&from=${new Date(now - HOUR_MS).toISOString()}&to=${now + 1000}`);
    expect(byUpstream.status).toBe(200);
    const mockRows = byUpstream.body.rows.filter((r: { value: string }) => r.value === 'mock-a');
    expect(mockRows.length).toBeGreaterThan(0);
    for (const r of mockRows) expect(r.bucket % HOUR_MS).toBe(0);
    expect(mockRows.reduce((n: number, r: { requests: number }) => n + r.requests, 0)).toBe(all.filter((r) => r.upstreamId === 'mock-a').length);
    expect(mockRows[0]).not.toHaveProperty('name');

    const oldWindow = await admin('GET', '/usage?by=group&from=0&to=1000');
    expect(oldWindow.body.rows).toEqual([]);
    expect(oldWindow.body.totals.requests).toBe(0);

    for (const [query, param] of [
      ['by=colour', 'by'],
      ['interval=week', 'interval'],
      ['from=not-a-date', 'from'],
      ['from=2000&to=1000', 'from'],
    ]) {
      const bad = await admin('GET', `/usage?${query}`);
      expectError(bad, 400, 'invalid_request_error');
      expect(bad.body.error.param).toBe(param);
    }
  });
});

describe('OpenAPI document', () => {
  it('documents only endpoints that exist: each answers with the API, not the router 404', async () => {
    const doc = (await admin('GET', '/openapi.json', undefined, null)).body;
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(ops)) {
        const concrete = path.replace(/\{[^}]+\}/g, 'no-such-thing');
        // Writes get a JSON array for a body, which every write schema refuses: nothing changes.
        const res = await fetch(`${gw.url}/admin/api${concrete}`, {
          method: method.toUpperCase(),
          headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
          body: method === 'get' ? undefined : '[]',
        });
        // An event stream (GET /live) never ends by itself: its headers say it is the API; the client leaves.
        if (res.headers.get('content-type')?.startsWith('text/event-stream')) {
          await res.body?.cancel();
          continue;
        }
        const text = await res.text();
        expect(text, `${method.toUpperCase()} ${path}`).not.toBe('404 Not Found');
        expect(res.headers.get('content-type') ?? '', `${method.toUpperCase()} ${path}`).toMatch(/json|csv|yaml|ndjson|text\/plain/);
      }
    }
  });

  it('is public and describes every admin endpoint with schemas generated from zod', async () => {
    const res = await admin('GET', '/openapi.json', undefined, null);
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.adminKey).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
    expect(doc.security).toEqual([{ adminKey: [] }, { session: [] }]);
    expect(doc.components.securitySchemes.session).toEqual(expect.objectContaining({ type: 'apiKey', in: 'cookie' }));

    const operations = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(
      [
        'DELETE /aliases/{id}',
        'GET /aliases',
        'GET /aliases/{id}',
        'GET /audit',
        'POST /aliases',
        'PUT /aliases/{id}',
        'DELETE /routers/{id}',
        'GET /routers',
        'GET /routers/{id}',
        'POST /routers',
        'PUT /routers/{id}',
        'GET /usage/tiers',
        'DELETE /cache',
        'DELETE /keys/{id}',
        'DELETE /limits/groups/{id}',
        'DELETE /models/{id}',
        'DELETE /prices/{model}',
        'DELETE /upstreams/{id}',
        'DELETE /upstreams/{id}/credentials/{credentialId}',
        'GET /cache',
        'GET /config',
        'GET /health',
        'GET /hosted-tools',
        'GET /keys',
        'GET /keys/{id}',
        'GET /keys/{id}/limits',
        'GET /limits',
        'GET /limits/global',
        'GET /limits/groups/{id}',
        'GET /live',
        'POST /playground',
        'GET /logs',
        'GET /logs/export',
        'GET /logs/{id}',
        'GET /models',
        'GET /models/{id}',
        'GET /openapi.json',
        'GET /overview',
        'GET /performance',
        'GET /prices',
        'GET /prices/{model}',
        'GET /security',
        'GET /settings',
        'GET /upstreams',
        'GET /upstreams/{id}',
        'GET /upstreams/{id}/health',
        'GET /usage',
        'PATCH /keys/{id}',
        'PATCH /settings',
        'PATCH /upstreams/{id}',
        'POST /config',
        'POST /keys',
        'POST /keys/{id}/revoke',
        'POST /models',
        'POST /upstreams',
        'POST /upstreams/{id}/check',
        'POST /upstreams/{id}/credentials',
        'POST /upstreams/{id}/credentials/{credentialId}/check',
        'POST /upstreams/{id}/credentials/{credentialId}/disable',
        'POST /upstreams/{id}/credentials/{credentialId}/enable',
        'POST /upstreams/{id}/import-codex',
        'POST /upstreams/{id}/login/claude-code/finish',
        'POST /upstreams/{id}/login/claude-code/start',
        'POST /upstreams/{id}/login/codex/finish',
        'POST /upstreams/{id}/login/codex/start',
        'POST /upstreams/{id}/login/copilot/poll',
        'POST /upstreams/{id}/login/copilot/start',
        'POST /upstreams/{id}/sync-models',
        'PUT /hosted-tools',
        'PUT /limits/global',
        'PUT /limits/groups/{id}',
        'PUT /models/{id}',
        'PUT /upstreams/{id}/credentials/order',
        'PUT /prices/{model}',
        'POST /session',
        'GET /session',
        'DELETE /session',
        'PUT /session/password',
        'GET /users',
        'POST /users',
        'GET /users/{id}',
        'PATCH /users/{id}',
        'PUT /users/{id}/password',
        'DELETE /users/{id}',
        'POST /key-requests',
        'GET /key-requests',
        'GET /key-requests/{id}',
        'POST /key-requests/{id}/approve',
        'POST /key-requests/{id}/reject',
        'POST /key-requests/{id}/claim',
        'GET /log-export',
        'POST /log-export',
        'PUT /log-export/{id}',
        'DELETE /log-export/{id}',
        'GET /alerts',
        'PUT /alerts/rules/{id}',
        'DELETE /alerts/rules/{id}',
        'PUT /alerts/webhooks/{id}',
        'DELETE /alerts/webhooks/{id}',
        'POST /alerts/webhooks/{id}/test',
        'GET /prompts',
        'GET /prompts/{name}',
        'PUT /prompts/{name}',
        'DELETE /prompts/{name}',
        'GET /prompts/{name}/versions',
        'POST /prompts/{name}/rollback',
      ].sort(),
    );

    const postKeys = doc.paths['/keys'].post;
    expect(postKeys.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/CreateKey' });
    expect(postKeys.responses['201'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/CreatedKey' });
    const createKey = doc.components.schemas.CreateKey;
    expect(createKey.required).toEqual(['name']);
    expect(createKey.properties.limits.properties.rpm.type).toBe('integer');
    expect(createKey.additionalProperties).toBe(false);
    expect(createKey.properties).not.toHaveProperty('key');
    expect(doc.components.schemas.CreateUpstream.properties.kind.enum).toEqual(['openai', 'anthropic', 'gemini', 'azure', 'copilot', 'codex', 'claude-code', 'ollama', 'mock', 'cohere', 'jina', 'voyage']);
    expect(doc.components.schemas.PatchUpstream.properties.timeouts.properties.idleMs).not.toHaveProperty('default');
    expect(doc.components.schemas.Key.properties).not.toHaveProperty('hash');
    expect(doc.components.schemas.Credential.properties).not.toHaveProperty('secretEnc');

    const usageParams = doc.paths['/usage'].get.parameters;
    expect(usageParams.find((p: { name: string }) => p.name === 'by').schema.enum).toEqual(['key', 'group', 'model', 'upstream', 'prompt']);
    expect(doc.paths['/logs'].get.parameters.map((p: { name: string }) => p.name)).toEqual(['key', 'model', 'status', 'outcome', 'group', 'upstream', 'cache', 'q', 'from', 'to', 'limit', 'offset']);
    expect(doc.paths['/upstreams/{id}/credentials/{credentialId}'].delete.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual([
      'path:id',
      'path:credentialId',
    ]);
    expect(doc.paths['/openapi.json'].get.security).toEqual([]);
  });
});

// Last: it adds keys that earlier tests' exact lists would not expect.
describe('key list pages', () => {
  it('pages on the server, searches name, group and prefix, and filters revoked keys', async () => {
    for (const name of ['page-a', 'page-b', 'page-c']) expect((await admin('POST', '/keys', { name, group: 'paging-team' })).status).toBe(201);
    const first = await admin('GET', '/keys?q=paging-team&limit=2');
    expect(first.body.data.map((k: { name: string }) => k.name)).toEqual(['page-a', 'page-b']);
    expect(first.body).toMatchObject({ hasMore: true, total: 3 });
    const second = await admin('GET', '/keys?q=paging-team&limit=2&offset=2');
    expect(second.body.data.map((k: { name: string }) => k.name)).toEqual(['page-c']);
    expect(second.body.hasMore).toBe(false);

    const c = second.body.data[0] as { id: string; prefix: string };
    expect((await admin('GET', `/keys?q=${encodeURIComponent(c.prefix)}`)).body.data.map((k: { id: string }) => k.id)).toEqual([c.id]);
    expect((await admin('POST', `/keys/${c.id}/revoke`)).status).toBe(200);
    expect((await admin('GET', '/keys?q=paging-team&revoked=exclude')).body.total).toBe(2);
    expect((await admin('GET', '/keys?q=paging-team&revoked=only')).body.data.map((k: { name: string }) => k.name)).toEqual(['page-c']);
    // Without a limit: every key, as before.
    expect((await admin('GET', '/keys')).body.data.length).toBeGreaterThanOrEqual(3);
    expect((await admin('GET', '/keys?limit=0')).status).toBe(400);
  });
});
