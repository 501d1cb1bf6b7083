import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { parse as parseYaml } from 'yaml';
import { startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { ADMIN_KEY, logRows, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';

/**
 * What the admin API gained for the dashboard: the overview, more log
 * filters, log export, config export / import; and the static site at `/`
 * that never shadows the APIs. Served from a made-up build in a temp folder.
 */

let fake: FakeUpstream;
let gw: NodeGateway;
let client: OpenAI;
const webDir = mkdtempSync(join(tmpdir(), 'switchboard-web-'));

const admin = (path: string, init: RequestInit = {}) =>
  fetch(`${gw.url}/admin/api${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN_KEY}`, ...init.headers } });
const json = async (path: string, init?: RequestInit) => {
  const res = await admin(path, init);
  const body = await res.json();
  if (!res.ok) throw new Error(`${res.status} ${JSON.stringify(body)}`);
  return body;
};

beforeAll(async () => {
  mkdirSync(join(webDir, 'assets'));
  writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>fake dashboard</title>');
  writeFileSync(join(webDir, 'assets', 'app-abc123.js'), 'console.log(1)');
  fake = await startFakeOpenAI();
  gw = await startTestGateway({ openaiUrl: fake.url, webDir });
  client = new OpenAI({ apiKey: TEST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  // Traffic: three good requests, one for a model the gateway does not know (an error row).
  for (const text of ['one', 'two', 'three']) await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: text }] });
  await expect(client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] })).rejects.toThrow();
  await logRows(gw);
});
afterAll(async () => {
  await gw?.close();
  await fake?.close();
});

describe('GET /admin/api/overview', () => {
  it('sums the range, with error rate, percentiles and top lists matching the log rows', async () => {
    const rows = await logRows(gw);
    const o = await json('/overview?range=1h');
    expect(o.to - o.from).toBe(3_600_000);
    expect(o.bucketMs).toBe(300_000);
    expect(o.totals.requests).toBe(rows.length);
    expect(o.totals.errors).toBe(rows.filter((r) => r.outcome !== 'ok').length);
    expect(o.totals.errors).toBeGreaterThan(0);
    expect(o.totals.errorRate).toBeCloseTo(o.totals.errors / o.totals.requests);
    const tokens = rows.reduce((n, r) => n + r.inputTokens + r.outputTokens + r.cacheReadTokens + r.cacheWriteTokens, 0);
    expect(o.totals.tokens).toBe(tokens);
    const latencies = rows.map((r) => r.latencyMs).sort((a, b) => a - b);
    expect(o.totals.latencyP50).toBe(latencies[Math.ceil(latencies.length * 0.5) - 1]);
    expect(o.totals.latencyP95).toBe(latencies[Math.ceil(latencies.length * 0.95) - 1]);
    expect(o.totals.cacheHitRatio).toBeNull();
    // The series covers the range without gaps and adds up to the totals.
    expect(o.series.length).toBeGreaterThanOrEqual(12);
    expect(o.series.reduce((n: number, s: { requests: number }) => n + s.requests, 0)).toBe(o.totals.requests);
    expect(o.top.model[0]).toMatchObject({ value: 'gpt-test', requests: 3 });
    expect(o.top.key.find((k: { name: string }) => k.name === 'tester')?.requests).toBe(rows.filter((r) => r.keyId === o.top.key[0].value).length);
  });

  it('takes a custom range, picks a bucket size, and refuses nonsense in words', async () => {
    const to = Date.now() + 60_000;
    const o = await json(`/overview?from=${to - 7 * 86_400_000}&to=${to}`);
    expect(o.bucketMs).toBe(6 * 3_600_000);
    expect(o.totals.requests).toBe((await logRows(gw)).length);
    const empty = await json(`/overview?from=${to - 10 * 86_400_000}&to=${to - 9 * 86_400_000}`);
    expect(empty.totals).toMatchObject({ requests: 0, errorRate: null, latencyP50: null, costUsd: null });
    const bad = await admin('/overview?from=2030-01-01&to=2029-01-01');
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/from: must be before to/);
  });
});

