import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { ADMIN_KEY, TEST_KEY, eventually, startTestGateway } from '../helpers/gateway.js';
import { parseSse } from '../fakes/index.js';

/**
 * A model that writes a secret into a streamed answer sends it split over
 * several deltas, cut mid-token. With bodies logged in full, the stored
 * answer holds none of it, for every client shape (pass-through and
 * translated), while the client itself gets every byte the model wrote.
 */

const KEY_PIECES = ['Here is sk-pr', 'oj-Zq7Lm2Xc', '9Vb4Nn1Tt8', 'Rr and done. ', 'Your tick', 'et-1234', '56 is open.'];
const ANSWER = KEY_PIECES.join('');
const SECRET_BITS = ['Zq7Lm2Xc', '9Vb4Nn1Tt8', 'oj-Zq', '"Rr and', 'et-1234', '"56 is'];
const STORED_TEXT = 'Here is [REDACTED:api-key] and done. Your [REDACTED:pattern-1] is open.';

/** An OpenAI chat completions upstream streaming ANSWER in the pieces above, in OpenAI's exact chunk format. */
async function startSplittingUpstream(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', async () => {
      const body = JSON.parse(raw) as { model: string; stream_options?: { include_usage?: boolean } };
      const chunk = (delta: Record<string, unknown>, finish: string | null = null, usage?: unknown) =>
        `data: ${JSON.stringify({ id: 'chatcmpl-split', object: 'chat.completion.chunk', created: 1_700_000_000, model: body.model, system_fingerprint: 'fp_split', choices: usage ? [] : [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...(usage ? { usage } : {}) })}\n\n`;
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
      res.write(chunk({ role: 'assistant', content: '', refusal: null }));
      for (const piece of KEY_PIECES) {
        res.write(chunk({ content: piece }));
        await new Promise((r) => setTimeout(r, 5));
      }
      res.write(chunk({}, 'stop'));
      if (body.stream_options?.include_usage) res.write(chunk({}, null, { prompt_tokens: 9, completion_tokens: 20, total_tokens: 29 }));
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

let upstream: Awaited<ReturnType<typeof startSplittingUpstream>>;
let gw: NodeGateway;

beforeAll(async () => {
  upstream = await startSplittingUpstream();
  gw = await startTestGateway({ openaiUrl: upstream.url, openaiSpeaks: ['chat'], extra: { logging: { bodies: 'full', redact: { patterns: ['ticket-\\d{6}'] } } } });
});
afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

/** The stored response body of a request, once the recorder has written it. */
async function storedResponse(requestId: string): Promise<string> {
  return eventually(async () => {
    await gw.ctx.recorder.flush();
    const res = await fetch(`${gw.url}/admin/api/logs/${requestId}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(res.status).toBe(200);
    const detail = (await res.json()) as { bodies: { response: string } | null };
    expect(detail.bodies?.response).toBeTypeOf('string');
    return detail.bodies!.response;
  }, 10_000);
}

function expectNoSecret(stored: string): void {
  for (const bit of SECRET_BITS) expect(stored, bit).not.toContain(bit);
}

describe('secrets split across streamed deltas', () => {
  it('are redacted in the stored OpenAI chat stream (pass-through), the client getting every byte', async () => {
    const client = new OpenAI({ apiKey: TEST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const { data: stream, response } = await client.chat.completions.create({ model: 'gpt-test', stream: true, messages: [{ role: 'user', content: 'tell me' }] }).withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toBe(ANSWER);

    const stored = await storedResponse(response.headers.get('x-request-id')!);
    expectNoSecret(stored);
    const deltas = parseSse(stored).filter((f) => f.data.startsWith('{')).map((f) => JSON.parse(f.data) as { choices: { delta?: { content?: string } }[] });
    expect(deltas.map((d) => d.choices[0]?.delta?.content ?? '').join('')).toBe(STORED_TEXT);
  });

  it('are redacted in the stored Anthropic stream (translated)', async () => {
    const client = new Anthropic({ apiKey: TEST_KEY, baseURL: gw.url, maxRetries: 0 });
    const { data: stream, response } = await client.messages.create({ model: 'gpt-test', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'tell me' }] }).withResponse();
    let text = '';
    for await (const event of stream) if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
    expect(text).toBe(ANSWER);

    const stored = await storedResponse(response.headers.get('x-request-id')!);
    expectNoSecret(stored);
    const deltas = parseSse(stored).map((f) => JSON.parse(f.data) as { type: string; delta?: { text?: string } });
    expect(deltas.filter((e) => e.type === 'content_block_delta').map((e) => e.delta?.text ?? '').join('')).toBe(STORED_TEXT);
  });

  it('are redacted in the stored Gemini stream (translated)', async () => {
    const res = await fetch(`${gw.url}/v1beta/models/gpt-test:streamGenerateContent?alt=sse`, {
      method: 'POST',
      headers: { 'x-goog-api-key': TEST_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'tell me' }] }] }),
    });
    expect(res.status).toBe(200);
    type GeminiChunk = { candidates?: { content?: { parts?: { text?: string }[] } }[] };
    const textOf = (sse: string) =>
      parseSse(sse)
        .map((f) => JSON.parse(f.data) as GeminiChunk)
        .map((c) => c.candidates?.[0]?.content?.parts?.map((p) => p.text ?? '').join('') ?? '')
        .join('');
    expect(textOf(await res.text())).toBe(ANSWER);

    const stored = await storedResponse(res.headers.get('x-request-id')!);
    expectNoSecret(stored);
    expect(textOf(stored)).toBe(STORED_TEXT);
  });

  it('are redacted in the stored Responses stream (translated)', async () => {
    const client = new OpenAI({ apiKey: TEST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const { data: stream, response } = await client.responses.create({ model: 'gpt-test', stream: true, input: 'tell me' }).withResponse();
    let text = '';
    for await (const event of stream) if (event.type === 'response.output_text.delta') text += event.delta;
    expect(text).toBe(ANSWER);

    const stored = await storedResponse(response.headers.get('x-request-id')!);
    expectNoSecret(stored);
    const events = parseSse(stored).map((f) => JSON.parse(f.data) as { type: string; delta?: string; text?: string });
    expect(events.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta).join('')).toBe(STORED_TEXT);
    expect(events.find((e) => e.type === 'response.output_text.done')?.text).toBe(STORED_TEXT);
  });
});
