import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import { startFakeAnthropic, startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { ADMIN_KEY, eventually, logRows, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import { testReplicas } from '../helpers/replica-pair.js';
import { loadConfig } from '../../src/config/load.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';

// Aliases: one public name resolving to several models, with per-target overrides, through the real server and the SDKs.
const ALIAS_KEY = 'sk-sb-alias-key-000000000000000000000001';
const GPT_ONLY_KEY = 'sk-sb-alias-key-000000000000000000000002';
const MOCK_ONLY_KEY = 'sk-sb-alias-key-000000000000000000000003';

let oai: FakeUpstream;
let ant: FakeUpstream;
let gw: NodeGateway;
let openai: OpenAI;

const chatCalls = (fake: FakeUpstream) => fake.calls.filter((c) => c.path.endsWith('/chat/completions'));
const messageCalls = (fake: FakeUpstream) => fake.calls.filter((c) => c.path === '/v1/messages');
const ask = (model: string, key = TEST_KEY) =>
  fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hello' }], temperature: 0.9 }),
  });
const listIds = async (key: string, query = '') => {
  const res = await fetch(`${gw.url}/v1/models${query}`, { headers: { authorization: `Bearer ${key}` } });
  return ((await res.json()).data as { id: string }[]).map((m) => m.id);
};

async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${gw.url}/admin/api${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: await res.json() };
}

beforeAll(async () => {
  [oai, ant] = await Promise.all([startFakeOpenAI(), startFakeAnthropic()]);
  gw = await startTestGateway({
    openaiUrl: oai.url,
    anthropicUrl: ant.url,
    extra: {
      aliases: [
        {
          id: 'smart',
          select: 'first-available',
          targets: [
            { model: 'claude-test', overrides: { reasoning: { effort: 'high' } } },
            { model: 'gpt-test', overrides: { temperature: 0.2, reasoning: { effort: 'high' }, body: { service_tier: 'flex' } } },
          ],
        },
        { id: 'spread', select: 'random', targets: [{ model: 'gpt-test', weight: 3 }, { model: 'claude-test', weight: 1 }] },
        { id: 'even', select: 'random', targets: [{ model: 'gpt-test' }, { model: 'claude-test' }] },
        { id: 'deep', targets: [{ model: 'claude-test', overrides: { reasoning: { budgetTokens: 4000 }, temperature: 1 } }] },
        { id: 'hidden', listed: false, targets: [{ model: 'gpt-test' }] },
        { id: 'vectors', targets: [{ model: 'embed-test' }] },
      ],
      keys: [
        { name: 'tester', group: 'team-a', key: TEST_KEY },
        { name: 'alias-only', key: ALIAS_KEY, models: ['smart'] },
        { name: 'gpt-only', key: GPT_ONLY_KEY, models: ['gpt-test'] },
        { name: 'mock-only', key: MOCK_ONLY_KEY, models: ['mock-model'] },
      ],
      retry: { backoffMs: 1, maxAttempts: 4 },
      health: { probeIntervalMs: 0, failuresBeforeCooling: 1, cooldownMs: 60_000 },
    },
  });
  openai = new OpenAI({ apiKey: TEST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await gw?.close();
  await Promise.all([oai?.close(), ant?.close()]);
});
beforeEach(() => {
  oai.reset();
  ant.reset();
  gw.ctx.pools.resetAll(Date.now());
});

describe('first-available', () => {
  it('serves from the first target, its overrides written for its upstream, and logs the alias and the model that served', async () => {
    const res = await openai.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: 'hello' }], temperature: 0.9 });
    expect(res.choices[0].message.content).toContain('hello');
    expect(chatCalls(oai)).toHaveLength(0);
    // Translated to Anthropic: the effort became the thinking budget the translation table gives `high`.
    const sent = messageCalls(ant)[0].body;
    expect(sent.model).toBe('claude-upstream');
    expect(sent.thinking).toEqual({ type: 'enabled', budget_tokens: 16384 });
    expect(sent.max_tokens).toBeGreaterThan(16384);
    const row = (await logRows(gw))[0];
    expect(row).toMatchObject({ alias: 'smart', model: 'claude-test', upstreamModel: 'claude-upstream', upstreamId: 'ant', status: 200 });
    // The admin API's log search finds a request by the alias it asked for.
    const found = await admin('GET', '/logs?q=SMART');
    expect(found.body.data.map((r: { id: string }) => r.id)).toContain(row.id);
    expect(found.body.data[0].alias).toBe('smart');
  });

  // A 429 benches the credential in the process that saw it; replicas learn it through shared health a moment later
  // (test/pools/replicas-health.test.ts), so the next request may still reach the target on another replica.
  it.skipIf(testReplicas() > 1)('skips a target whose only credential is cooling, and the next target gets its own overrides', async () => {
    // A 429 benches the Anthropic credential for a minute (its retry-after); that request fails over to gpt-test.
    ant.failNext({ kind: 'status', status: 429, headers: { 'retry-after': '60' } }, 1);
    expect((await ask('smart')).status).toBe(200);
    expect(messageCalls(ant)).toHaveLength(1);
    const before = ant.calls.length;
    const res = await ask('smart');
    expect(res.status).toBe(200);
    // The benched target was not even tried.
    expect(ant.calls.length).toBe(before);
    const sent = chatCalls(oai).at(-1)!.body;
    expect(sent).toMatchObject({ model: 'gpt-upstream', temperature: 0.2, reasoning_effort: 'high', service_tier: 'flex' });
    const row = (await logRows(gw))[0];
    expect(row).toMatchObject({ alias: 'smart', model: 'gpt-test', upstreamModel: 'gpt-upstream', attempts: null });
  });

  it('fails over to the next target when the first fails before the first byte, each try in the row', async () => {
    ant.failNext({ kind: 'status', status: 503 }, 1);
    const res = await ask('smart');
    expect(res.status).toBe(200);
    expect(messageCalls(ant)).toHaveLength(1);
    expect(chatCalls(oai)).toHaveLength(1);
    const row = (await logRows(gw))[0];
    expect(row.model).toBe('gpt-test');
    expect(row.alias).toBe('smart');
    expect(row.attempts?.map((a) => [a.upstream, a.status])).toEqual([
      ['ant', 503],
      ['oai', 200],
    ]);
  });

  it('answers 503 naming the targets when no target has a usable credential', async () => {
    const now = Date.now();
    for (const id of ['ant#1', 'oai#1']) gw.ctx.pools.failed(id, { kind: 'unavailable', reason: 'benched by the test' }, now);
    const res = await ask('smart');
    expect(res.status).toBe(503);
    expect((await res.json()).error.message).toMatch(/ant.*oai|oai.*ant/);
    expect(chatCalls(oai)).toHaveLength(0);
  });
});