describe('log filters and export', () => {
  it('filters by group, upstream, search text and cache status', async () => {
    const all = await logRows(gw);
    const byGroup = await json('/logs?group=team-a');
    expect(byGroup.data.length).toBe(all.filter((r) => r.group === 'team-a').length);
    expect(byGroup.data.length).toBeGreaterThan(0);
    const byUpstream = await json('/logs?upstream=oai');
    expect(byUpstream.data.every((r: { upstreamId: string }) => r.upstreamId === 'oai')).toBe(true);
    expect(byUpstream.data.length).toBe(3);
    const search = await json('/logs?q=no-such');
    expect(search.data.map((r: { model: string }) => r.model)).toEqual(['no-such-model']);
    // `%` is taken literally, not as a wildcard.
    expect((await json('/logs?q=%25')).data).toEqual([]);
    expect((await json('/logs?cache=none')).data.length).toBe(all.filter((r) => r.cacheStatus === null).length);
    expect((await json('/logs?cache=HIT')).data.length).toBe(all.filter((r) => r.cacheStatus === 'HIT').length);
  });

  it('exports the filtered rows as CSV and as JSON Lines', async () => {
    const csv = await admin('/logs/export?format=csv&upstream=oai');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="switchboard-logs-.*\.csv"/);
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect(lines[0].split(',').slice(0, 3)).toEqual(['id', 'ts', 'time']);
    expect(lines).toHaveLength(4);
    const modelColumn = lines[0].split(',').indexOf('model');
    expect(lines.slice(1).every((l) => l.split(',')[modelColumn] === 'gpt-test')).toBe(true);

    const jsonl = await admin('/logs/export?format=jsonl');
    const rows = (await jsonl.text()).trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((r) => r.id).sort()).toEqual((await logRows(gw)).map((r) => r.id).sort());
    expect((await admin('/logs/export?format=xml')).status).toBe(400);
  });
});

describe('config export and import', () => {
  it('exports the database in the config file shape, without secrets', async () => {
    const doc = await json('/config');
    const oai = doc.upstreams.find((u: { id: string }) => u.id === 'oai');
    expect(oai.kind).toBe('openai');
    expect(oai.credentials).toEqual([{ key: '${SB_CREDENTIAL_OAI_1}', weight: 1 }]);
    expect(JSON.stringify(doc)).not.toContain('sk-fake-openai');
    expect(doc.models.map((m: { id: string }) => m.id)).toContain('gpt-test');
    expect(doc.keys.find((k: { name: string }) => k.name === 'tester')).toEqual({ name: 'tester', group: 'team-a' });
    const yaml = await admin('/config?format=yaml');
    expect(yaml.headers.get('content-type')).toMatch(/yaml/);
    expect(parseYaml(await yaml.text())).toEqual(doc);
  });

  it('imports an export back unchanged: placeholders keep the stored credential', async () => {
    const doc = await json('/config');
    const before = await gw.ctx.store.upstreams.list();
    const result = await json('/config', { method: 'POST', body: JSON.stringify(doc) });
    expect(result).toMatchObject({ dryRun: false, createdKeys: [] });
    const after = await gw.ctx.store.upstreams.list();
    expect(after.find((u) => u.id === 'oai')!.credentials[0].secretEnc).toBe(before.find((u) => u.id === 'oai')!.credentials[0].secretEnc);
    // And the gateway still reaches the upstream with it.
    const reply = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'after import' }] });
    expect(reply.choices[0].message.content).toBe('echo: after import');
  });

  it('validates YAML whole, changes nothing on a dry run, and applies for real otherwise', async () => {
    const yaml = `
models:
  - id: imported-model
    routes: [ { upstream: oai, model: gpt-upstream } ]
keys:
  - name: imported-key
    group: imported
`;
    const dry = await json('/config?dryRun=true', { method: 'POST', body: yaml, headers: { 'content-type': 'application/yaml' } });
    expect(dry).toMatchObject({ dryRun: true, models: 1, keys: 1, createdKeys: [] });
    expect((await gw.ctx.store.models.list()).some((m) => m.id === 'imported-model')).toBe(false);

    const real = await json('/config', { method: 'POST', body: yaml });
    expect(real.createdKeys).toHaveLength(1);
    expect(real.createdKeys[0].name).toBe('imported-key');
    const created = new OpenAI({ apiKey: real.createdKeys[0].key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const reply = await created.chat.completions.create({ model: 'imported-model', messages: [{ role: 'user', content: 'hi' }] });
    expect(reply.choices[0].message.content).toBe('echo: hi');
  });

  it('refuses a bad document with every problem named, and a placeholder with nothing stored behind it', async () => {
    const bad = await admin('/config', {
      method: 'POST',
      body: JSON.stringify({ models: [{ id: 'm', routes: [{ upstream: 'nowhere', model: 'x' }] }], keys: [{ name: 'k', bogus: 1 }] }),
    });
    expect(bad.status).toBe(400);
    const message = (await bad.json()).error.message;
    expect(message).toContain('keys[0]: Unrecognized key: "bogus"');
    const unknownRoute = await admin('/config', { method: 'POST', body: JSON.stringify({ models: [{ id: 'm', routes: [{ upstream: 'nowhere', model: 'x' }] }] }) });
    expect((await unknownRoute.json()).error.message).toBe('models[0].routes[0].upstream: no upstream with id nowhere');
    const missing = await admin('/config', {
      method: 'POST',
      body: JSON.stringify({ upstreams: [{ id: 'new-up', kind: 'openai', credentials: [{ id: 'c1', key: '${SB_CREDENTIAL_C1}' }] }] }),
    });
    expect(missing.status).toBe(400);
    expect((await missing.json()).error.message).toMatch(/upstreams\[0\]\.credentials\[0\]\.key: .*put the real key here/);
    expect((await gw.ctx.store.upstreams.list()).some((u) => u.id === 'new-up')).toBe(false);
    const notYaml = await admin('/config', { method: 'POST', body: '{ unclosed' });
    expect(notYaml.status).toBe(400);
  });

  it('carries group limits, prices and logging settings out and back in, live at once', async () => {
    await json('/limits/groups/team-x', { method: 'PUT', body: JSON.stringify({ limits: { rpm: 7 } }) });
    await json('/prices/house-model', { method: 'PUT', body: JSON.stringify({ input: 1, output: 2 }) });
    const doc = await json('/config');
    expect(doc.groups).toEqual([{ id: 'team-x', limits: { rpm: 7 } }]);
    expect(doc.prices['house-model']).toEqual({ input: 1, output: 2 });
    expect(doc.logging.bodies).toBe('off');

    doc.groups[0].limits.rpm = 9;
    doc.prices['house-model'].output = 3;
    doc.logging.bodies = 'metadata';
    await json('/config', { method: 'POST', body: JSON.stringify(doc) });
    expect((await json('/limits/groups/team-x')).limits).toEqual({ rpm: 9 });
    expect((await json('/prices/house-model')).price).toEqual({ input: 1, output: 3 });
    expect((await json('/settings')).logging.bodies).toBe('metadata');
  });

  it('is described in the OpenAPI document', async () => {
    const doc = await (await fetch(`${gw.url}/admin/api/openapi.json`)).json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/overview', '/config', '/logs/export']));
    expect(doc.paths['/logs/export'].get.responses['200'].content).toHaveProperty('text/csv');
    expect(doc.paths['/config'].post.requestBody.content).toHaveProperty('application/yaml');
    expect(doc.components.schemas.Overview.properties.totals).toBeTruthy();
  });
});

