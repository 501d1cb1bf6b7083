import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import { startFakeAnthropic, startFakeOpenAI, type FakeCall, type FakeUpstream } from '../fakes/index.js';
import { ADMIN_KEY, eventually, logRows, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import { loadConfig } from '../../src/config/load.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';

// Routers (`auto`): each request to a tier by rules over cheap features of the request, or by a classifier
// model asked through the gateway; the tier and why on the row, and the saving against the reference tier.
const ROUTER_ONLY_KEY = 'sk-sb-tier-key-0000000000000000000000001';
const GPT_ONLY_KEY = 'sk-sb-tier-key-0000000000000000000000002';

let oai: FakeUpstream;
let ant: FakeUpstream;
let gw: NodeGateway;
let openai: OpenAI;

const chatCalls = (fake: FakeUpstream) => fake.calls.filter((c) => c.path.endsWith('/chat/completions'));
const messageCalls = (fake: FakeUpstream) => fake.calls.filter((c) => c.path === '/v1/messages');
const toClassifier = (call: FakeCall) => call.body?.model === 'classifier-upstream';
/** What the fake classifier answers: an OpenAI Chat completion whose text is `text`. */
const classifierSays = (text: string) => ({
  kind: 'status' as const,
  status: 200,
  body: {
    id: 'chatcmpl-classifier',
    object: 'chat.completion',
    created: 1,
    model: 'classifier-upstream',
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 50, completion_tokens: 1, total_tokens: 51 },
  },
});

const chat = (model: string, content: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  openai.chat.completions.create({ model, messages: [{ role: 'user', content }], ...extra } as never, { headers });
/** The newest row that is not a classifier call (those start after the request they decide for). */
const lastRow = async () => (await logRows(gw)).find((r) => !(r.router && r.tier === null))!;
/** The newest routed request and the classifier call made for it. */
const classifiedPair = async () => {
  const rows = await logRows(gw);
  const call = rows.find((r) => r.router && r.tier === null)!;
  const served = rows.find((r) => call.tierReason === `classifier for ${r.id}`)!;
  return [served, call] as const;
};

async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${gw.url}/admin/api${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: await res.json() };
}

const TIERS = [
  { name: 'small', model: 'gpt-test' },
  { name: 'medium', model: 'mid' },
  { name: 'large', model: 'claude-test' },
];