describe('random', () => {
  it('spreads requests over the targets by weight, and evenly without weights', async () => {
    const N = 200;
    for (let i = 0; i < N; i++) expect((await ask('spread')).status).toBe(200);
    // Weight 3 to 1: about 150 to gpt-test; loose bounds (a binomial's spread is about 6).
    expect(chatCalls(oai).length).toBeGreaterThan(115);
    expect(chatCalls(oai).length).toBeLessThan(185);
    expect(chatCalls(oai).length + messageCalls(ant).length).toBe(N);

    oai.reset();
    ant.reset();
    for (let i = 0; i < N; i++) expect((await ask('even')).status).toBe(200);
    expect(chatCalls(oai).length).toBeGreaterThan(65);
    expect(chatCalls(oai).length).toBeLessThan(135);
    expect(chatCalls(oai).length + messageCalls(ant).length).toBe(N);
  });
});

describe('overrides on a passed-through request', () => {
  it('replace the Anthropic client\'s own thinking, raising max_tokens above the budget', async () => {
    const anthropic = new Anthropic({ apiKey: TEST_KEY, baseURL: gw.url, maxRetries: 0 });
    const res = await anthropic.messages.create({
      model: 'deep',
      max_tokens: 1000,
      thinking: { type: 'enabled', budget_tokens: 20000 },
      messages: [{ role: 'user', content: 'hello' }],
    });
    expect(res.type).toBe('message');
    const sent = messageCalls(ant)[0].body;
    expect(sent).toMatchObject({ model: 'claude-upstream', thinking: { type: 'enabled', budget_tokens: 4000 }, max_tokens: 5000, temperature: 1 });
    expect((await logRows(gw))[0]).toMatchObject({ alias: 'deep', model: 'claude-test', translation: null });
  });

  it('reach a translated upstream from a Gemini client in its own terms', async () => {
    const ai = new GoogleGenAI({ apiKey: TEST_KEY, httpOptions: { baseUrl: gw.url } });
    const res = await ai.models.generateContent({ model: 'deep', contents: 'hello', config: { temperature: 0.3, maxOutputTokens: 300 } });
    expect(res.text).toContain('hello');
    const sent = messageCalls(ant)[0].body;
    expect(sent).toMatchObject({ model: 'claude-upstream', thinking: { type: 'enabled', budget_tokens: 4000 }, temperature: 1 });
    expect(sent.max_tokens).toBeGreaterThan(4000);
    expect((await logRows(gw))[0]).toMatchObject({ alias: 'deep', model: 'claude-test', translation: 'gemini -> anthropic-messages' });
  });

  it('counts tokens through an alias (Claude Code asks with the model it was given)', async () => {
    const anthropic = new Anthropic({ apiKey: TEST_KEY, baseURL: gw.url, maxRetries: 0 });
    const counted = await anthropic.messages.countTokens({ model: 'smart', messages: [{ role: 'user', content: 'hello' }] });
    expect(counted.input_tokens).toBeGreaterThan(0);
  });
});

