import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { TEST_KEY, startTestGateway } from '../helpers/gateway.js';
import { closesWithin, openRaw } from '../helpers/raw-socket.js';

/**
 * Clients that send slowly on purpose (slowloris): headers trickled byte by
 * byte, a body that stops, a body trickled forever. Each is cut by a timeout
 * (server.headersTimeoutSeconds, server.bodyIdleSeconds, server.requestTimeoutSeconds),
 * while an answer streamed for longer than all of them is not.
 */

const HEADERS_S = 1;
const BODY_IDLE_S = 1;
const REQUEST_S = 3;

let upstream: FakeUpstream;
let gw: NodeGateway;

beforeAll(async () => {
  upstream = await startFakeOpenAI();
  gw = await startTestGateway({
    openaiUrl: upstream.url,
    timeouts: { idleMs: 30_000 },
    extra: {
      server: { host: '127.0.0.1', port: 0, headersTimeoutSeconds: HEADERS_S, bodyIdleSeconds: BODY_IDLE_S, requestTimeoutSeconds: REQUEST_S },
    },
  });
});
afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

const postHead = (path: string, length: number, key = TEST_KEY) =>
  `POST ${path} HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer ${key}\r\nx-api-key: ${key}\r\nanthropic-version: 2023-06-01\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

describe('slow clients', () => {
  it('closes a connection whose headers are trickled in byte by byte', async () => {
    const client = await openRaw(gw.url);
    const started = Date.now();
    // An endless header line, one byte every 100 ms: never idle, never done.
    void client.trickle(`GET /healthz HTTP/1.1\r\nHost: gateway\r\nX-Slow: ${'a'.repeat(10_000)}`, 100);
    expect(await closesWithin(client, (HEADERS_S + 2) * 1000)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(HEADERS_S * 1000 - 100);
    expect(client.received()).not.toMatch(/^HTTP\/1\.1 200/);
  });

  it('closes a connection that opens and sends nothing', async () => {
    const client = await openRaw(gw.url);
    expect(await closesWithin(client, (HEADERS_S + 2) * 1000)).toBe(true);
  });

  it('answers 408 in the client\'s own shape when a body stops arriving, and closes the connection', async () => {
    const body = JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hello there' }] });
    const openai = await openRaw(gw.url);
    openai.socket.write(postHead('/v1/chat/completions', body.length) + body.slice(0, 20));
    const anthropic = await openRaw(gw.url);
    anthropic.socket.write(postHead('/v1/messages', body.length + 10) + body.slice(0, 20));

    expect(await closesWithin(openai, (BODY_IDLE_S + 2) * 1000)).toBe(true);
    expect(openai.received()).toMatch(/^HTTP\/1\.1 408 /);
    const openaiError = JSON.parse(openai.received().slice(openai.received().indexOf('\r\n\r\n') + 4));
    expect(openaiError.error).toMatchObject({ type: 'invalid_request_error', code: 'request_timeout' });
    expect(openaiError.error.message).toMatch(/request body stopped arriving/);

    expect(await closesWithin(anthropic, 2000)).toBe(true);
    expect(anthropic.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(anthropic.received()).toContain('"type":"error","error":{"type":"timeout_error"');
    expect(upstream.calls).toHaveLength(0);
  });

  it('cuts a body trickled forever (never idle) at the whole-request timeout', async () => {
    const client = await openRaw(gw.url);
    const started = Date.now();
    client.socket.write(postHead('/v1/chat/completions', 100_000));
    // One byte every 200 ms: never idle for a second, never done.
    void client.trickle(`{"model":"gpt-test","messages":[{"role":"user","content":"${'a'.repeat(99_000)}`, 200);
    expect(await closesWithin(client, (REQUEST_S + 3) * 1000)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(REQUEST_S * 1000 - 200);
    expect(upstream.calls).toHaveLength(0);
  });

  it('does not cut a streamed answer that runs longer than every timeout', async () => {
    // The fake stalls 4.5 s after its second event: the answer takes longer than the request timeout (3 s).
    upstream.failNext({ kind: 'stall-mid-stream', afterEvents: 2, ms: (REQUEST_S + 1.5) * 1000 });
    const client = new OpenAI({ apiKey: TEST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const started = Date.now();
    const stream = await client.chat.completions.create({ model: 'gpt-test', stream: true, messages: [{ role: 'user', content: 'a long answer' }] });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(Date.now() - started).toBeGreaterThan(REQUEST_S * 1000);
    expect(text).toBe('echo: a long answer');
  });

  it('keeps answering other clients while slow ones hold connections', async () => {
    const slow = await Promise.all(Array.from({ length: 20 }, () => openRaw(gw.url)));
    for (const s of slow) void s.trickle('GET /healthz HTTP/1.1\r\nHost: gateway\r\nX-Slow: aaaaaaaaaaaaaaaaaaaa', 100);
    const started = Date.now();
    const res = await fetch(`${gw.url}/healthz`);
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2000);
    await Promise.all(slow.map((s) => closesWithin(s, (HEADERS_S + 2) * 1000)));
  });
});