beforeAll(async () => {
  [oai, ant] = await Promise.all([startFakeOpenAI(), startFakeAnthropic()]);
  gw = await startTestGateway({
    openaiUrl: oai.url,
    anthropicUrl: ant.url,
    extra: {
      models: [
        { id: 'gpt-test', routes: [{ upstream: 'oai', model: 'gpt-upstream' }] },
        { id: 'claude-test', routes: [{ upstream: 'ant', model: 'claude-upstream' }] },
        { id: 'classifier-test', routes: [{ upstream: 'oai', model: 'classifier-upstream' }] },
      ],
      aliases: [{ id: 'mid', targets: [{ model: 'claude-test' }] }],
      routers: [
        {
          id: 'auto',
          tiers: TIERS,
          rules: [
            { name: 'vip', when: { groups: ['team-a/vip'] }, tier: 'large' },
            { name: 'proofs', when: { keywords: ['Prove that'] }, tier: 'large' },
            { name: 'bugs', when: { pattern: '\\bfix (the )?bug\\b' }, tier: 'medium' },
            { name: 'tools', when: { tools: true }, tier: 'medium' },
            { name: 'images', when: { images: true }, tier: 'large' },
            { name: 'thinking', when: { reasoning: true }, tier: 'large' },
            { name: 'long', when: { minInputTokens: 2000 }, tier: 'large' },
            { name: 'chatty', when: { minTurns: 5 }, tier: 'medium' },
            { name: 'gemini', when: { protocols: ['gemini'] }, tier: 'small' },
            { name: 'short', when: { maxInputTokens: 30, keywords: ['hello'] }, tier: 'small' },
          ],
          classifier: { model: 'classifier-test', timeoutMs: 300, fallback: 'medium' },
        },
        { id: 'auto-plain', tiers: TIERS, rules: [{ when: { keywords: ['hard'] }, tier: 'large' }], default: 'small' },
        { id: 'auto-hidden', tiers: TIERS, listed: false },
      ],
      keys: [
        { name: 'tester', group: 'team-a', key: TEST_KEY },
        { name: 'router-only', key: ROUTER_ONLY_KEY, models: ['auto-plain'] },
        { name: 'gpt-only', key: GPT_ONLY_KEY, models: ['gpt-test'] },
      ],
      prices: { 'gpt-upstream': { input: 1, output: 2 }, 'claude-upstream': { input: 10, output: 20 }, 'classifier-upstream': { input: 0.5, output: 0.5 } },
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
});

describe('rules', () => {
  it('sends each request to the tier of the first rule that holds over its features, with the rule on the row', async () => {
    const cases: [string, () => Promise<unknown>, string, string][] = [
      ['group', () => chat('auto', 'hello there', {}, { 'x-switchboard-group': 'team-a/vip' }), 'large', 'rule vip'],
      ['keywords (case-insensitive)', () => chat('auto', 'PROVE THAT the sum is even'), 'large', 'rule proofs'],
      ['pattern', () => chat('auto', 'please Fix the bug in parse()'), 'medium', 'rule bugs'],
      [
        'tools',
        () => chat('auto', 'weather?', { tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } }] }),
        'medium',
        'rule tools',
      ],
      [
        'images',
        () =>
          openai.chat.completions.create({
            model: 'auto',
            messages: [{ role: 'user', content: [{ type: 'text', text: 'what is this' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] }],
          }),
        'large',
        'rule images',
      ],
      ['reasoning', () => chat('auto', 'think about it', { reasoning_effort: 'high' }), 'large', 'rule thinking'],
      ['input tokens', () => chat('auto', 'word '.repeat(2000)), 'large', 'rule long'],
      [
        'turns',
        () =>
          openai.chat.completions.create({
            model: 'auto',
            messages: ['a', 'b', 'c', 'd', 'e'].map((t, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', content: t }) as const),
          }),
        'medium',
        'rule chatty',
      ],
      ['all conditions of a rule together', () => chat('auto', 'hello'), 'small', 'rule short'],
    ];
    for (const [what, send, tier, reason] of cases) {
      await send();
      const row = await lastRow();
      expect({ what, router: row.router, tier: row.tier, reason: row.tierReason }).toEqual({ what, router: 'auto', tier, reason });
      expect(row.model).toBe(TIERS.find((t) => t.name === tier)!.model === 'gpt-test' ? 'gpt-test' : 'claude-test');
    }
    // The small tier went to OpenAI, the others to Anthropic, each with its own upstream model id.
    expect(chatCalls(oai).map((c) => c.body.model)).toEqual(['gpt-upstream']);
    expect(messageCalls(ant).every((c) => c.body.model === 'claude-upstream')).toBe(true);
  });

  it('a medium tier that is an alias: the row names the alias and the target that served', async () => {
    await chat('auto', 'fix bug now');
    expect(await lastRow()).toMatchObject({ router: 'auto', tier: 'medium', alias: 'mid', model: 'claude-test', upstreamModel: 'claude-upstream' });
  });

  it('falls to the default tier when no rule holds and there is no classifier', async () => {
    await chat('auto-plain', 'an ordinary question');
    expect(await lastRow()).toMatchObject({ router: 'auto-plain', tier: 'small', tierReason: 'default', model: 'gpt-test' });
    await chat('auto-plain', 'a hard question');
    expect(await lastRow()).toMatchObject({ router: 'auto-plain', tier: 'large', tierReason: 'rule rules[0]', model: 'claude-test' });
  });
});

describe('every client shape, streaming too', () => {
  it('routes Anthropic Messages (streamed), Responses and Gemini requests', async () => {
    const anthropic = new Anthropic({ apiKey: TEST_KEY, baseURL: gw.url, maxRetries: 0 });
    const stream = anthropic.messages.stream({ model: 'auto', max_tokens: 100, messages: [{ role: 'user', content: 'Prove that 2 is prime' }] });
    expect(await stream.finalText()).toContain('Prove that');
    expect(await lastRow()).toMatchObject({ protocol: 'anthropic-messages', stream: true, router: 'auto', tier: 'large', model: 'claude-test', status: 200 });

    const res = await openai.responses.create({ model: 'auto-plain', input: 'hello' });
    expect(res.output_text).toContain('hello');
    expect(await lastRow()).toMatchObject({ protocol: 'openai-responses', router: 'auto-plain', tier: 'small', model: 'gpt-test' });

    const ai = new GoogleGenAI({ apiKey: TEST_KEY, httpOptions: { baseUrl: gw.url } });
    let text = '';
    for await (const chunk of await ai.models.generateContentStream({ model: 'auto', contents: 'an ordinary gemini question' })) text += chunk.text ?? '';
    expect(text).toContain('gemini question');
    expect(await lastRow()).toMatchObject({ protocol: 'gemini', stream: true, router: 'auto', tier: 'small', tierReason: 'rule gemini', model: 'gpt-test' });
  });

  it('streams OpenAI Chat through a router', async () => {
    const stream = await openai.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'hello' }], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toContain('hello');
    expect(await lastRow()).toMatchObject({ stream: true, router: 'auto', tier: 'small', status: 200 });
  });
});

describe('classifier', () => {
  it('asks the classifier when no rule holds: its tier serves, and its call is a row of its own, billed to the key', async () => {
    oai.failNext(classifierSays('large'), 1, toClassifier);
    const res = await chat('auto', 'an open-ended question with no rule');
    expect(res.choices[0].message.content).toContain('open-ended');
    const [served, call] = await classifiedPair();
    expect(served).toMatchObject({ router: 'auto', tier: 'large', tierReason: 'no rule matched; classifier said large', model: 'claude-test' });
    expect(call).toMatchObject({ router: 'auto', tier: null, tierReason: `classifier for ${served.id}`, model: 'classifier-test', upstreamModel: 'classifier-upstream', status: 200 });
    expect(call.keyId).toBe(served.keyId);
    expect(call.costUsd).toBeCloseTo((50 * 0.5 + 1 * 0.5) / 1e6, 12);
    // It saw the last user message and the request's features, and was asked for a tier name only.
    const asked = chatCalls(oai).find(toClassifier)!.body;
    expect(asked.messages[0].content).toContain('one of: small, medium, large');
    expect(asked.messages[1].content).toContain('an open-ended question with no rule');
    expect(asked.messages[1].content).toContain('tools offered: no');
  });

  it('falls back when the classifier names no tier, errs, or is slower than its timeout', async () => {
    oai.failNext(classifierSays('I would say it depends'), 1, toClassifier);
    await chat('auto', 'question one');
    expect(await lastRow()).toMatchObject({ tier: 'medium', tierReason: 'no rule matched; classifier failed (classifier-test named no tier): fallback' });

    oai.failNext({ kind: 'status', status: 400, body: { error: { message: 'bad', type: 'invalid_request_error' } } }, 1, toClassifier);
    await chat('auto', 'question two');
    expect((await lastRow()).tierReason).toBe('no rule matched; classifier failed (classifier-test answered 400): fallback');

    oai.failNext({ kind: 'slow-first-byte', ms: 3000 }, 1, toClassifier);
    const started = Date.now();
    const res = await chat('auto', 'question three');
    expect(res.choices[0].message.content).toContain('question three');
    expect(Date.now() - started).toBeLessThan(2500);
    const [served, call] = await eventually(async () => {
      const pair = await classifiedPair();
      expect(pair[0].tierReason).toContain('no answer within');
      return pair;
    });
    expect(served).toMatchObject({ tier: 'medium', tierReason: 'no rule matched; classifier failed (no answer within 300 ms): fallback', model: 'claude-test' });
    expect(call).toMatchObject({ status: 504, outcome: 'error', error: 'the classifier gave no answer within 300 ms' });
  });
});

describe('keys and model lists', () => {
  it('a key naming the router reaches every tier through it, but not the tiers by name; a key without it gets a 403', async () => {
    const routerOnly = new OpenAI({ apiKey: ROUTER_ONLY_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    await routerOnly.chat.completions.create({ model: 'auto-plain', messages: [{ role: 'user', content: 'a hard one' }] });
    expect(await lastRow()).toMatchObject({ router: 'auto-plain', tier: 'large', model: 'claude-test', status: 200 });
    await expect(routerOnly.chat.completions.create({ model: 'claude-test', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 403 });

    const gptOnly = new OpenAI({ apiKey: GPT_ONLY_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    await expect(gptOnly.chat.completions.create({ model: 'auto-plain', messages: [{ role: 'user', content: 'hello' }] })).rejects.toMatchObject({ status: 403 });
  });

  it('lists routers in /v1/models as chat models, unless unlisted, and only to keys that may use them', async () => {
    const ids = async (key: string) => ((await (await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } })).json()).data as { id: string }[]).map((m) => m.id);
    const all = await ids(TEST_KEY);
    expect(all).toEqual(expect.arrayContaining(['auto', 'auto-plain']));
    expect(all).not.toContain('auto-hidden');
    expect(await ids(ROUTER_ONLY_KEY)).toEqual(['auto-plain']);
    const anthropic = new Anthropic({ apiKey: TEST_KEY, baseURL: gw.url, maxRetries: 0 });
    const claudeList = (await anthropic.models.list()).data.map((m) => m.id);
    expect(claudeList).toContain('auto');
  });
});

describe('savings', () => {
  it('prices each routed request on the reference tier too, and the usage API sums the split and the saving', async () => {
    const from = Date.now() - 1;
    await chat('auto-plain', 'plain small one');
    const small = await lastRow();
    // FAKE_USAGE: 11 input (3 cached), 7 output; small at 1 / 2 USD per million, the reference (large) at 10 / 20.
    expect(small.costUsd).toBeCloseTo((11 * 1 + 7 * 2) / 1e6, 12);
    expect(small.referenceCostUsd).toBeCloseTo((11 * 10 + 7 * 20) / 1e6, 12);
    await chat('auto-plain', 'plain hard one');
    const large = await lastRow();
    expect(large.referenceCostUsd).toBe(large.costUsd);

    const report = await admin('GET', `/usage/tiers?router=auto-plain&from=${from}`);
    expect(report.status).toBe(200);
    const split = report.body.routers.find((r: { router: string }) => r.router === 'auto-plain');
    expect(split.reference).toBe('large');
    expect(split.tiers.map((t: { tier: string; requests: number }) => [t.tier, t.requests])).toEqual([
      ['small', 1],
      ['large', 1],
    ]);
    expect(split.savedUsd).toBeCloseTo(small.referenceCostUsd! - small.costUsd!, 9);
    expect(split.costUsd).toBeCloseTo(small.costUsd! + large.costUsd!, 9);

    // The classifier's calls count against the saving.
    const classified = Date.now() - 1;
    oai.failNext(classifierSays('small'), 1, toClassifier);
    await chat('auto', 'a question for the classifier');
    const [served, call] = await classifiedPair();
    const withClassifier = (await admin('GET', `/usage/tiers?router=auto&from=${classified}`)).body.routers[0];
    expect(withClassifier.classifier).toEqual({ requests: 1, costUsd: call.costUsd });
    expect(withClassifier.savedUsd).toBeCloseTo(served.referenceCostUsd! - served.costUsd! - call.costUsd!, 9);
  });
});

describe('admin API and config', () => {
  it('creates, reads, replaces and deletes a router; the next request uses it', async () => {
    const router = { id: 'auto-new', tiers: [{ name: 'only', model: 'gpt-test' }] };
    const created = await admin('POST', '/routers', router);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'auto-new', rules: [], listed: true });
    expect((await admin('POST', '/routers', router)).status).toBe(409);
    await eventually(async () => {
      await chat('auto-new', 'hello');
      expect(await lastRow()).toMatchObject({ router: 'auto-new', tier: 'only', tierReason: 'default' });
    });
    const put = await admin('PUT', '/routers/auto-new', { tiers: [{ name: 'big', model: 'claude-test' }] });
    expect(put.status).toBe(200);
    expect((await admin('GET', '/routers/auto-new')).body.tiers).toEqual([{ name: 'big', model: 'claude-test' }]);
    expect((await admin('GET', '/routers')).body.data.map((r: { id: string }) => r.id)).toContain('auto-new');
    expect((await admin('DELETE', '/routers/auto-new')).body).toEqual({ id: 'auto-new', deleted: true });
    expect((await admin('GET', '/routers/auto-new')).status).toBe(404);
  });

  it('refuses a router naming a missing tier, a model id, a router as a tier, or a bad pattern, every problem at once', async () => {
    const res = await admin('PUT', '/routers/gpt-test', {
      tiers: [{ name: 'a', model: 'auto' }],
      rules: [{ when: { pattern: '(' }, tier: 'a' }, { tier: 'b' }, { classify: true }],
      default: 'zzz',
    });
    expect(res.status).toBe(400);
    const text = JSON.stringify(res.body);
    for (const needle of ['not a valid regular expression']) expect(text).toContain(needle);
    // A pattern that backtracks exponentially on some texts is refused before any request reaches it.
    const slow = await admin('PUT', '/routers/slow', { tiers: [{ name: 'a', model: 'gpt-test' }], rules: [{ when: { pattern: '(\\w+\\s?)*$' }, tier: 'a' }] });
    expect(slow.status).toBe(400);
    expect(JSON.stringify(slow.body)).toContain('exponential time');
    const res2 = await admin('PUT', '/routers/gpt-test', { tiers: [{ name: 'a', model: 'auto' }], rules: [{ tier: 'b' }, { classify: true }], default: 'zzz' });
    const text2 = JSON.stringify(res2.body);
    for (const needle of ['gpt-test is already a model id', 'auto is a router', 'no tier named b', 'the router has no classifier', 'no tier named zzz'])
      expect(text2).toContain(needle);
  });

  it('config check names the problems by path', () => {
    const result = loadConfig(
      JSON.stringify({
        models: [{ id: 'm', routes: [{ upstream: 'u', model: 'x' }] }],
        upstreams: [{ id: 'u', kind: 'mock' }],
        routers: [{ id: 'm', tiers: [{ name: 't', model: 'm' }], rules: [{ when: {}, tier: 'nope' }], reference: 'gone' }],
      }),
      {},
    );
    expect(result.ok).toBe(false);
    const problems = (result as { problems: string[] }).problems;
    expect(problems).toEqual(
      expect.arrayContaining(['routers[0].id: m is already a model id', 'routers[0].rules[0].tier: no tier named nope (tiers: t)', 'routers[0].reference: no tier named gone (tiers: t)']),
    );
  });
});