describe('keys and aliases', () => {
  it('a key naming the alias reaches every target through it, but not the targets by name', async () => {
    expect((await ask('smart', ALIAS_KEY)).status).toBe(200);
    expect(messageCalls(ant)).toHaveLength(1);
    const direct = await ask('claude-test', ALIAS_KEY);
    expect(direct.status).toBe(403);
    expect((await direct.json()).error.param).toBe('model');
    expect(await listIds(ALIAS_KEY)).toEqual(['smart']);
  });

  it('a key not naming the alias reaches only the targets it names itself', async () => {
    for (let i = 0; i < 3; i++) expect((await ask('smart', GPT_ONLY_KEY)).status).toBe(200);
    // claude-test comes first in `smart` and is healthy, but this key may not use it.
    expect(messageCalls(ant)).toHaveLength(0);
    expect(chatCalls(oai)).toHaveLength(3);
    expect(await listIds(GPT_ONLY_KEY)).toEqual(['even', 'gpt-test', 'smart', 'spread']);
  });

  it('a key that reaches no target may not use the alias, nor see it', async () => {
    const res = await ask('smart', MOCK_ONLY_KEY);
    expect(res.status).toBe(403);
    expect((await res.json()).error.message).toContain('smart');
    expect(await listIds(MOCK_ONLY_KEY)).toEqual(['mock-model']);
    expect(oai.calls).toHaveLength(0);
    expect(ant.calls).toHaveLength(0);
  });
});

describe('model lists', () => {
  it('list listed aliases in every shape, with their first target\'s kind; unlisted ones are found by id only', async () => {
    const ids: string[] = [];
    for await (const m of openai.models.list()) ids.push(m.id);
    expect(ids).toEqual(expect.arrayContaining(['smart', 'spread', 'deep', 'vectors', 'gpt-test', 'embed-test']));
    expect(ids).not.toContain('hidden');
    expect((await openai.models.retrieve('hidden')).id).toBe('hidden');

    const anthropic = new Anthropic({ apiKey: TEST_KEY, baseURL: gw.url, maxRetries: 0 });
    const claude: string[] = [];
    for await (const m of anthropic.models.list()) claude.push(m.id);
    expect(claude).toEqual(expect.arrayContaining(['smart', 'deep', 'claude-test']));
    // An agent's picker gets chat models only: no embedding model, no alias of one.
    expect(claude).not.toContain('embed-test');
    expect(claude).not.toContain('vectors');
    expect(claude).not.toContain('hidden');

    const ai = new GoogleGenAI({ apiKey: TEST_KEY, httpOptions: { baseUrl: gw.url } });
    const gemini = new Map<string, string[]>();
    for await (const m of await ai.models.list()) gemini.set(m.name ?? '', m.supportedActions ?? []);
    expect(gemini.get('models/smart')).toContain('generateContent');
    expect(gemini.get('models/embed-test')).toEqual(['embedContent']);
    expect(gemini.get('models/vectors')).toEqual(['embedContent']);
  });

  it('narrows OpenAI\'s list with ?kind=, and refuses an unknown kind naming the parameter', async () => {
    expect(await listIds(TEST_KEY, '?kind=embedding')).toEqual(['embed-test', 'vectors']);
    const chat = await listIds(TEST_KEY, '?kind=chat,rerank');
    expect(chat).toContain('smart');
    expect(chat).not.toContain('embed-test');
    const bad = await fetch(`${gw.url}/v1/models?kind=chat,pictures`, { headers: { authorization: `Bearer ${TEST_KEY}` } });
    expect(bad.status).toBe(400);
    const body = await bad.json();
    expect(body.error.param).toBe('kind');
    expect(body.error.message).toContain('pictures');
  });
});

