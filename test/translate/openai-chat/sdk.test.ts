// The encoders' output as the official OpenAI SDK sees it: streams, whole answers and errors.
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { IRError, IREvent, IRRequest, IRResponse } from '../../../src/translate/ir.js';
import { openaiChatCodec } from '../../../src/translate/openai-chat/index.js';
import { parseSse } from '../../fakes/sse-parse.js';
import { startTinyServer, type TinyServer } from './helpers.js';

const codec = openaiChatCodec;

/** What the tiny server answers next. */
let next: { status: number; contentType: string; body: string } = { status: 200, contentType: 'application/json', body: '{}' };
let server: TinyServer;
let client: OpenAI;

beforeAll(async () => {
  server = await startTinyServer(() => next);
  client = new OpenAI({ apiKey: 'sk-test', baseURL: server.url, maxRetries: 0 });
});
afterAll(async () => {
  await server.close();
});
afterEach(() => {
  server.requests.length = 0;
});

function clientRequest(streamOptions?: unknown): IRRequest {
  return {
    model: 'public-model',
    system: [],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    tools: [],
    stream: true,
    extra: streamOptions === undefined ? null : { protocol: 'openai-chat', fields: { stream_options: streamOptions } },
  };
}

/** Runs IR events through the client-side stream encoder and serves the SSE text. */
function serveStream(request: IRRequest, events: IREvent[]): string {
  const encoder = codec.encodeStream(request);
  const text = events.map((e) => encoder.push(e)).join('') + encoder.end();
  next = { status: 200, contentType: 'text/event-stream', body: text };
  return text;
}

const USAGE = { inputTokens: 10, cacheReadTokens: 30, cacheWriteTokens: 0, outputTokens: 25, reasoningTokens: 5 };

const TEXT_EVENTS: IREvent[] = [
  { type: 'response-start', id: 'msg_01abc', model: 'claude-sonnet-4-5', created: 1750000000, usage: { inputTokens: 10, cacheReadTokens: 30 } },
  { type: 'reasoning-start', id: 'reasoning-0', vendor: 'anthropic' },
  { type: 'reasoning-delta', id: 'reasoning-0', delta: 'Think ' },
  { type: 'reasoning-delta', id: 'reasoning-0', delta: 'first.' },
  { type: 'reasoning-signature', id: 'reasoning-0', signature: 'sig' },
  { type: 'reasoning-end', id: 'reasoning-0' },
  { type: 'text-start', id: 'text-1' },
  { type: 'text-delta', id: 'text-1', delta: 'Hello' },
  { type: 'text-delta', id: 'text-1', delta: ', world.' },
  { type: 'text-end', id: 'text-1' },
  { type: 'usage', usage: { outputTokens: 20 } },
  { type: 'finish', finish: { unified: 'stop', raw: 'end_turn' }, usage: USAGE },
];

