// Upstream error answers -> IR error kinds, and the in-stream error frame.
import { describe, expect, it } from 'vitest';
import { openaiChatCodec } from '../../../src/translate/openai-chat/index.js';

const codec = openaiChatCodec;
const body = (message: string, type: string, code: string | null = null, param: string | null = null): string =>
  JSON.stringify({ error: { message, type, param, code } });

describe('openai-chat decodeError', () => {
  it('recognises OpenAI context_length_exceeded', () => {
    const text = body(
      "This model's maximum context length is 128000 tokens. However, your messages resulted in 250000 tokens. Please reduce the length of the messages.",
      'invalid_request_error',
      'context_length_exceeded',
      'messages',
    );
    expect(codec.decodeError(400, text)).toEqual({ kind: 'context-length', status: 400, message: expect.stringContaining('maximum context length') });
  });

  it('recognises a compatible server\'s context error by its message (vLLM, no code)', () => {
    const vllm = JSON.stringify({
      object: 'error',
      message: "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens (4000 in the messages, 1000 in the completion).",
      type: 'BadRequestError',
      param: null,
      code: 400,
    });
    expect(codec.decodeError(400, vllm).kind).toBe('context-length');
    // A plain 400 stays an invalid request.
    expect(codec.decodeError(400, body("Invalid value for 'temperature'", 'invalid_request_error')).kind).toBe('invalid-request');
  });

  it('classifies by status', () => {
    expect(codec.decodeError(401, body('Incorrect API key provided', 'invalid_request_error', 'invalid_api_key'))).toMatchObject({ kind: 'authentication', status: 401 });
    expect(codec.decodeError(403, body('Country not supported', 'request_forbidden')).kind).toBe('permission');
    expect(codec.decodeError(404, body('The model `x` does not exist', 'invalid_request_error', 'model_not_found')).kind).toBe('not-found');
    expect(codec.decodeError(413, 'request too large').kind).toBe('request-too-large');
    expect(codec.decodeError(429, body('Rate limit reached', 'requests', 'rate_limit_exceeded')).kind).toBe('rate-limit');
    expect(codec.decodeError(500, body('The server had an error', 'server_error'))).toMatchObject({ kind: 'server', status: 500, message: 'The server had an error' });
    expect(codec.decodeError(503, body('The engine is currently overloaded', 'server_error')).kind).toBe('overloaded');
    expect(codec.decodeError(504, '<html>Gateway Timeout</html>')).toMatchObject({ kind: 'timeout', message: '<html>Gateway Timeout</html>' });
  });

  it('turns a context-length error from another vendor back into OpenAI\'s own', () => {
    const encoded = codec.encodeError({ kind: 'context-length', message: 'prompt is too long: 210000 tokens > 200000 maximum', status: 400 });
    expect(encoded).toEqual({
      status: 400,
      body: { error: { message: 'prompt is too long: 210000 tokens > 200000 maximum', type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' } },
    });
    // and it decodes to the same kind again
    expect(codec.decodeError(encoded.status, JSON.stringify(encoded.body)).kind).toBe('context-length');
  });

  it('renders the in-stream error frame as data: {"error":…}', () => {
    const frame = codec.encodeStreamError({ kind: 'rate-limit', message: 'slow down', status: 429 });
    expect(frame).toBe(`data: ${JSON.stringify({ error: { message: 'slow down', type: 'rate_limit_error', param: null, code: 'rate_limit_exceeded' } })}\n\n`);
  });
});
