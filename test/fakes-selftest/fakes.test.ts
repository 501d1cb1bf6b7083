// Self-test for the fake upstreams in test/fakes, driven with plain fetch.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_USAGE, parseSse, startFakeAnthropic, startFakeOpenAI } from '../fakes/index.js';
import type { FakeUpstream } from '../fakes/index.js';

const OPENAI_KEY = 'sk-fake-openai';
const ANTHROPIC_KEY = 'sk-ant-fake';

function post(url: string, body: unknown, headers: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** Read a body chunk by chunk; returns what arrived and the error that ended it, if any. */
async function readUntilEnd(res: Response): Promise<{ text: string; error: unknown }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text, error: undefined };
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    return { text, error };
  }
}

function decodeBase64Floats(b64: string): number[] {
  const buf = Buffer.from(b64, 'base64');
  const out: number[] = [];
  for (let i = 0; i < buf.length; i += 4) out.push(buf.readFloatLE(i));
  return out;
}

describe('fake OpenAI', () => {
  let fake: FakeUpstream;
  const auth = { authorization: `Bearer ${OPENAI_KEY}` };
  const chatUrl = (): string => `${fake.url}/v1/chat/completions`;
  const chatBody = {
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'not this one' },
      { role: 'assistant', content: 'ok' },
      { role: 'user', content: [{ type: 'text', text: 'hello ' }, { type: 'text', text: 'world' }] },
    ],
  };

  beforeAll(async () => {
    fake = await startFakeOpenAI();
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => fake.reset());

  it('answers a non-stream chat completion with the full object and headers', async () => {
    const res = await post(chatUrl(), { ...chatBody, extra_field: 42 }, auth);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
    expect(res.headers.get('x-ratelimit-limit-requests')).toBe('10000');
    expect(res.headers.get('x-ratelimit-remaining-tokens')).toBe('29999980');
    expect(res.headers.get('openai-processing-ms')).toMatch(/^\d+$/);
    const json = (await res.json()) as any;
    expect(json.id).toMatch(/^chatcmpl-[A-Za-z0-9]+$/);
    expect(json.object).toBe('chat.completion');
    expect(typeof json.created).toBe('number');
    expect(json.model).toBe('gpt-4o-mini');
    expect(json.system_fingerprint).toMatch(/^fp_/);
    expect(json.choices).toHaveLength(1);
    expect(json.choices[0].index).toBe(0);
    expect(json.choices[0].message.role).toBe('assistant');
    expect(json.choices[0].message.content).toBe('echo: hello world');
    expect(json.choices[0].finish_reason).toBe('stop');
    expect(json.choices[0].logprobs).toBeNull();
    expect(json.usage).toEqual({
      prompt_tokens: 11,
      completion_tokens: 7,
      total_tokens: 18,
      prompt_tokens_details: { cached_tokens: 3, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 2,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    });
    expect(json.usage).toEqual(FAKE_USAGE.openai.chat);

    expect(fake.calls).toHaveLength(1);
    const call = fake.calls[0]!;
    expect(call.method).toBe('POST');
    expect(call.path).toBe('/v1/chat/completions');
    expect(call.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
    expect(call.body.extra_field).toBe(42);
    expect(JSON.parse(call.rawBody)).toEqual(call.body);
  });

  it('streams chunks in the real order, with usage only when include_usage is set', async () => {
    const res = await post(chatUrl(), { ...chatBody, stream: true, stream_options: { include_usage: true } }, auth);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const frames = parseSse(await res.text());
    expect(frames.every((f) => f.event === undefined)).toBe(true);
    expect(frames.at(-1)!.data).toBe('[DONE]');
    const chunks = frames.slice(0, -1).map((f) => JSON.parse(f.data) as any);
    expect(chunks).toHaveLength(6);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk' && c.model === 'gpt-4o-mini')).toBe(true);
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '', refusal: null });
    expect(chunks.slice(1, 4).map((c) => c.choices[0].delta.content)).toEqual(['echo: ', 'hello ', 'world']);
    expect(chunks.slice(0, 4).every((c) => c.choices[0].finish_reason === null)).toBe(true);
    expect(chunks[4].choices[0]).toEqual({ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' });
    expect(chunks.slice(0, 5).every((c) => 'usage' in c && c.usage === null)).toBe(true);
    expect(chunks[5].choices).toEqual([]);
    expect(chunks[5].usage).toEqual(FAKE_USAGE.openai.chat);

    const plain = await post(chatUrl(), { ...chatBody, stream: true }, auth);
    const plainChunks = parseSse(await plain.text());
    expect(plainChunks.at(-1)!.data).toBe('[DONE]');
    const parsed = plainChunks.slice(0, -1).map((f) => JSON.parse(f.data) as any);
    expect(parsed).toHaveLength(5);
    expect(parsed.some((c) => 'usage' in c)).toBe(false);
    expect(parsed.at(-1).choices[0].finish_reason).toBe('stop');
  });

  it('rejects a wrong or missing key with the real 401 body', async () => {
    const res = await post(chatUrl(), chatBody, { authorization: 'Bearer sk-wrong-key-123456' });
    expect(res.status).toBe(401);
    const json = (await res.json()) as any;
    expect(json.error.message).toMatch(/^Incorrect API key provided: sk-\*+3456\./);
    expect(json.error).toMatchObject({ type: 'invalid_request_error', param: null, code: 'invalid_api_key' });

    const missing = await post(chatUrl(), chatBody, {});
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as any).error.code).toBe('invalid_api_key');
  });

  it('validates params and returns the context-length error', async () => {
    const noMessages = await post(chatUrl(), { model: 'gpt-4o' }, auth);
    expect(noMessages.status).toBe(400);
    expect(((await noMessages.json()) as any).error).toMatchObject({ type: 'invalid_request_error', param: 'messages' });
    const noModel = await post(chatUrl(), { messages: [{ role: 'user', content: 'x' }] }, auth);
    expect(noModel.status).toBe(400);
    expect(((await noModel.json()) as any).error.param).toBe('model');

    const ctxErr = await post(chatUrl(), { ...chatBody, model: 'fake-error-context' }, auth);
    expect(ctxErr.status).toBe(400);
    const json = (await ctxErr.json()) as any;
    expect(json.error).toMatchObject({ type: 'invalid_request_error', code: 'context_length_exceeded', param: 'messages' });
    expect(json.error.message).toMatch(/maximum context length/);
  });

  it('serves embeddings (float and base64) and the model list', async () => {
    const body = { model: 'text-embedding-3-small', input: ['alpha', 'beta'] };
    const floats = (await (await post(`${fake.url}/v1/embeddings`, body, auth)).json()) as any;
    expect(floats.object).toBe('list');
    expect(floats.model).toBe('text-embedding-3-small');
    expect(floats.usage).toEqual({ prompt_tokens: 8, total_tokens: 8 });
    expect(floats.data.map((d: any) => d.index)).toEqual([0, 1]);
    expect(floats.data[0].object).toBe('embedding');
    expect(floats.data[0].embedding).toHaveLength(8);
    expect(floats.data[0].embedding).not.toEqual(floats.data[1].embedding);

    const b64 = (await (await post(`${fake.url}/v1/embeddings`, { ...body, encoding_format: 'base64' }, auth)).json()) as any;
    expect(typeof b64.data[0].embedding).toBe('string');
    expect(decodeBase64Floats(b64.data[0].embedding)).toEqual(floats.data[0].embedding);
    expect(decodeBase64Floats(b64.data[1].embedding)).toEqual(floats.data[1].embedding);

    const models = (await (await fetch(`${fake.url}/v1/models`, { headers: auth })).json()) as any;
    expect(models.object).toBe('list');
    expect(models.data.map((m: any) => m.id)).toContain('gpt-4o');
    expect(models.data[0]).toEqual({ id: 'gpt-4o', object: 'model', created: expect.any(Number), owned_by: 'system' });
  });

  it('injects status faults for the next N requests, then recovers', async () => {
    fake.failNext({ kind: 'status', status: 429 }, 2);
    for (let i = 0; i < 2; i++) {
      const res = await post(chatUrl(), chatBody, auth);
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('1');
      const json = (await res.json()) as any;
      expect(json.error).toMatchObject({ type: 'requests', param: null, code: 'rate_limit_exceeded' });
      expect(json.error.message).toMatch(/^Rate limit reached/);
    }
    const ok = await post(chatUrl(), chatBody, auth);
    expect(ok.status).toBe(200);
    expect(fake.calls).toHaveLength(3);

    fake.failNext({ kind: 'status', status: 500 });
    const err = await post(chatUrl(), chatBody, auth);
    expect(err.status).toBe(500);
    expect(((await err.json()) as any).error).toMatchObject({ type: 'server_error' });
  });

  it('resets the socket, cuts and stalls streams', async () => {
    fake.failNext({ kind: 'reset-before-headers' });
    await expect(post(chatUrl(), chatBody, auth)).rejects.toThrow();

    fake.failNext({ kind: 'cut-mid-stream', afterEvents: 2 });
    const cut = await post(chatUrl(), { ...chatBody, stream: true }, auth);
    expect(cut.status).toBe(200);
    const partial = await readUntilEnd(cut);
    expect(partial.error).toBeDefined();
    expect(parseSse(partial.text)).toHaveLength(2);

    fake.failNext({ kind: 'stall-mid-stream', afterEvents: 1, ms: 150 });
    const started = Date.now();
    const stalled = await post(chatUrl(), { ...chatBody, stream: true }, auth);
    const frames = parseSse(await stalled.text());
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(frames.at(-1)!.data).toBe('[DONE]');
    expect(fake.calls).toHaveLength(3);
  });
});

