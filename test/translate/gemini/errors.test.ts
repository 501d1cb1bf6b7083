import { ApiError } from '@google/genai';
import { afterEach, describe, expect, it } from 'vitest';
import type { IRErrorKind } from '../../../src/translate/ir.js';
import { geminiCodec } from '../../../src/translate/gemini/index.js';
import { fixtureText, sdkFor, serve, type TinyServer } from './helpers.js';

describe('gemini errors: decode', () => {
  it.each([
    ['gemini-error-context.1.json', 400, 'context-length'],
    ['gemini-error-api-key.1.json', 400, 'authentication'],
    ['gemini-error-quota.1.json', 429, 'rate-limit'],
    ['gemini-error-overloaded.1.json', 503, 'overloaded'],
    ['gemini-error-not-found.1.json', 404, 'not-found'],
    ['gemini-error-internal.1.json', 500, 'server'],
  ] as const)('%s (%i) is %s', (name, status, kind) => {
    const body = fixtureText(name);
    const error = geminiCodec.decodeError(status, body);
    expect(error).toEqual({ kind, status, message: JSON.parse(body).error.message });
  });

  it('reads bodies that are not Google JSON by the HTTP status', () => {
    expect(geminiCodec.decodeError(502, '<html>Bad Gateway</html>')).toEqual({ kind: 'server', status: 502, message: '<html>Bad Gateway</html>' });
    expect(geminiCodec.decodeError(504, '')).toEqual({ kind: 'timeout', status: 504, message: 'upstream answered 504' });
    expect(geminiCodec.decodeError(413, 'too big').kind).toBe('request-too-large');
    // the non-SSE stream wraps its error in an array
    expect(geminiCodec.decodeError(400, `[${fixtureText('gemini-error-context.1.json')}]`).kind).toBe('context-length');
  });
});

describe('gemini errors: encode', () => {
  let server: TinyServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('every kind gets its own status and Google status name, and decodes back to itself', () => {
    const kinds: [IRErrorKind, number, string][] = [
      ['invalid-request', 400, 'INVALID_ARGUMENT'],
      ['context-length', 400, 'INVALID_ARGUMENT'],
      ['authentication', 401, 'UNAUTHENTICATED'],
      ['permission', 403, 'PERMISSION_DENIED'],
      ['not-found', 404, 'NOT_FOUND'],
      ['request-too-large', 413, 'INVALID_ARGUMENT'],
      ['rate-limit', 429, 'RESOURCE_EXHAUSTED'],
      ['overloaded', 503, 'UNAVAILABLE'],
      ['timeout', 504, 'DEADLINE_EXCEEDED'],
      ['server', 500, 'INTERNAL'],
    ];
    for (const [kind, status, name] of kinds) {
      const encoded = geminiCodec.encodeError({ kind, message: 'm', status: 599 });
      expect(encoded.status).toBe(status);
      expect(encoded.body).toMatchObject({ error: { code: status, status: name } });
      expect(geminiCodec.decodeError(encoded.status, JSON.stringify(encoded.body)).kind).toBe(kind);
    }
  });

  it.each([
    ['prompt is too long: 250000 tokens > 200000 maximum', 'The input token count (250000) exceeds the maximum number of tokens allowed (200000).'],
    [
      "This model's maximum context length is 128000 tokens. However, your messages resulted in 250000 tokens. Please reduce the length of the messages.",
      'The input token count (250000) exceeds the maximum number of tokens allowed (128000).',
    ],
    ['too long', 'The input token count exceeds the maximum number of tokens allowed. too long'],
  ])('another vendor\'s context-length message "%s" in Gemini words', (message, expected) => {
    const { status, body } = geminiCodec.encodeError({ kind: 'context-length', message, status: 400 });
    expect(status).toBe(400);
    expect(body).toEqual({ error: { code: 400, message: expected, status: 'INVALID_ARGUMENT' } });
  });

  it('context length reaches @google/genai as an ApiError 400 INVALID_ARGUMENT about the input token count', async () => {
    const { status, body } = geminiCodec.encodeError({ kind: 'context-length', message: 'prompt is too long: 250000 tokens > 200000 maximum', status: 400 });
    server = await serve(() => ({ status, contentType: 'application/json', body: JSON.stringify(body) }));
    const err = await sdkFor(server.url)
      .models.generateContent({ model: 'm', contents: 'hi' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(400);
    const parsed = JSON.parse((err as ApiError).message);
    expect(parsed.error.status).toBe('INVALID_ARGUMENT');
    expect(parsed.error.message).toMatch(/input token count \(250000\) exceeds the maximum/);
    // and a Gemini gateway reading it back would call it context length again
    expect(geminiCodec.decodeError(400, (err as ApiError).message).kind).toBe('context-length');
  });

  it('rate limits reach the SDK as ApiError 429', async () => {
    const { status, body } = geminiCodec.encodeError({ kind: 'rate-limit', message: 'slow down', status: 429 });
    server = await serve(() => ({ status, contentType: 'application/json', body: JSON.stringify(body) }));
    const err = await sdkFor(server.url)
      .models.generateContent({ model: 'm', contents: 'hi' })
      .catch((e: unknown) => e);
    expect((err as ApiError).status).toBe(429);
  });

  it('the stream error is one data chunk carrying the error', () => {
    expect(geminiCodec.encodeStreamError({ kind: 'server', message: 'boom', status: 500 })).toBe(
      'data: {"error":{"code":500,"message":"boom","status":"INTERNAL"}}\r\n\r\n',
    );
  });
});
