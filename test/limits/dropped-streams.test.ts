import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import { startFakeAnthropic, startFakeGemini, startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { eventually, logRows, startTestGateway } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { admin, testKey } from './helpers.js';

/**
 * A client that reads a stream and hangs up before the last event never sees
 * the upstream's usage figure (the gateway cuts the upstream when it leaves).
 * It must still be charged: the output it was sent and its request's input,
 * marked estimated, for every client shape, passed through and translated.
 */
const PRICES = {
  'gpt-upstream': { input: 100, output: 100 },
  'claude-upstream': { input: 100, output: 100 },
  'gemini-2.5-flash': { input: 100, output: 100 },
};
const SAY = 'one two three four five six seven eight nine ten eleven twelve';

interface Shape {
  name: string;
  path: (model: string) => string;
  body: (model: string) => unknown;
}

const SHAPES: Record<string, Shape> = {
  chat: {
    name: 'OpenAI Chat',
    path: () => '/v1/chat/completions',
    body: (model) => ({ model, stream: true, max_tokens: 1000, messages: [{ role: 'user', content: SAY }] }),
  },
  responses: {
    name: 'OpenAI Responses',
    path: () => '/v1/responses',
    body: (model) => ({ model, stream: true, max_output_tokens: 1000, input: SAY }),
  },
  messages: {
    name: 'Anthropic Messages',
    path: () => '/v1/messages',
    body: (model) => ({ model, stream: true, max_tokens: 1000, messages: [{ role: 'user', content: SAY }] }),
  },
  gemini: {
    name: 'Gemini',
    path: (model) => `/v1beta/models/${model}:streamGenerateContent?alt=sse`,
    body: () => ({ contents: [{ role: 'user', parts: [{ text: SAY }] }], generationConfig: { maxOutputTokens: 1000 } }),
  },
};

/** Each shape once to the upstream that speaks it, once to one that does not. */
const CASES: { shape: keyof typeof SHAPES; model: string; translated: boolean }[] = [
  { shape: 'chat', model: 'gpt-pass', translated: false },
  { shape: 'chat', model: 'claude-pass', translated: true },
  { shape: 'responses', model: 'gpt-pass', translated: false },
  { shape: 'responses', model: 'claude-pass', translated: true },
  { shape: 'messages', model: 'claude-pass', translated: false },
  { shape: 'messages', model: 'gpt-pass', translated: true },
  { shape: 'gemini', model: 'gemini-pass', translated: false },
  { shape: 'gemini', model: 'gpt-pass', translated: true },
];
const keyName = (c: (typeof CASES)[number]) => `drop-${c.shape}-${c.translated ? 'tr' : 'pt'}`;

let oai: FakeUpstream;
let ant: FakeUpstream;
let gem: FakeUpstream;
let gw: NodeGateway;

beforeAll(async () => {
  // One event every 60 ms, so a client can leave in the middle of the answer.
  [oai, ant, gem] = await Promise.all([startFakeOpenAI({ chunkDelayMs: 60 }), startFakeAnthropic({ chunkDelayMs: 60 }), startFakeGemini({ chunkDelayMs: 60 })]);
  gw = await startTestGateway({
    extra: {
      prices: PRICES,
      upstreams: [
        { id: 'oai', kind: 'openai', speaks: ['chat', 'responses'], baseUrl: `${oai.url}/v1`, credentials: [{ key: 'sk-fake-openai' }] },
        { id: 'ant', kind: 'anthropic', baseUrl: ant.url, credentials: [{ key: 'sk-ant-fake' }] },
        { id: 'gem', kind: 'gemini', baseUrl: gem.url, credentials: [{ key: 'fake-gemini-key' }] },
      ],
      models: [
        { id: 'gpt-pass', routes: [{ upstream: 'oai', model: 'gpt-upstream' }] },
        { id: 'claude-pass', routes: [{ upstream: 'ant', model: 'claude-upstream' }] },
        { id: 'gemini-pass', routes: [{ upstream: 'gem', model: 'gemini-2.5-flash' }] },
        { id: 'unpriced', routes: [{ upstream: 'oai', model: 'no-price-anywhere' }] },
      ],
      keys: [
        ...CASES.map((c) => ({ name: keyName(c), group: 'drops', key: testKey(keyName(c)), budget: { tokens: 1_000_000, usd: 100, period: 'total' } })),
        { name: 'usd-budget', group: 'g-usd', key: testKey('usd-budget'), budget: { usd: 100, period: 'total' } },
        { name: 'token-budget', group: 'g-tok', key: testKey('token-budget'), budget: { tokens: 100_000, period: 'total' } },
      ],
    },
  });
});
afterAll(async () => {
  await gw?.close();
  await Promise.all([oai?.close(), ant?.close(), gem?.close()]);
});
beforeEach(() => {
  for (const fake of [oai, ant, gem]) fake.reset();
});

/** Sends a streaming request and hangs up once the answer's first words ("echo: …") arrived. */
function readSomeThenHangUp(path: string, key: string, body: unknown): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${gw.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, 'x-goog-api-key': key, 'anthropic-version': '2023-06-01' },
    });
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        res.on('end', () => reject(new Error(`status ${res.statusCode}: ${text}`)));
        return;
      }
      let seen = '';
      res.on('data', (chunk: Buffer) => {
        seen += chunk.toString('utf8');
        if (/echo/.test(seen)) {
          req.destroy();
          resolve(seen);
        }
      });
      res.on('end', () => reject(new Error(`the stream ended before any text: ${seen}`)));
    });
    req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
    req.end(JSON.stringify(body));
  });
}