describe('fake Anthropic', () => {
  let fake: FakeUpstream;
  const headers = { 'x-api-key': ANTHROPIC_KEY, 'anthropic-version': '2023-06-01' };
  const msgUrl = (): string => `${fake.url}/v1/messages`;
  const msgBody = {
    model: 'claude-sonnet-4-20250514',
    max_tokens: 64,
    messages: [
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'ok' },
      { role: 'user', content: [{ type: 'text', text: 'hi there' }] },
    ],
  };

  beforeAll(async () => {
    fake = await startFakeAnthropic({ chunkDelayMs: 5 });
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => fake.reset());

  it('answers a non-stream message with the exact shape', async () => {
    const res = await post(msgUrl(), { ...msgBody, some_future_field: { a: 1 } }, { ...headers, 'anthropic-beta': 'prompt-caching-2024-07-31' });
    expect(res.status).toBe(200);
    expect(res.headers.get('request-id')).toMatch(/^req_/);
    expect(res.headers.get('anthropic-ratelimit-requests-limit')).toBe('4000');
    expect(res.headers.get('anthropic-ratelimit-requests-remaining')).toBe('3999');
    expect(await res.json()).toEqual({
      id: expect.stringMatching(/^msg_/),
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-20250514',
      content: [{ type: 'text', text: 'echo: hi there' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 13, output_tokens: 9, cache_creation_input_tokens: 5, cache_read_input_tokens: 4 },
    });
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]!.headers['anthropic-beta']).toBe('prompt-caching-2024-07-31');
    expect(fake.calls[0]!.body.some_future_field).toEqual({ a: 1 });
  });

  it('streams the real event sequence', async () => {
    const res = await post(msgUrl(), { ...msgBody, stream: true }, headers);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const frames = parseSse(await res.text());
    expect(frames.map((f) => f.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const data = frames.map((f) => JSON.parse(f.data) as any);
    expect(data.map((d) => d.type)).toEqual(frames.map((f) => f.event));
    expect(data[0].message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-20250514',
      content: [],
      stop_reason: null,
      usage: { input_tokens: 13, cache_creation_input_tokens: 5, cache_read_input_tokens: 4, output_tokens: 1 },
    });
    expect(data[1]).toEqual({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    expect(data.slice(3, 6).map((d) => d.delta.text).join('')).toBe('echo: hi there');
    expect(data[3].delta.type).toBe('text_delta');
    expect(data[6]).toEqual({ type: 'content_block_stop', index: 0 });
    expect(data[7]).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: FAKE_USAGE.anthropic.messages.output_tokens },
    });
  });

  it('rejects a bad key, a missing version header and invalid bodies', async () => {
    const bad = await post(msgUrl(), msgBody, { ...headers, 'x-api-key': 'nope' });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('request-id')).toMatch(/^req_/);
    expect(await bad.json()).toEqual({ type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } });

    const noVersion = await post(msgUrl(), msgBody, { 'x-api-key': ANTHROPIC_KEY });
    expect(noVersion.status).toBe(400);
    expect(((await noVersion.json()) as any).error.type).toBe('invalid_request_error');

    const noMax = await post(msgUrl(), { model: 'claude-x', messages: msgBody.messages }, headers);
    expect(noMax.status).toBe(400);
    expect(await noMax.json()).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens: Field required' } });

    const tooLong = await post(msgUrl(), { ...msgBody, model: 'fake-error-context' }, headers);
    expect(tooLong.status).toBe(400);
    const json = (await tooLong.json()) as any;
    expect(json.error.type).toBe('invalid_request_error');
    expect(json.error.message.startsWith('prompt is too long: 250000 tokens > 200000 maximum')).toBe(true);
  });

  it('counts tokens and lists models', async () => {
    const count = await post(`${fake.url}/v1/messages/count_tokens`, { model: msgBody.model, messages: msgBody.messages }, headers);
    expect(await count.json()).toEqual({ input_tokens: 21 });
    const models = (await (await fetch(`${fake.url}/v1/models`, { headers })).json()) as any;
    expect(models.has_more).toBe(false);
    expect(models.data[0]).toEqual({ type: 'model', id: models.first_id, display_name: expect.any(String), created_at: expect.any(String) });
    expect(models.data.at(-1).id).toBe(models.last_id);
  });

  it('injects vendor error faults, cuts streams and slows the first byte', async () => {
    fake.failNext({ kind: 'status', status: 529 });
    const overloaded = await post(msgUrl(), msgBody, headers);
    expect(overloaded.status).toBe(529);
    expect(await overloaded.json()).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });

    fake.failNext({ kind: 'status', status: 429, headers: { 'retry-after': '7' } });
    const limited = await post(msgUrl(), msgBody, headers);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(((await limited.json()) as any).error.type).toBe('rate_limit_error');

    fake.failNext({ kind: 'status', status: 500, body: { custom: true } });
    const custom = await post(msgUrl(), msgBody, headers);
    expect(custom.status).toBe(500);
    expect(await custom.json()).toEqual({ custom: true });

    fake.failNext({ kind: 'cut-mid-stream', afterEvents: 4 });
    const cut = await post(msgUrl(), { ...msgBody, stream: true }, headers);
    const partial = await readUntilEnd(cut);
    expect(partial.error).toBeDefined();
    expect(parseSse(partial.text).map((f) => f.event)).toEqual(['message_start', 'content_block_start', 'ping', 'content_block_delta']);

    fake.failNext({ kind: 'slow-first-byte', ms: 120 });
    const t0 = Date.now();
    const slow = await post(msgUrl(), msgBody, headers);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(110);
    expect(slow.status).toBe(200);

    expect(fake.calls).toHaveLength(5);
  });
});

describe('fake lifecycle', () => {
  it('hangs until the client gives up, and close() destroys open sockets', async () => {
    const fake = await startFakeOpenAI({ apiKey: 'sk-custom' });
    fake.failNext({ kind: 'hang' });
    const signal = AbortSignal.timeout(100);
    await expect(fetch(`${fake.url}/v1/models`, { headers: { authorization: 'Bearer sk-custom' }, signal })).rejects.toThrow();

    fake.failNext({ kind: 'hang' });
    const pending = fetch(`${fake.url}/v1/models`, { headers: { authorization: 'Bearer sk-custom' } });
    await new Promise((r) => setTimeout(r, 50));
    await fake.close();
    await expect(pending).rejects.toThrow();
    expect(fake.calls.map((c) => c.path)).toEqual(['/v1/models', '/v1/models']);
  });
});