describe('openai-chat stream encoder through the OpenAI SDK', () => {
  it('streams text and reasoning_content; the usage chunk comes last because the client asked for it', async () => {
    const sse = serveStream(clientRequest({ include_usage: true }), TEXT_EVENTS);
    const stream = client.chat.completions.stream({ model: 'public-model', messages: [{ role: 'user', content: 'hi' }], stream_options: { include_usage: true } });
    const chunks: any[] = [];
    stream.on('chunk', (chunk) => chunks.push(chunk));
    const final = await stream.finalChatCompletion();

    expect(final.id).toBe('msg_01abc');
    expect(final.model).toBe('public-model');
    expect(final.choices[0].message.content).toBe('Hello, world.');
    expect(final.choices[0].message.role).toBe('assistant');
    expect(final.choices[0].finish_reason).toBe('stop');
    expect(final.usage).toEqual({
      prompt_tokens: 40,
      completion_tokens: 25,
      total_tokens: 65,
      prompt_tokens_details: { cached_tokens: 30 },
      completion_tokens_details: { reasoning_tokens: 5 },
    });
    const reasoning = chunks.map((c) => c.choices[0]?.delta?.reasoning_content ?? '').join('');
    expect(reasoning).toBe('Think first.');
    // Every chunk carries "usage": null except the last, which has no choices.
    expect(chunks.slice(0, -1).every((c) => c.usage === null && c.choices.length === 1)).toBe(true);
    expect(chunks.at(-1).choices).toEqual([]);
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    expect(sse.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('leaves the usage chunk out when the client did not ask for it', async () => {
    const sse = serveStream(clientRequest(), TEXT_EVENTS);
    const frames = parseSse(sse).map((f) => f.data);
    expect(frames.at(-1)).toBe('[DONE]');
    const chunks = frames.slice(0, -1).map((d) => JSON.parse(d));
    expect(chunks.every((c) => !('usage' in c) && c.choices.length === 1)).toBe(true);

    const final = await client.chat.completions.stream({ model: 'public-model', messages: [{ role: 'user', content: 'hi' }] }).finalChatCompletion();
    expect(final.choices[0].message.content).toBe('Hello, world.');
    expect(final.usage).toBeUndefined();
  });

  it('streams parallel tool calls: first delta with id and name, then argument pieces by index', async () => {
    const sse = serveStream(clientRequest({ include_usage: true }), [
      { type: 'response-start', id: 'chatcmpl-1', model: 'x', created: 1 },
      { type: 'text-start', id: 'text-0' },
      { type: 'text-delta', id: 'text-0', delta: 'Checking.' },
      { type: 'text-end', id: 'text-0' },
      { type: 'tool-call-start', id: 'tool-1', toolCallId: 'toolu_A', name: 'get_weather' },
      { type: 'tool-call-delta', id: 'tool-1', argumentsDelta: '{"city":' },
      { type: 'tool-call-delta', id: 'tool-1', argumentsDelta: '"Paris"}' },
      { type: 'tool-call-end', id: 'tool-1' },
      { type: 'tool-call-start', id: 'tool-2', toolCallId: 'toolu_B', name: 'get_time' },
      { type: 'tool-call-delta', id: 'tool-2', argumentsDelta: '{"timezone":"Europe/Paris"}' },
      { type: 'tool-call-end', id: 'tool-2' },
      { type: 'finish', finish: { unified: 'tool-calls', raw: 'tool_use' }, usage: USAGE },
    ]);
    const chunks = parseSse(sse)
      .map((f) => f.data)
      .filter((d) => d !== '[DONE]')
      .map((d) => JSON.parse(d));
    const toolDeltas = chunks.flatMap((c) => c.choices[0]?.delta?.tool_calls ?? []);
    expect(toolDeltas[0]).toEqual({ index: 0, id: 'toolu_A', type: 'function', function: { name: 'get_weather', arguments: '' } });
    expect(toolDeltas[1]).toEqual({ index: 0, function: { arguments: '{"city":' } });
    expect(toolDeltas[3]).toMatchObject({ index: 1, id: 'toolu_B' });

    const final = await client.chat.completions
      .stream({ model: 'public-model', messages: [{ role: 'user', content: 'hi' }], stream_options: { include_usage: true } })
      .finalChatCompletion();
    const message = final.choices[0].message;
    expect(message.content).toBe('Checking.');
    expect(message.tool_calls).toEqual([
      { id: 'toolu_A', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
      { id: 'toolu_B', type: 'function', function: { name: 'get_time', arguments: '{"timezone":"Europe/Paris"}' } },
    ]);
    expect(final.choices[0].finish_reason).toBe('tool_calls');
    expect(final.usage?.total_tokens).toBe(65);
  });

  it('streams length and content_filter finishes', async () => {
    for (const [unified, expected] of [
      ['length', 'length'],
      ['content-filter', 'content_filter'],
    ] as const) {
      serveStream(clientRequest(), [
        { type: 'response-start', id: 'r', model: 'm', created: 1 },
        { type: 'text-start', id: 't' },
        { type: 'text-delta', id: 't', delta: 'cut' },
        { type: 'text-end', id: 't' },
        { type: 'finish', finish: { unified, raw: null } },
      ]);
      const final = await client.chat.completions.stream({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }).finalChatCompletion();
      expect(final.choices[0].finish_reason).toBe(expected);
      expect(final.choices[0].message.content).toBe('cut');
    }
  });

  it('ends a stream with an error frame the SDK raises as an APIError', async () => {
    serveStream(clientRequest({ include_usage: true }), [
      { type: 'response-start', id: 'r', model: 'm', created: 1 },
      { type: 'text-start', id: 't' },
      { type: 'text-delta', id: 't', delta: 'partial' },
      { type: 'error', error: { kind: 'overloaded', message: 'Overloaded', status: 529 } },
      { type: 'finish', finish: { unified: 'error', raw: null } },
    ]);
    expect(next.body).not.toContain('"choices":[]');
    const stream = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const seen: string[] = [];
    const error = await (async () => {
      try {
        for await (const chunk of stream) seen.push(chunk.choices[0]?.delta?.content ?? '');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(seen.join('')).toBe('partial');
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).message).toContain('Overloaded');
    expect((error as InstanceType<typeof OpenAI.APIError>).type).toBe('server_error');
  });
});

describe('openai-chat whole answers and errors through the OpenAI SDK', () => {
  it('parses the encoded chat.completion', async () => {
    const response: IRResponse = {
      id: 'gen-1',
      model: 'gemini-2.5-flash',
      created: 1750000001,
      content: [
        { type: 'text', text: 'Sure.' },
        { type: 'tool-call', id: 'call_0', name: 'f', arguments: '{"a":1}' },
      ],
      finish: { unified: 'tool-calls', raw: 'STOP' },
      usage: USAGE,
    };
    next = { status: 200, contentType: 'application/json', body: JSON.stringify(codec.encodeResponse(response, { ...clientRequest(), stream: false })) };
    const done = await client.chat.completions.create({ model: 'public-model', messages: [{ role: 'user', content: 'hi' }] });
    expect(done.choices[0].message.content).toBe('Sure.');
    expect(done.choices[0].message.tool_calls).toEqual([{ id: 'call_0', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }]);
    expect(done.choices[0].finish_reason).toBe('tool_calls');
    expect(done.usage?.prompt_tokens_details?.cached_tokens).toBe(30);
  });

  const cases: [IRError, new (...args: any[]) => Error, number, string | null][] = [
    [{ kind: 'context-length', message: 'prompt is too long: 250000 tokens > 200000 maximum', status: 400 }, OpenAI.BadRequestError, 400, 'context_length_exceeded'],
    [{ kind: 'invalid-request', message: 'bad field', status: 422 }, OpenAI.UnprocessableEntityError, 422, null],
    [{ kind: 'authentication', message: 'invalid x-api-key', status: 401 }, OpenAI.AuthenticationError, 401, 'invalid_api_key'],
    [{ kind: 'permission', message: 'no access', status: 403 }, OpenAI.PermissionDeniedError, 403, null],
    [{ kind: 'not-found', message: 'no such model', status: 404 }, OpenAI.NotFoundError, 404, 'not_found'],
    [{ kind: 'rate-limit', message: 'slow down', status: 429 }, OpenAI.RateLimitError, 429, 'rate_limit_exceeded'],
    [{ kind: 'overloaded', message: 'Overloaded', status: 529 }, OpenAI.InternalServerError, 503, 'overloaded'],
    [{ kind: 'server', message: 'boom', status: 502 }, OpenAI.InternalServerError, 502, null],
  ];
  for (const [error, ErrorClass, status, code] of cases) {
    it(`encodes a ${error.kind} error as ${status} ${ErrorClass.name}`, async () => {
      const encoded = codec.encodeError(error);
      expect(encoded.status).toBe(status);
      next = { status: encoded.status, contentType: 'application/json', body: JSON.stringify(encoded.body) };
      const caught = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
      expect(caught).toBeInstanceOf(ErrorClass);
      const apiError = caught as InstanceType<typeof OpenAI.APIError>;
      expect(apiError.status).toBe(status);
      expect(apiError.code ?? null).toBe(code);
      expect(apiError.message).toContain(error.message);
      if (error.kind === 'context-length') expect(apiError.type).toBe('invalid_request_error');
    });
  }
});
