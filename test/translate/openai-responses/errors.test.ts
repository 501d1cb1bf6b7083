// Errors: OpenAI error bodies -> IR kinds, and IR kinds -> what the official SDK raises.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IRError, IRErrorKind } from '../../../src/translate/ir.js';
import { openaiResponsesCodec as codec } from '../../../src/translate/openai-responses/index.js';
import { fixtureText, startCannedServer, type CannedServer } from './helpers.js';

describe('openai-responses decodeError', () => {
  it('recognises the context-length error by its code', () => {
    expect(codec.decodeError(400, fixtureText('openai-context-length.1.json'))).toEqual({
      kind: 'context-length',
      message: 'Your input exceeds the context window of this model. Please adjust your input and try again.',
      status: 400,
    });
  });

  it.each([
    [400, { error: { message: 'Invalid value', type: 'invalid_request_error', param: 'input', code: 'invalid_value' } }, 'invalid-request'],
    [400, { error: { message: "This model's maximum context length is 128000 tokens.", type: 'invalid_request_error', param: 'messages', code: null } }, 'context-length'],
    [401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } }, 'authentication'],
    [403, { error: { message: 'Country not supported', type: 'request_forbidden', param: null, code: 'unsupported_country_region_territory' } }, 'permission'],
    [404, { error: { message: 'The model does not exist', type: 'invalid_request_error', param: null, code: 'model_not_found' } }, 'not-found'],
    [413, { error: { message: 'Request too large', type: 'invalid_request_error', param: null, code: null } }, 'request-too-large'],
    [429, { error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' } }, 'rate-limit'],
    [429, { error: { message: 'You exceeded your current quota', type: 'insufficient_quota', param: null, code: 'insufficient_quota' } }, 'rate-limit'],
    [500, { error: { message: 'The server had an error', type: 'server_error', param: null, code: null } }, 'server'],
    [503, { error: { message: 'The engine is currently overloaded', type: 'server_error', param: null, code: null } }, 'overloaded'],
    [504, 'upstream request timeout', 'timeout'],
  ] as const)('%i %j -> %s', (status, body, kind) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const err = codec.decodeError(status, text);
    expect(err.kind).toBe(kind);
    expect(err.status).toBe(status);
    expect(err.message).toBe(typeof body === 'string' ? body : body.error.message);
  });
});

describe('openai-responses encodeError through the official SDK', () => {
  let server: CannedServer;
  beforeAll(async () => {
    server = await startCannedServer();
  });
  afterAll(() => server.close());

  async function sdkError(error: IRError): Promise<unknown> {
    const { status, body } = codec.encodeError(error);
    server.reply = { status, contentType: 'application/json', body: JSON.stringify(body) };
    return server
      .client()
      .responses.create({ model: 'gpt-test', input: 'hi' })
      .then(
        () => undefined,
        (err: unknown) => err,
      );
  }

  it('context length from another vendor becomes OpenAI’s own 400 context_length_exceeded', async () => {
    const err = await sdkError({ kind: 'context-length', message: 'prompt is too long: 250000 tokens > 200000 maximum', status: 400 });
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    const apiError = err as InstanceType<typeof OpenAI.BadRequestError>;
    expect(apiError.status).toBe(400);
    expect(apiError.code).toBe('context_length_exceeded');
    expect(apiError.type).toBe('invalid_request_error');
    expect(apiError.param).toBe('input');
    expect(apiError.message).toContain('prompt is too long');
  });

  it.each([
    ['invalid-request', 400, OpenAI.BadRequestError],
    ['authentication', 401, OpenAI.AuthenticationError],
    ['permission', 403, OpenAI.PermissionDeniedError],
    ['not-found', 404, OpenAI.NotFoundError],
    ['rate-limit', 429, OpenAI.RateLimitError],
    ['overloaded', 503, OpenAI.InternalServerError],
    ['timeout', 504, OpenAI.InternalServerError],
    ['server', 500, OpenAI.InternalServerError],
  ] as const)('%s -> %i', async (kind, status, errorClass) => {
    // The upstream's own status (Anthropic's 529, a 422) does not leak through.
    const err = await sdkError({ kind: kind as IRErrorKind, message: `failed: ${kind}`, status: kind === 'overloaded' ? 529 : 422 });
    expect(err).toBeInstanceOf(errorClass);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(status);
  });

  it('keeps a 5xx status for server errors', () => {
    expect(codec.encodeError({ kind: 'server', message: 'bad gateway', status: 502 }).status).toBe(502);
  });

  it('the stream error event makes the SDK raise an APIError with the code', async () => {
    const sse =
      `event: response.created\ndata: ${JSON.stringify({ type: 'response.created', sequence_number: 0, response: { id: 'resp_1', object: 'response', output: [], status: 'in_progress' } })}\n\n` +
      codec.encodeStreamError({ kind: 'rate-limit', message: 'Slow down', status: 429 });
    server.reply = { status: 200, contentType: 'text/event-stream', body: sse };
    const stream = await server.client().responses.create({ model: 'gpt-test', input: 'hi', stream: true });
    const seen: string[] = [];
    const err = await (async () => {
      for await (const event of stream) seen.push(event.type);
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(seen).toEqual(['response.created']);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).code).toBe('rate_limit_exceeded');
    expect((err as Error).message).toContain('Slow down');
  });

  it('the stream error event also carries the documented top-level fields', () => {
    const text = codec.encodeStreamError({ kind: 'context-length', message: 'too long', status: 400 });
    expect(text.startsWith('event: error\ndata: ')).toBe(true);
    expect(JSON.parse(text.slice('event: error\ndata: '.length))).toMatchObject({
      type: 'error',
      sequence_number: 0,
      code: 'context_length_exceeded',
      message: 'too long',
      param: 'input',
    });
  });
});