describe('aliases through the admin API', () => {
  // At once on the process that took the write; on other replicas within their next refresh (about a second), hence `eventually`.
  it('creates, replaces and deletes an alias, taking effect at once; refuses ambiguous ones naming the field', async () => {
    let res = await admin('PUT', '/aliases/fresh', { targets: [{ model: 'gpt-test', overrides: { maxTokens: 77 } }] });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: 'fresh', select: 'first-available', targets: [{ model: 'gpt-test', overrides: { maxTokens: 77 } }], listed: true });
    await eventually(async () => expect((await ask('fresh')).status).toBe(200));
    expect(chatCalls(oai).at(-1)!.body.max_completion_tokens).toBe(77);

    res = await admin('POST', '/aliases', { id: 'fresh', targets: [{ model: 'gpt-test' }] });
    expect(res.status).toBe(409);
    res = await admin('PUT', '/aliases/loop', { targets: [{ model: 'smart' }] });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('targets[0].model');
    res = await admin('PUT', '/aliases/gpt-test', { targets: [{ model: 'claude-test' }] });
    expect(res.status).toBe(400);
    res = await admin('PUT', '/models/smart', { routes: [{ upstream: 'oai', model: 'x' }] });
    expect(res.status).toBe(400);
    res = await admin('PUT', '/aliases/fresh', { select: 'sometimes', targets: [{ model: 'gpt-test' }] });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('select');
    expect((await admin('GET', '/aliases/fresh')).body.targets[0].overrides).toEqual({ maxTokens: 77 });

    expect((await admin('DELETE', '/aliases/fresh')).status).toBe(200);
    await eventually(async () => expect((await ask('fresh')).status).toBe(404));
    const exported = await admin('GET', '/config?format=json');
    expect(exported.body.aliases.map((a: { id: string }) => a.id)).toContain('smart');
    // The export imports back as it is, its aliases included.
    const imported = await admin('POST', '/config?dryRun=true', exported.body);
    expect(imported.status).toBe(200);
    expect(imported.body.aliases).toBe(exported.body.aliases.length);
  });

  it('a model declared with a kind is listed by it', async () => {
    expect((await admin('PUT', '/models/sorter', { routes: [{ upstream: 'oai', model: 'sorter-v1' }], kind: 'rerank' })).status).toBe(201);
    await eventually(async () => expect(await listIds(TEST_KEY, '?kind=rerank')).toEqual(['sorter']));
    expect((await admin('GET', '/models/sorter')).body.kind).toBe('rerank');
    await admin('DELETE', '/models/sorter');
  });
});

describe('usage by model', () => {
  it('counts an alias request under the model that served it', async () => {
    const requestsBy = async () => {
      await gw.ctx.recorder.flush();
      const res = await fetch(`${gw.url}/admin/api/usage?by=model`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      return new Map(((await res.json()).rows as { value: string; requests: number }[]).map((r) => [r.value, r.requests]));
    };
    const before = await requestsBy();
    expect((await ask('smart')).status).toBe(200);
    const after = await requestsBy();
    expect(after.get('claude-test')).toBe((before.get('claude-test') ?? 0) + 1);
    // Only requests refused before any target was chosen count under the alias's name.
    expect(after.get('smart')).toBe(before.get('smart'));
  });
});

describe('alias config checks', () => {
  it('names an alias that is also a model, a duplicate, and a target that is an alias', () => {
    const result = loadConfig(
      `
upstreams: [{ id: m, kind: mock }]
models: [{ id: a, routes: [{ upstream: m, model: x }] }]
aliases:
  - { id: a, targets: [{ model: a }] }
  - { id: b, targets: [{ model: b2 }] }
  - { id: b, targets: [{ model: b }] }
`,
      {},
    );
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems).toEqual([
      'aliases[0].id: a is already a model id',
      'aliases[0].targets[0].model: a is an alias: a target must be a model',
      'aliases[2].id: duplicate id b',
      'aliases[2].targets[0].model: b is an alias: a target must be a model',
    ]);
  });
});