describe('the dashboard at /', () => {
  it('serves index.html for the root and for client-side routes, with a strict policy', async () => {
    for (const path of ['/', '/keys', '/logs/anything']) {
      const res = await fetch(`${gw.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toContain('fake dashboard');
    }
  });

  it('serves hashed assets for good, and a missing asset is a 404', async () => {
    const res = await fetch(`${gw.url}/assets/app-abc123.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect(await res.text()).toBe('console.log(1)');
    expect((await fetch(`${gw.url}/assets/gone-000.js`)).status).toBe(404);
    expect((await fetch(`${gw.url}/%2e%2e/%2e%2e/etc/passwd`)).status).not.toBe(500);
    expect(await (await fetch(`${gw.url}/..%2f..%2fpackage.json`)).text()).not.toContain('"name"');
  });

  it('never shadows the APIs: unknown API paths keep their own error shapes', async () => {
    const v1 = await fetch(`${gw.url}/v1/unknown`);
    expect(v1.status).toBe(404);
    expect((await v1.json()).error).toBeTruthy();
    const gemini = await fetch(`${gw.url}/v1beta/unknown`);
    expect(gemini.status).toBe(404);
    expect((await gemini.json()).error.status).toBeTruthy();
    expect((await fetch(`${gw.url}/admin/api/nothing-here`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).status).toBe(404);
    expect(await (await fetch(`${gw.url}/healthz`)).json()).toEqual({ ok: true });
    expect((await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${TEST_KEY}` } })).status).toBe(200);
  });

  it('says how to build the dashboard when it was never built', async () => {
    const bare = await startTestGateway({ webDir: join(webDir, 'missing') });
    try {
      const res = await fetch(`${bare.url}/`);
      expect(res.status).toBe(503);
      expect(await res.text()).toContain('npm run build:web');
    } finally {
      await bare.close();
    }
  });
});
