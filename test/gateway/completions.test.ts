import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import type { Completion } from 'openai/resources/completions';
import { FAKE_GEMINI_USAGE, FAKE_USAGE, startFakeAnthropic, startFakeGemini, startFakeOpenAI, type FakeCall, type FakeUpstream } from '../fakes/index.js';
import { eventually, logRows, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import { testReplicas } from '../helpers/replica-pair.js';
import { startFakeAzure } from '../fakes/azure.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';

// POST /v1/completions (OpenAI's legacy text completions) through the real server with the
// OpenAI SDK: passed through to upstreams that serve it, translated (through Chat's IR) for those
// that do not, learned from a server's 404, and with every promise of the other endpoints.

/** One fake OpenAI server behind several `openai` upstreams, told apart by their keys. */
const KEYS = { main: 'sk-main-1111', compat: 'sk-compat-2222', second: 'sk-second-3333', responsesOnly: 'sk-responses-4444' };
const LIMITED = 'sk-sb-completions-limited-000000000000001';
const INSTRUCT = 'gpt-3.5-turbo-instruct';

let openaiFake: FakeUpstream;
let anthropicFake: FakeUpstream;
let azureFake: FakeUpstream;
let geminiFake: FakeUpstream;
let gw: NodeGateway;
let client: OpenAI;

const keyOf = (call: FakeCall) => String(call.headers.authorization ?? '').replace('Bearer ', '');
const callsOf = (key: string) => openaiFake.calls.filter((c) => keyOf(c) === key);
/** A compatible server without /v1/completions, as FastAPI-based servers answer an unknown path. */
const noCompletionsEndpoint = (key: string) =>
  openaiFake.failNext({ kind: 'status', status: 404, body: { detail: 'Not Found' } }, 100, (c) => keyOf(c) === key && c.path === '/v1/completions');

beforeAll(async () => {
  openaiFake = await startFakeOpenAI({ apiKeys: Object.values(KEYS) });
  anthropicFake = await startFakeAnthropic();
  geminiFake = await startFakeGemini();
  azureFake = await startFakeAzure({ deployments: ['instruct-dep', 'gpt4o-dep'], completionDeployments: ['instruct-dep'] });
  const openaiUpstream = (id: keyof typeof KEYS, speaks?: string[]) => ({
    id,
    kind: 'openai',
    baseUrl: `${openaiFake.url}/v1`,
    ...(speaks ? { speaks } : {}),
    credentials: [{ id: `cred-${id}`, key: KEYS[id] }],
  });
  gw = await startTestGateway({
    extra: {
      upstreams: [
        { id: 'mock', kind: 'mock', models: ['mock-model'] },
        openaiUpstream('main'),
        openaiUpstream('compat'),
        openaiUpstream('second'),
        openaiUpstream('responsesOnly', ['responses']),
        { id: 'ant', kind: 'anthropic', baseUrl: anthropicFake.url, credentials: [{ key: 'sk-ant-fake' }] },
        { id: 'gem', kind: 'gemini', baseUrl: geminiFake.url, credentials: [{ key: 'fake-gemini-key' }] },
        { id: 'az', kind: 'azure', baseUrl: azureFake.url, credentials: [{ key: 'azure-fake-key' }] },
      ],
      models: [
        { id: 'instruct', routes: [{ upstream: 'main', model: INSTRUCT }] },
        { id: 'chat-model', routes: [{ upstream: 'main', model: 'gpt-4o' }] },
        { id: 'compat-model', routes: [{ upstream: 'compat', model: 'local-model' }] },
        { id: 'claude', routes: [{ upstream: 'ant', model: 'claude-upstream' }] },
        { id: 'gemini', routes: [{ upstream: 'gem', model: 'gemini-2.5-flash' }] },
        { id: 'failover', routes: [{ upstream: 'main', model: INSTRUCT }, { upstream: 'second', model: INSTRUCT }] },
        { id: 'responses-model', routes: [{ upstream: 'responsesOnly', model: 'local-model' }] },
        { id: 'cached', routes: [{ upstream: 'main', model: INSTRUCT }] },
        { id: 'az-instruct', routes: [{ upstream: 'az', model: 'instruct-dep' }] },
        { id: 'az-chat', routes: [{ upstream: 'az', model: 'gpt4o-dep' }] },
      ],
      cache: { models: { cached: true } },
      keys: [
        { name: 'tester', group: 'team-a', key: TEST_KEY },
        { name: 'limited', key: LIMITED, models: ['instruct'], limits: { rpm: 1 } },
      ],
      retry: { maxAttempts: 2 },
    },
  });
  client = new OpenAI({ apiKey: TEST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await gw?.close();
  await openaiFake?.close();
  await anthropicFake?.close();
  await azureFake?.close();
  await geminiFake?.close();
});
beforeEach(() => {
  openaiFake.reset();
  anthropicFake.reset();
  azureFake.reset();
  geminiFake.reset();
});

describe('passed through to an upstream that serves /completions', () => {
  it('answers a text_completion and records the upstream tokens and their cost', async () => {
    const res = await client.completions.create({ model: 'instruct', prompt: 'Say this is a test', max_tokens: 7, temperature: 0 });
    expect(res).toMatchObject({ object: 'text_completion', model: INSTRUCT, usage: FAKE_USAGE.openai.completions });
    expect(res.id).toMatch(/^cmpl-/);
    expect(res.choices).toEqual([{ text: 'echo: Say this is a test', index: 0, logprobs: null, finish_reason: 'stop' }]);
    const [call] = callsOf(KEYS.main);
    expect(call.path).toBe('/v1/completions');
    // Only the model changes.
    expect(call.body).toEqual({ model: INSTRUCT, prompt: 'Say this is a test', max_tokens: 7, temperature: 0 });
    const [row] = await logRows(gw);
    expect(row).toMatchObject({ protocol: 'openai-completions', endpoint: 'completions', translation: null, status: 200, outcome: 'ok', inputTokens: 5, outputTokens: 7 });
    // gpt-3.5-turbo-instruct: $1.50 in, $2.00 out per million.
    expect(row.costUsd).toBeCloseTo((5 * 1.5 + 7 * 2) / 1e6, 12);
  });

  it('passes several prompts and n through as the upstream answers them', async () => {
    const res = await client.completions.create({ model: 'instruct', prompt: ['one two three', 'four'], n: 2, max_tokens: 3 });
    expect(res.choices.map((c) => [c.index, c.text, c.finish_reason])).toEqual([
      [0, 'echo: one two ', 'length'],
      [1, 'echo: one two ', 'length'],
      [2, 'echo: four', 'stop'],
      [3, 'echo: four', 'stop'],
    ]);
  });

  it('streams the upstream chunks as they are, asks for usage, and leaves the usage chunk out when the client did not ask', async () => {
    const stream = await client.completions.create({ model: 'instruct', prompt: 'Say this is a test', stream: true });
    const chunks: Completion[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((c) => c.choices[0]?.text).join('')).toBe('echo: Say this is a test');
    expect(chunks.every((c) => c.object === 'text_completion' && c.choices.length === 1)).toBe(true);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
    expect(callsOf(KEYS.main)[0].body.stream_options).toEqual({ include_usage: true });
    const [row] = await logRows(gw);
    expect(row).toMatchObject({ stream: true, outcome: 'ok', inputTokens: 5, outputTokens: 7, usageEstimated: false });

    const withUsage = await client.completions.create({ model: 'instruct', prompt: 'x', stream: true, stream_options: { include_usage: true } });
    const last: Completion[] = [];
    for await (const chunk of withUsage) last.push(chunk);
    expect(last.at(-1)).toMatchObject({ choices: [], usage: FAKE_USAGE.openai.completions });
  });

  it('fails over to the next route when the first fails before answering', async () => {
    openaiFake.failNext({ kind: 'status', status: 500 }, 1, (c) => keyOf(c) === KEYS.main);
    const res = await client.completions.create({ model: 'failover', prompt: 'hello' });
    expect(res.choices[0].text).toBe('echo: hello');
    expect(callsOf(KEYS.second).map((c) => c.path)).toEqual(['/v1/completions']);
    const [row] = await logRows(gw);
    expect(row).toMatchObject({ upstreamId: 'second', status: 200, inputTokens: 5, outputTokens: 7 });
    expect(row.attempts?.map((a) => [a.upstream, a.status])).toEqual([
      ['main', 500],
      ['second', 200],
    ]);
  });
});

describe('azure deployments', () => {
  it.skipIf(testReplicas() > 1)("pass through to the deployment's /completions; a chat model's refusal there is learned for it", async () => {
    const res = await client.completions.create({ model: 'az-instruct', prompt: 'hello' });
    expect(res.choices[0].text).toBe('echo: hello');
    expect(azureFake.calls.map((c) => c.path)).toEqual(['/openai/deployments/instruct-dep/completions?api-version=2024-10-21']);

    azureFake.reset();
    const chat = await client.completions.create({ model: 'az-chat', prompt: 'hello' });
    expect(chat.choices[0].text.length).toBeGreaterThan(0);
    await client.completions.create({ model: 'az-chat', prompt: 'again' });
    expect(azureFake.calls.map((c) => c.path.split('?')[0])).toEqual([
      '/openai/deployments/gpt4o-dep/completions',
      '/openai/deployments/gpt4o-dep/chat/completions',
      '/openai/deployments/gpt4o-dep/chat/completions',
    ]);
    const [row] = await logRows(gw);
    expect(row).toMatchObject({ upstreamId: 'az', translation: 'openai-completions -> openai-chat', status: 200 });
  });
});

describe('translated for upstreams that do not serve /completions', () => {
  it('asks Anthropic with the prompt as a user turn and max_tokens 16 by default, and answers a text_completion', async () => {
    const res = await client.completions.create({ model: 'claude', prompt: 'hello there', stop: ['\n'], temperature: 0.5, presence_penalty: 0.3 });
    expect(res).toMatchObject({ object: 'text_completion', model: 'claude' });
    expect(res.id).toMatch(/^cmpl-/);
    expect(res.choices).toEqual([{ text: 'echo: hello there', index: 0, logprobs: null, finish_reason: 'stop' }]);
    const ant = FAKE_USAGE.anthropic.messages;
    const prompt = ant.input_tokens + ant.cache_creation_input_tokens + ant.cache_read_input_tokens;
    expect(res.usage).toMatchObject({ prompt_tokens: prompt, completion_tokens: ant.output_tokens, total_tokens: prompt + ant.output_tokens });
    const [call] = anthropicFake.calls;
    expect(call.path).toBe('/v1/messages');
    expect(call.body).toMatchObject({ model: 'claude-upstream', max_tokens: 16, temperature: 0.5, stop_sequences: ['\n'], messages: [{ role: 'user' }] });
    const [row] = await logRows(gw);
    expect(row).toMatchObject({ translation: 'openai-completions -> anthropic-messages', inputTokens: ant.input_tokens, outputTokens: ant.output_tokens });
    // What the IR cannot carry is dropped and named.
    expect(row.warnings?.join(' ')).toMatch(/presence_penalty/);
  });

  it('streams text_completion chunks, with echo putting the prompt first and the usage chunk only when asked', async () => {
    const stream = await client.completions.create({ model: 'claude', prompt: 'hi ', echo: true, stream: true, stream_options: { include_usage: true } });
    const chunks: Completion[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0].choices[0].text).toBe('hi ');
    expect(chunks.flatMap((c) => c.choices.map((choice) => choice.text)).join('')).toBe('hi echo: hi ');
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens: FAKE_USAGE.anthropic.messages.output_tokens } });
    expect(chunks.every((c) => c.object === 'text_completion' && c.id === chunks[0].id)).toBe(true);
    const [row] = await logRows(gw);
    expect(row).toMatchObject({ stream: true, outcome: 'ok', outputTokens: FAKE_USAGE.anthropic.messages.output_tokens, usageEstimated: false });
  });

  it('asks Gemini with generationConfig, streamed and not, with its token figures', async () => {
    const res = await client.completions.create({ model: 'gemini', prompt: 'hello', max_tokens: 30, stop: ['.'] });
    expect(res.choices[0]).toMatchObject({ text: 'echo: hello', finish_reason: 'stop' });
    expect(res.usage).toMatchObject({ prompt_tokens: FAKE_GEMINI_USAGE.promptTokenCount, completion_tokens: FAKE_GEMINI_USAGE.candidatesTokenCount });
    expect(geminiFake.calls[0].body).toMatchObject({ contents: [{ role: 'user', parts: [{ text: 'hello' }] }], generationConfig: { maxOutputTokens: 30, stopSequences: ['.'] } });
    const stream = await client.completions.create({ model: 'gemini', prompt: 'again', stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
    expect(text).toBe('echo: again');
    const [row] = await logRows(gw);
    expect(row).toMatchObject({ translation: 'openai-completions -> gemini', stream: true, outcome: 'ok', outputTokens: FAKE_GEMINI_USAGE.candidatesTokenCount });
  });

  it('refuses what a chat turn cannot mean with a 400 naming the field, asking no upstream', async () => {
    const refused = async (body: Record<string, unknown>) => {
      const err = await client.completions.create({ model: 'claude', prompt: 'x', ...body } as never).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      return err as InstanceType<typeof OpenAI.BadRequestError>;
    };
    expect((await refused({ n: 2 })).param).toBe('n');
    expect((await refused({ prompt: ['a', 'b'] })).message).toMatch(/prompt: must hold one prompt/);
    expect((await refused({ prompt: [1, 2, 3] })).message).toMatch(/prompt: token ids are not supported/);
    expect((await refused({ suffix: 'end' })).param).toBe('suffix');
    expect(anthropicFake.calls).toHaveLength(0);
  });

  // Each replica learns a missing endpoint on its own: not shared.
  it.skipIf(testReplicas() > 1)('learns a server without /completions from its 404: redone through Chat at once, later requests go straight there', async () => {
    noCompletionsEndpoint(KEYS.compat);
    const res = await client.completions.create({ model: 'compat-model', prompt: 'hello' });
    expect(res.choices[0].text.length).toBeGreaterThan(0);
    expect(res.usage).toMatchObject({ prompt_tokens: FAKE_USAGE.openai.chat.prompt_tokens, completion_tokens: FAKE_USAGE.openai.chat.completion_tokens });
    expect(callsOf(KEYS.compat).map((c) => c.path)).toEqual(['/v1/completions', '/v1/chat/completions']);
    expect(callsOf(KEYS.compat)[1].body).toMatchObject({ model: 'local-model', messages: [{ role: 'user', content: 'hello' }] });
    const [row] = await logRows(gw);
    expect(row).toMatchObject({ translation: 'openai-completions -> openai-chat', status: 200, inputTokens: 8, outputTokens: 7 });
    expect(row.attempts?.[0]).toMatchObject({ upstream: 'compat', status: 404 });

    openaiFake.reset();
    const stream = await client.completions.create({ model: 'compat-model', prompt: 'again', stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
    expect(text.length).toBeGreaterThan(0);
    expect(callsOf(KEYS.compat).map((c) => c.path)).toEqual(['/v1/chat/completions']);
  });

  it.skipIf(testReplicas() > 1)('goes to Responses when the server speaks only that, streamed and not', async () => {
    noCompletionsEndpoint(KEYS.responsesOnly);
    const res = await client.completions.create({ model: 'responses-model', prompt: 'hello', max_tokens: 20 });
    expect(res.choices[0].text).toBe('echo: hello');
    const stream = await client.completions.create({ model: 'responses-model', prompt: 'again', stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
    expect(text).toBe('echo: again');
    const calls = callsOf(KEYS.responsesOnly);
    expect(calls.map((c) => c.path)).toEqual(['/v1/completions', '/v1/responses', '/v1/responses']);
    expect(calls[1].body).toMatchObject({ model: 'local-model', max_output_tokens: 20 });
    const [row] = await logRows(gw);
    expect(row).toMatchObject({ translation: 'openai-completions -> openai-responses', stream: true, outcome: 'ok' });
    expect(row.outputTokens).toBeGreaterThan(0);
  });

  it.skipIf(testReplicas() > 1)("learns OpenAI's refusal of a chat model on /completions for that model only", async () => {
    const res = await client.completions.create({ model: 'chat-model', prompt: 'hello' });
    expect(res.object).toBe('text_completion');
    expect(callsOf(KEYS.main).map((c) => c.path)).toEqual(['/v1/completions', '/v1/chat/completions']);
    openaiFake.reset();
    await client.completions.create({ model: 'chat-model', prompt: 'hello' });
    await client.completions.create({ model: 'instruct', prompt: 'hello' });
    // The chat model goes straight to Chat; the completion model of the same upstream is still passed through.
    expect(callsOf(KEYS.main).map((c) => c.path)).toEqual(['/v1/chat/completions', '/v1/completions']);
  });

  it('the mock upstream answers completions too (the demo)', async () => {
    const res = await client.completions.create({ model: 'mock-model', prompt: 'Say hi' });
    expect(res.choices[0].text).toBe('Mock reply from Switchboard. You said: Say hi');
    const stream = await client.completions.create({ model: 'mock-model', prompt: 'Say hi', stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
    expect(text).toBe(res.choices[0].text);
    const [row] = await logRows(gw);
    expect(row.outputTokens).toBeGreaterThan(0);
  });
});

describe('the gateway promises', () => {
  it('keeps answers in the response cache when it is on for the model, whole and streamed', async () => {
    // An entry is written after its answer is sent, off the client's path; on two replicas the next request may
    // reach the other one first, so each miss waits for its entry to land.
    const entries = async () => (await gw.ctx.store.cache.stats()).entries;
    const stored = async <T>(send: () => Promise<T>): Promise<T> => {
      const before = await entries();
      const result = await send();
      await eventually(async () => expect(await entries()).toBe(before + 1));
      return result;
    };
    const first = await stored(() => client.completions.create({ model: 'cached', prompt: 'same' }).withResponse());
    const second = await client.completions.create({ model: 'cached', prompt: 'same' }).withResponse();
    expect(first.response.headers.get('x-switchboard-cache')).toBe('MISS');
    expect(second.response.headers.get('x-switchboard-cache')).toBe('HIT');
    expect(second.data).toEqual(first.data);
    const streamed = async () => {
      const { data, response } = await client.completions.create({ model: 'cached', prompt: 'same', stream: true }).withResponse();
      let text = '';
      for await (const chunk of data) text += chunk.choices[0]?.text ?? '';
      return { text, cache: response.headers.get('x-switchboard-cache') };
    };
    expect(await stored(streamed)).toEqual({ text: 'echo: same', cache: 'MISS' });
    expect(await streamed()).toEqual({ text: 'echo: same', cache: 'HIT' });
    expect(callsOf(KEYS.main)).toHaveLength(2);
  });

  it('a bad body is a 400 naming the field, in the OpenAI shape', async () => {
    const post = (body: unknown) =>
      fetch(`${gw.url}/v1/completions`, { method: 'POST', headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const missing = await post({ model: 'instruct' });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: { type: 'invalid_request_error', param: 'prompt', message: expect.stringMatching(/^prompt: /) } });
    const wrongType = await post({ model: 'instruct', prompt: { text: 'hi' } });
    expect(wrongType.status).toBe(400);
    expect(await wrongType.json()).toMatchObject({ error: { param: 'prompt' } });
    expect(callsOf(KEYS.main)).toHaveLength(0);
  });

  it('a key past its rate limit is refused with a 429, and a key may use only its models', async () => {
    const limited = new OpenAI({ apiKey: LIMITED, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    await limited.completions.create({ model: 'instruct', prompt: 'one' });
    const err = await limited.completions.create({ model: 'instruct', prompt: 'two' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    const forbidden = await limited.completions.create({ model: 'claude', prompt: 'x' }).catch((e: unknown) => e);
    expect(forbidden).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(callsOf(KEYS.main)).toHaveLength(1);
  });
});
