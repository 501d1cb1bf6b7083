import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { ADMIN_KEY, eventually, LIMITED_KEY, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import { testReplicas } from '../helpers/replica-pair.js';
import { createPostgresSchema, type PostgresSchema } from '../helpers/postgres.js';
import { openLive, type LiveWatch } from '../helpers/live-events.js';
import { closeRedis, dropPrefix, TEST_REDIS_URL, testPrefix, testRedis } from '../store/redis-test.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { MAX_WATCHERS } from '../../src/telemetry/live-requests.js';

/**
 * GET /admin/api/live through the real server: requests as they start and
 * as they finish (every replica's rows, read from the Store; with Redis,
 * every replica's requests in flight), filters, bodies read on demand, the
 * watcher cap, and a client that leaves.
 */

let oai: FakeUpstream;
let gw: NodeGateway;
const watches: LiveWatch[] = [];

async function watch(base: string, query = ''): Promise<LiveWatch> {
  const w = await openLive(base, query);
  watches.push(w);
  return w;
}

function client(key = TEST_KEY, base = gw.url) {
  return new OpenAI({ apiKey: key, baseURL: `${base}/v1`, maxRetries: 0 });
}

async function adminCall(method: string, path: string, body?: unknown) {
  const res = await fetch(`${gw.url}/admin/api${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

beforeAll(async () => {
  oai = await startFakeOpenAI();
  gw = await startTestGateway({ openaiUrl: oai.url });
});
afterAll(async () => {
  for (const w of watches) w.close();
  await gw?.close();
  await oai?.close();
});

describe('GET /admin/api/live', () => {
  it('needs the admin key and refuses a bad filter in the admin shape', async () => {
    expect((await fetch(`${gw.url}/admin/api/live`)).status).toBe(401);
    const bad = await watch(gw.url, 'status=abc');
    expect(bad.status).toBe(400);
  });

  it('sends each finished request as its log row, and its bodies are read on demand', async () => {
    expect((await adminCall('PATCH', '/settings', { logging: { bodies: 'full' } })).status).toBe(200);
    const w = await watch(gw.url);
    expect(w.status).toBe(200);
    await w.next((e) => e.event === 'hello');
    // Settings reach every replica within about a second.
    await new Promise((r) => setTimeout(r, testReplicas() > 1 ? 1200 : 0));
    const answer = await client().chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'live one' }] });
    const finished = await w.next((e) => e.event === 'finished' && e.data.model === 'gpt-test');
    expect(finished.data).toMatchObject({ status: 200, outcome: 'ok', upstreamId: 'oai', protocol: 'openai-chat' });
    expect(finished.data.outputTokens).toBeGreaterThan(0);
    expect(answer.id).toBeTruthy();
    // The bodies are not pushed: the page asks for them by the row's id.
    expect(JSON.stringify(finished.data)).not.toContain('live one');
    // The row and its bodies are written by the recorder (its first write starts the SQLite writer thread).
    await gw.ctx.recorder.flush();
    const detail = await eventually(async () => {
      const d = await adminCall('GET', `/logs/${finished.data.id}`);
      expect(d.status).toBe(200);
      expect(d.body.bodies?.request).toContain('live one');
      return d;
    });
    expect(detail.body.bodies.mode).toBe('full');
    await adminCall('PATCH', '/settings', { logging: { bodies: 'off' } });
  });

  // With two replicas (behind a balancer, on Redis) the watcher and the request may be on either: the relay brings it over.
  it('sends a request as it starts, before its row is finished', async () => {
    const w = await watch(gw.url);
    await w.next((e) => e.event === 'hello');
    oai.failNext({ kind: 'slow-first-byte', ms: 600 });
    const pending = client().chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'slow' }] });
    const started = await w.next((e) => e.event === 'started');
    expect(started.data).toMatchObject({ model: 'gpt-test', upstreamId: 'oai', endpoint: 'chat' });
    expect(started.data.keyId).toBeTruthy();
    // A watcher that connects now finds it among the requests in flight.
    const late = await watch(gw.url);
    const hello = await late.next((e) => e.event === 'hello');
    expect(hello.data.inFlight.map((r: { id: string }) => r.id)).toContain(started.data.id);
    await pending;
    const finished = await w.next((e) => e.event === 'finished' && e.data.id === started.data.id);
    expect(finished.data.status).toBe(200);
    // Found again by the Store poller a moment later, it is not sent twice.
    await gw.ctx.recorder.flush();
    await new Promise((r) => setTimeout(r, 1500));
    expect(w.events.filter((e) => e.event === 'finished' && e.data.id === started.data.id)).toHaveLength(1);
  });

  it('filters by key, model, upstream and status', async () => {
    const byKey = await watch(gw.url, 'key=limited');
    const byStatus = await watch(gw.url, 'status=4xx');
    const byModel = await watch(gw.url, 'model=mock-model&upstream=mock');
    for (const w of [byKey, byStatus, byModel]) await w.next((e) => e.event === 'hello');
    await client().chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'not for the filters' }] });
    await client(LIMITED_KEY).chat.completions.create({ model: 'mock-model', messages: [{ role: 'user', content: 'limited' }] });
    await expect(client().chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 404 });

    const limited = await byKey.next((e) => e.event === 'finished');
    expect(limited.data).toMatchObject({ model: 'mock-model', status: 200 });
    const refused = await byStatus.next((e) => e.event === 'finished');
    expect(refused.data).toMatchObject({ status: 404 });
    const mock = await byModel.next((e) => e.event === 'finished');
    expect(mock.data).toMatchObject({ model: 'mock-model', upstreamId: 'mock' });
    // Give the poller a round more: nothing else may pass the filters.
    await gw.ctx.recorder.flush();
    await new Promise((r) => setTimeout(r, 1200));
    expect(byKey.events.filter((e) => e.event === 'finished').every((e) => e.data.model === 'mock-model')).toBe(true);
    expect(byStatus.events.filter((e) => e.event === 'finished').every((e) => e.data.status >= 400 && e.data.status < 500)).toBe(true);
    expect(byModel.events.filter((e) => e.event === 'finished').every((e) => e.data.upstreamId === 'mock')).toBe(true);
    expect(byStatus.events.some((e) => e.event === 'started')).toBe(false);
  });

  it('refuses an unknown key name rather than watching nothing', async () => {
    const w = await watch(gw.url, 'key=nobody');
    expect(w.status).toBe(400);
  });

  it.skipIf(testReplicas() > 1)('lets a bounded number watch, and a client that leaves frees its place', async () => {
    for (const w of watches.splice(0)) w.close();
    await eventually(() => expect(gw.ctx.live!.watchers()).toBe(0));
    const many: LiveWatch[] = [];
    for (let i = 0; i < MAX_WATCHERS; i++) many.push(await watch(gw.url));
    expect(many.every((w) => w.status === 200)).toBe(true);
    const refused = await fetch(`${gw.url}/admin/api/live`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as any).error.code).toBe('too_many_watchers');
    // Every client leaves: the server cancels their streams, the watchers go.
    for (const w of many) w.close();
    await eventually(() => expect(gw.ctx.live!.watchers()).toBe(0));
    expect((await watch(gw.url)).status).toBe(200);
  });
});

describe.skipIf(testReplicas() > 1)('two replicas on one PostgreSQL', () => {
  let schema: PostgresSchema;
  let a: NodeGateway;
  let b: NodeGateway;

  beforeAll(async () => {
    schema = await createPostgresSchema('sblive');
    const extra = { storage: { url: schema.url } };
    a = await startTestGateway({ openaiUrl: oai.url, extra });
    b = await startTestGateway({ openaiUrl: oai.url, extra });
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await schema?.drop();
  });

  it("a watcher on B sees a request A served, from A's row in the database; only A saw it start", async () => {
    const onA = await watch(a.url);
    const onB = await watch(b.url);
    await onA.next((e) => e.event === 'hello');
    await onB.next((e) => e.event === 'hello');
    // The pollers' first round marks where the log stands; what is written after it is new.
    await new Promise((r) => setTimeout(r, 1100));
    const answer = await client(TEST_KEY, a.url).chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'served by A' }] });
    expect(answer.choices[0]?.message.content).toBeTruthy();
    const onBFinished = await onB.next((e) => e.event === 'finished' && e.data.model === 'gpt-test');
    const onAFinished = await onA.next((e) => e.event === 'finished' && e.data.model === 'gpt-test');
    expect(onBFinished.data.id).toBe(onAFinished.data.id);
    expect(onA.events.some((e) => e.event === 'started' && e.data.id === onAFinished.data.id)).toBe(true);
    expect(onB.events.some((e) => e.event === 'started')).toBe(false);
  });
});

describe.skipIf(testReplicas() > 1)('two replicas on PostgreSQL and Redis', () => {
  let schema: PostgresSchema;
  let a: NodeGateway;
  let b: NodeGateway;
  const prefix = testPrefix('live');

  beforeAll(async () => {
    schema = await createPostgresSchema('sblivers');
    const extra = { storage: { url: schema.url }, counters: { url: TEST_REDIS_URL, prefix } };
    a = await startTestGateway({ openaiUrl: oai.url, extra });
    b = await startTestGateway({ openaiUrl: oai.url, extra });
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await schema?.drop();
    const redis = await testRedis();
    await dropPrefix(redis, prefix);
    await closeRedis(redis);
  });

  it('a watcher on B sees a request in flight on A start, send its first byte and end, while it runs', async () => {
    const onB = await watch(b.url);
    const byStatus = await watch(b.url, 'status=2xx');
    await onB.next((e) => e.event === 'hello');
    oai.failNext({ kind: 'slow-first-byte', ms: 800 });
    let done = false;
    const pending = client(TEST_KEY, a.url)
      .chat.completions.create({ model: 'gpt-test', stream: true, messages: [{ role: 'user', content: 'in flight on A' }] })
      .then(async (stream) => {
        let text = '';
        for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
        done = true;
        return text;
      });
    const started = await onB.next((e) => e.event === 'started');
    expect(done).toBe(false);
    expect(started.data).toMatchObject({ model: 'gpt-test', upstreamId: 'oai', stream: true });
    expect(started.data.keyId).toBeTruthy();
    // A watcher that connects to B now finds it among the requests in flight.
    const late = await watch(b.url);
    const hello = await late.next((e) => e.event === 'hello');
    expect(hello.data.inFlight.map((r: { id: string }) => r.id)).toContain(started.data.id);
    const firstByte = await onB.next((e) => e.event === 'first-byte' && e.data.id === started.data.id);
    expect(firstByte.data.at).toBeGreaterThanOrEqual(started.data.ts);
    expect(await pending).toBeTruthy();
    // Its end reaches B too (relayed by A, or read from the Store: once either way).
    const finished = await onB.next((e) => e.event === 'finished' && e.data.id === started.data.id);
    expect(finished.data).toMatchObject({ status: 200, outcome: 'ok', upstreamId: 'oai' });
    // Read again from the Store by B's poller a moment later, it is not sent twice; a status filter sees only the end.
    await a.ctx.recorder.flush();
    await new Promise((r) => setTimeout(r, 1500));
    expect(onB.events.filter((e) => e.data?.id === started.data.id).map((e) => e.event)).toEqual(['started', 'first-byte', 'finished']);
    expect(byStatus.events.filter((e) => e.data?.id === started.data.id).map((e) => e.event)).toEqual(['finished']);
    expect(a.ctx.live!.relayed()).toMatchObject({ dropped: 0, failed: 0 });
  });
});