function keyIdOf(name: string): string {
  for (const key of gw.ctx.catalog.current().keysById.values()) if (key.name === name) return key.id;
  throw new Error(`no key ${name}`);
}

describe('a client that drops its streams is charged what it was sent', () => {
  it.each(CASES)('$shape, translated: $translated', async (c) => {
    const shape = SHAPES[c.shape]!;
    const name = keyName(c);
    for (let i = 0; i < 5; i++) await readSomeThenHangUp(shape.path(c.model), testKey(name), shape.body(c.model));

    const keyId = keyIdOf(name);
    const rows = await eventually(async () => {
      const found = (await logRows(gw)).filter((r) => r.keyId === keyId);
      expect(found).toHaveLength(5);
      return found;
    });
    for (const row of rows) {
      expect(row).toMatchObject({ status: 499, outcome: 'incomplete', usageEstimated: true, translation: c.translated ? expect.any(String) : null });
      // More than Anthropic's message_start placeholder (1): "echo: one" at least was sent.
      expect(row.outputTokens).toBeGreaterThan(1);
      expect(row.inputTokens + row.cacheReadTokens + row.cacheWriteTokens).toBeGreaterThan(0);
      expect(row.costUsd).toBeGreaterThan(0);
    }
    // The budgets were settled with those figures, not released to zero.
    const status = await admin(gw, 'GET', `/keys/${keyId}/limits`);
    const used = Object.fromEntries(status.body.counters.map((d: { dimension: string; used: number }) => [d.dimension, d.used]));
    const tokens = rows.reduce((sum, r) => sum + r.inputTokens + r.cacheReadTokens + r.cacheWriteTokens + r.outputTokens, 0);
    const usd = rows.reduce((sum, r) => sum + r.costUsd!, 0);
    expect(used['budget-tokens']).toBe(tokens);
    expect(used['budget-usd']).toBeCloseTo(usd, 9);
    expect(used['budget-usd']).toBeGreaterThan(0);
  });

  it('a stream read to its end is charged the upstream figure, not an estimate', async () => {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${testKey('token-budget')}` },
      body: JSON.stringify(SHAPES.chat!.body('gpt-pass')),
    });
    await res.text();
    const row = await eventually(async () => {
      const found = (await logRows(gw)).find((r) => r.keyId === keyIdOf('token-budget'));
      expect(found).toBeDefined();
      return found!;
    });
    expect(row).toMatchObject({ outcome: 'ok', usageEstimated: false, inputTokens: 8, cacheReadTokens: 3, outputTokens: 7 });
  });

  it('an upstream that breaks off mid-stream: the delivered output is charged, estimated', async () => {
    ant.failNext({ kind: 'cut-mid-stream', afterEvents: 4 });
    const res = await fetch(`${gw.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': testKey('token-budget'), 'anthropic-version': '2023-06-01' },
      body: JSON.stringify(SHAPES.messages!.body('claude-pass')),
    });
    expect(await res.text()).toMatch(/event: error/);
    const row = await eventually(async () => {
      const found = (await logRows(gw)).find((r) => r.keyId === keyIdOf('token-budget') && r.status === 502);
      expect(found).toBeDefined();
      return found!;
    });
    // message_start's real input figures are kept; the output is what the client was sent.
    expect(row).toMatchObject({ outcome: 'incomplete', usageEstimated: true, inputTokens: 13, cacheReadTokens: 4, cacheWriteTokens: 5 });
    expect(row.outputTokens).toBeGreaterThan(1);
  });
});

describe('a USD budget on a model without a price', () => {
  it('is refused in the client shape, naming the model, and nothing reaches the upstream', async () => {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${testKey('usd-budget')}` },
      body: JSON.stringify({ model: 'unpriced', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(403);
    const body = await res.json();
    expect(body.error).toMatchObject({ code: 'model_unpriced', param: 'model', message: expect.stringContaining('model unpriced has no price') });
    expect(oai.calls).toHaveLength(0);
  });

  it('a token budget needs no price', async () => {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${testKey('token-budget')}` },
      body: JSON.stringify({ model: 'unpriced', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
  });

  it('is served and charged at the default price once one is set ("*")', async () => {
    expect((await admin(gw, 'PUT', '/prices/*', { input: 1000, output: 1000 })).status).toBe(201);
    try {
      const res = await fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${testKey('usd-budget')}` },
        body: JSON.stringify({ model: 'unpriced', messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(res.status).toBe(200);
      const row = await eventually(async () => {
        const found = (await logRows(gw)).find((r) => r.keyId === keyIdOf('usd-budget'));
        expect(found).toBeDefined();
        return found!;
      });
      // 8 uncached + 3 cached input and 7 output tokens at $1,000 per million
      expect(row.costUsd).toBeCloseTo(0.018, 9);
      const status = await admin(gw, 'GET', `/keys/${keyIdOf('usd-budget')}/limits`);
      expect(status.body.counters.find((d: { dimension: string }) => d.dimension === 'budget-usd').used).toBeCloseTo(0.018, 9);
    } finally {
      await admin(gw, 'DELETE', '/prices/*');
    }
  });
});
