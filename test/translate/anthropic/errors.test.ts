import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropicCodec } from '../../../src/translate/anthropic/index.js';
import type { IRError, IRErrorKind } from '../../../src/translate/ir.js';
import type { Answer } from './helpers.js';
import { SDK_PARAMS, fixtureText, sdkClient, startAnswerServer } from './helpers.js';

describe('anthropic errors: decode', () => {
  it('a prompt over the context window is context-length', () => {
    expect(anthropicCodec.decodeError(400, fixtureText('anthropic-error-context.1.json'))).toEqual({
      kind: 'context-length',
      message: 'prompt is too long: 208310 tokens > 200000 maximum',
      status: 400,
    });
    const limit = JSON.stringify({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'input length and `max_tokens` exceed context limit: 197463 + 8192 > 200000' },
    });
    expect(anthropicCodec.decodeError(400, limit).kind).toBe('context-length');
  });

  it.each([
    [400, 'invalid_request_error', 'invalid-request'],
    [401, 'authentication_error', 'authentication'],
    [402, 'billing_error', 'permission'],
    [403, 'permission_error', 'permission'],
    [404, 'not_found_error', 'not-found'],
    [413, 'request_too_large', 'request-too-large'],
    [429, 'rate_limit_error', 'rate-limit'],
    [500, 'api_error', 'server'],
    [529, 'overloaded_error', 'overloaded'],
    [504, 'timeout_error', 'timeout'],
    [418, 'teapot_error', 'invalid-request'],
  ] as const)('%i %s -> %s', (status, type, kind) => {
    const err = anthropicCodec.decodeError(status, JSON.stringify({ type: 'error', error: { type, message: 'm' } }));
    expect(err).toEqual({ kind, message: 'm', status });
  });

  it('classifies a body that is not JSON by its status', () => {
    expect(anthropicCodec.decodeError(502, '<html>Bad gateway</html>')).toEqual({ kind: 'server', message: '<html>Bad gateway</html>', status: 502 });
    expect(anthropicCodec.decodeError(429, '').kind).toBe('rate-limit');
    expect(anthropicCodec.decodeError(529, fixtureText('anthropic-error-overloaded.1.json')).kind).toBe('overloaded');
  });
});

describe('anthropic errors: encode', () => {
  const cases: Array<[IRErrorKind, number, string]> = [
    ['invalid-request', 400, 'invalid_request_error'],
    ['context-length', 400, 'invalid_request_error'],
    ['authentication', 401, 'authentication_error'],
    ['permission', 403, 'permission_error'],
    ['not-found', 404, 'not_found_error'],
    ['request-too-large', 413, 'request_too_large'],
    ['rate-limit', 429, 'rate_limit_error'],
    ['overloaded', 529, 'overloaded_error'],
    ['timeout', 504, 'timeout_error'],
    ['server', 500, 'api_error'],
  ];
  it.each(cases)('%s -> %i %s', (kind, status, type) => {
    expect(anthropicCodec.encodeError({ kind, message: 'boom', status: 0 })).toEqual({
      status,
      body: { type: 'error', error: { type, message: kind === 'context-length' ? 'prompt is too long: boom' : 'boom' } },
    });
  });

  it("a context-length message from another vendor gets Anthropic's prefix, once", () => {
    const openai: IRError = { kind: 'context-length', message: "This model's maximum context length is 128000 tokens.", status: 400 };
    expect((anthropicCodec.encodeError(openai).body as any).error.message).toBe("prompt is too long: This model's maximum context length is 128000 tokens.");
    const own: IRError = { kind: 'context-length', message: 'prompt is too long: 250000 tokens > 200000 maximum', status: 400 };
    expect((anthropicCodec.encodeError(own).body as any).error.message).toBe(own.message);
  });

  it('keeps an upstream 5xx status for server errors and a 4xx for invalid requests', () => {
    expect(anthropicCodec.encodeError({ kind: 'server', message: 'x', status: 503 }).status).toBe(503);
    expect(anthropicCodec.encodeError({ kind: 'invalid-request', message: 'x', status: 422 }).status).toBe(422);
  });

  it('the in-stream error event', () => {
    expect(anthropicCodec.encodeStreamError({ kind: 'overloaded', message: 'Overloaded', status: 529 })).toBe(
      'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n',
    );
  });
});

describe('anthropic errors: parsed by the official SDK', () => {
  let answer: Answer;
  let server: Awaited<ReturnType<typeof startAnswerServer>>;
  beforeAll(async () => {
    server = await startAnswerServer(() => answer);
  });
  afterAll(() => server.close());

  async function sdkError(error: IRError): Promise<unknown> {
    const { status, body } = anthropicCodec.encodeError(error);
    answer = { status, contentType: 'application/json', body: JSON.stringify(body) };
    return sdkClient(server.url).messages.create(SDK_PARAMS).catch((e: unknown) => e);
  }

  it('context length: BadRequestError whose message starts with "prompt is too long"', async () => {
    const err = await sdkError({ kind: 'context-length', message: 'input token count exceeds the maximum', status: 400 });
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    const e = err as InstanceType<typeof Anthropic.BadRequestError>;
    expect(e.status).toBe(400);
    expect((e.error as any).error).toEqual({ type: 'invalid_request_error', message: 'prompt is too long: input token count exceeds the maximum' });
  });

  it.each([
    ['authentication', Anthropic.AuthenticationError],
    ['permission', Anthropic.PermissionDeniedError],
    ['not-found', Anthropic.NotFoundError],
    ['rate-limit', Anthropic.RateLimitError],
    ['overloaded', Anthropic.InternalServerError],
    ['server', Anthropic.InternalServerError],
  ] as const)('%s -> %s', async (kind, errorClass) => {
    const err = await sdkError({ kind, message: 'nope', status: 0 });
    expect(err).toBeInstanceOf(errorClass);
    expect(((err as InstanceType<typeof Anthropic.APIError>).error as any).error.message).toBe('nope');
  });
});
