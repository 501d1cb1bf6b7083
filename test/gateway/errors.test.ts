import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { startFakeAnthropic, startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { LIMITED_KEY, logRows, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';

let oai: FakeUpstream;
let ant: FakeUpstream;
let gw: NodeGateway;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  oai = await startFakeOpenAI();
  ant = await startFakeAnthropic();
  gw = await startTestGateway({
    openaiUrl: oai.url,
    anthropicUrl: ant.url,
    timeouts: { firstByteMs: 300, idleMs: 300 },
    maxBodyBytes: 64 * 1024,
    extra: {},
  });
  openai = new OpenAI({ apiKey: TEST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  anthropic = new Anthropic({ apiKey: TEST_KEY, baseURL: gw.url, maxRetries: 0 });
});
afterAll(async () => {
  await gw?.close();
  await oai?.close();
  await ant?.close();
});
beforeEach(() => {
  oai.reset();
  ant.reset();
  // Each test starts with healthy credentials (a 429 here would otherwise bench the only one).
  gw.ctx.pools.resetAll(Date.now());
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${gw.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_KEY}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('errors in the client protocol shape, with the statuses of DESIGN.md', () => {
  it('400 names the missing field, in OpenAI shape, and never reaches the upstream', async () => {
    const res = await post('/v1/chat/completions', { model: 'gpt-test' });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error).toMatchObject({ type: 'invalid_request_error', param: 'messages' });
    expect(body.error.message).toMatch(/^messages: /);
    expect(oai.calls).toHaveLength(0);
  });

  it('400 for invalid JSON and for a bad field type, in Anthropic shape', async () => {
    let res = await post('/v1/messages', '{not json', { 'anthropic-version': '2023-06-01' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: 'request body is not valid JSON' } });
    res = await post('/v1/messages', { model: 'claude-test', max_tokens: 'many', messages: [] });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.type).toBe('error');
    expect(body.error.message).toMatch(/^max_tokens: /);
    expect(ant.calls).toHaveLength(0);
  });

  it('401 for a missing, unknown or revoked key, through both SDKs', async () => {
    const noKey = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', body: '{}' });
    expect(noKey.status).toBe(401);
    expect((await noKey.json()).error.code).toBe('invalid_api_key');

    const wrong = new OpenAI({ apiKey: 'sk-sb-wrong', baseURL: `${gw.url}/v1`, maxRetries: 0 });
    await expect(wrong.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(
      OpenAI.AuthenticationError,
    );
    const wrongAnthropic = new Anthropic({ apiKey: 'sk-sb-wrong', baseURL: gw.url, maxRetries: 0 });
    const err = await wrongAnthropic.messages
      .create({ model: 'claude-test', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((err as InstanceType<typeof Anthropic.AuthenticationError>).error).toMatchObject({
      type: 'error',
      error: { type: 'authentication_error' },
    });
  });

  it('403 for a model the key may not use', async () => {
    const limited = new OpenAI({ apiKey: LIMITED_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const err = await limited.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    // and the limited key sees only its own models
    const ids = [];
    for await (const m of limited.models.list()) ids.push(m.id);
    expect(ids).toEqual(['mock-model']);
    expect(oai.calls).toHaveLength(0);
  });

  it('403 when x-switchboard-group tries to leave the key group; a narrower group is recorded', async () => {
    let res = await post('/v1/chat/completions', { model: 'gpt-test', messages: [{ role: 'user', content: 'x' }] }, { 'x-switchboard-group': 'team-b' });
    expect(res.status).toBe(403);
    res = await post('/v1/chat/completions', { model: 'gpt-test', messages: [{ role: 'user', content: 'x' }] }, { 'x-switchboard-group': 'team-a/bots' });
    expect(res.status).toBe(200);
    expect((await logRows(gw))[0].group).toBe('team-a/bots');
  });

  it('404 for an unknown model, in both shapes', async () => {
    const err = await openai.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect((err as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
    const aerr = await anthropic.messages.create({ model: 'no-such-model', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(aerr).toBeInstanceOf(Anthropic.NotFoundError);
  });

  it('400 when the model exists but no route can serve the request shape (embeddings do not translate)', async () => {
    const err = await openai.embeddings.create({ model: 'claude-test', input: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as Error).message).toMatch(/ant \(anthropic\) cannot serve openai-embeddings/);
    expect(ant.calls).toHaveLength(0);
  });

  it('413 for a body over the limit, recorded, and the upstream never called', async () => {
    const big = 'x'.repeat(70 * 1024);
    const res = await post('/v1/chat/completions', { model: 'gpt-test', messages: [{ role: 'user', content: big }] });
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('request_too_large');
    const ares = await post('/v1/messages', { model: 'claude-test', max_tokens: 5, messages: [{ role: 'user', content: big }] });
    expect(ares.status).toBe(413);
    expect((await ares.json()).error.type).toBe('request_too_large');
    expect(oai.calls).toHaveLength(0);
    expect((await logRows(gw)).filter((r) => r.status === 413).length).toBeGreaterThanOrEqual(2);
  });

  it('passes upstream 429 and 500 back with their status, body and retry-after', async () => {
    oai.failNext({ kind: 'status', status: 429 });
    const res = await post('/v1/chat/completions', { model: 'gpt-test', messages: [{ role: 'user', content: 'x' }] });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    expect((await res.json()).error.code).toBe('rate_limit_exceeded');

    ant.failNext({ kind: 'status', status: 529 });
    const aerr = await anthropic.messages.create({ model: 'claude-test', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect((aerr as { status: number }).status).toBe(529);
    const rows = await logRows(gw);
    expect(rows[0]).toMatchObject({ status: 529, outcome: 'upstream_error' });
    expect(rows[1]).toMatchObject({ status: 429, outcome: 'upstream_error' });
  });

  it('502 when the upstream drops the connection before answering', async () => {
    oai.failNext({ kind: 'reset-before-headers' });
    const res = await post('/v1/chat/completions', { model: 'gpt-test', messages: [{ role: 'user', content: 'x' }] });
    expect(res.status).toBe(502);
    expect((await res.json()).error.type).toBe('server_error');
    expect((await logRows(gw))[0]).toMatchObject({ status: 502, outcome: 'error' });
  });

  it('502 in the client shape when a whole answer is not JSON, recorded as an error', async () => {
    oai.failNext({ kind: 'malformed-json' });
    const err = await openai.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect((await logRows(gw))[0]).toMatchObject({ status: 502, outcome: 'error', error: expect.stringMatching(/not JSON/) });
  });

  it('a stream that ends without its closing event is an error for the client and incomplete in the log', async () => {
    oai.failNext({ kind: 'end-mid-stream', afterEvents: 3 });
    const stream = await openai.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'a b c d e' }], stream: true });
    const err = await (async () => {
      for await (const _ of stream) {
        /* drain */
      }
    })().catch((e: unknown) => e);
    expect(String(err)).toMatch(/without its closing event \(data: \[DONE\]\)/);
    expect((await logRows(gw))[0]).toMatchObject({ status: 502, outcome: 'incomplete' });

    ant.failNext({ kind: 'end-mid-stream', afterEvents: 4 });
    const aerr = await anthropic.messages
      .stream({ model: 'claude-test', max_tokens: 50, messages: [{ role: 'user', content: 'a b c d e f' }] })
      .finalMessage()
      .catch((e: unknown) => e);
    expect(aerr).toBeInstanceOf(Anthropic.APIError);
    expect((await logRows(gw))[0]).toMatchObject({ status: 502, outcome: 'incomplete', error: expect.stringMatching(/message_stop/) });
  });

  it('a Chat stream that ends after its finish_reason chunk without data: [DONE] is complete (compatible servers that never write it)', async () => {
    const body = { model: 'gpt-upstream', messages: [{ role: 'user' as const, content: 'a b c d e' }], stream: true, stream_options: { include_usage: true } };
    const whole = await (await fetch(`${oai.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-fake-openai' }, body: JSON.stringify(body) })).text();
    const events = whole.split('\n\n').filter((e) => e.startsWith('data: '));
    expect(events.at(-1)).toBe('data: [DONE]');
    expect(events.at(-3)).toContain('"finish_reason":"stop"');
    // Everything the upstream sends (the finish_reason chunk, the usage chunk) but the [DONE].
    oai.failNext({ kind: 'end-mid-stream', afterEvents: events.length - 1 });
    const stream = await openai.chat.completions.create({ model: 'gpt-test', messages: body.messages, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text.length).toBeGreaterThan(0);
    expect((await logRows(gw))[0]).toMatchObject({ status: 200, outcome: 'ok', outputTokens: expect.any(Number) });
  });

  it('504 when the upstream does not answer within the first-byte timeout', async () => {
    ant.failNext({ kind: 'slow-first-byte', ms: 2000 });
    const res = await post('/v1/messages', { model: 'claude-test', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] });
    expect(res.status).toBe(504);
    expect((await res.json()).error.type).toBe('timeout_error');
    expect((await logRows(gw))[0]).toMatchObject({ status: 504, outcome: 'error' });
  });

  it('ends a stream with the protocol error event when the upstream goes idle mid-stream, and records it incomplete', async () => {
    ant.failNext({ kind: 'stall-mid-stream', afterEvents: 4, ms: 2000 });
    const stream = anthropic.messages.stream({ model: 'claude-test', max_tokens: 50, messages: [{ role: 'user', content: 'a b c d e f' }] });
    const err = await stream.finalMessage().catch((e: unknown) => e);
    expect(String(err)).toMatch(/upstream stream broke/);
    const row = (await logRows(gw))[0];
    expect(row).toMatchObject({ outcome: 'incomplete', stream: true, inputTokens: 13 });
    expect(row.error).toMatch(/idle/);

    oai.failNext({ kind: 'cut-mid-stream', afterEvents: 3 });
    const ostream = await openai.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'a b c d e' }], stream: true });
    const oerr = await (async () => {
      for await (const _ of ostream) {
        /* drain */
      }
    })().catch((e: unknown) => e);
    expect(oerr).toBeInstanceOf(OpenAI.APIError);
    expect((await logRows(gw))[0]).toMatchObject({ outcome: 'incomplete', status: 502 });
  });
});
