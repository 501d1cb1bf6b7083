import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { ADMIN_KEY, TEST_KEY, startTestGateway } from '../helpers/gateway.js';
import { startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';

/** Body logging (off | metadata | full) with redaction, and the log detail in the admin API. */

const OPENAI_SHAPE = 'sk-proj-Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0';
const GOOGLE_SHAPE = 'AIzaSyD-1234567890abcdefghijklmnopqrstu';

let gw: NodeGateway;
let fake: FakeUpstream;
beforeAll(async () => {
  fake = await startFakeOpenAI();
  gw = await startTestGateway({ openaiUrl: fake.url });
});
afterAll(async () => {
  await gw?.close();
  await fake?.close();
});

const admin = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${gw.url}/admin/api${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as any };
};

/** The log detail of a request, once the recorder has written it. */
async function detail(requestId: string) {
  await gw.ctx.recorder.flush();
  const res = await admin('GET', `/logs/${requestId}`);
  expect(res.status).toBe(200);
  return res.json;
}

const chat = async (content: string, stream = false, model = 'mock-model') => {
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, stream, temperature: 0.5, messages: [{ role: 'user', content }] }),
  });
  return { id: res.headers.get('x-request-id')!, status: res.status, text: await res.text() };
};

describe('body logging', () => {
  it('is off by default: no bodies with the row', async () => {
    expect((await admin('GET', '/settings')).json.logging).toEqual({ bodies: 'off', redact: { emails: false, patterns: [] } });
    const { id } = await chat('hello');
    const row = await detail(id);
    expect(row.id).toBe(id);
    expect(row.model).toBe('mock-model');
    expect(row.bodies).toBeNull();
  });

  it('full: stores request and response bodies with API-key shapes redacted, for plain and streamed answers', async () => {
    const set = await admin('PATCH', '/settings', { logging: { bodies: 'full' } });
    expect(set.status).toBe(200);
    expect(set.json.logging.bodies).toBe('full');
    const secretText = `my keys: ${OPENAI_SHAPE} and ${GOOGLE_SHAPE}`;

    // Through the SDK: the client sees its own text echoed back unchanged; only the log is redacted.
    const client = new OpenAI({ apiKey: TEST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const { data, response } = await client.chat.completions.create({ model: 'mock-model', messages: [{ role: 'user', content: secretText }] }).withResponse();
    expect(data.choices[0].message.content).toContain(OPENAI_SHAPE);
    const plain = await detail(response.headers.get('x-request-id')!);
    expect(plain.bodies.mode).toBe('full');
    for (const text of [plain.bodies.request, plain.bodies.response]) {
      expect(text).not.toContain(OPENAI_SHAPE);
      expect(text).not.toContain(GOOGLE_SHAPE);
      expect(text).toContain('[REDACTED:api-key]');
      expect(text).toContain('[REDACTED:google-key]');
    }
    expect(JSON.parse(plain.bodies.request).messages[0].content).toBe('my keys: [REDACTED:api-key] and [REDACTED:google-key]');
    expect(JSON.parse(plain.bodies.response).choices[0].message.content).toContain('You said: my keys: [REDACTED:api-key]');

    const streamed = await chat(secretText, true);
    expect(streamed.text).toContain(OPENAI_SHAPE); // the client's stream is untouched
    const logged = await detail(streamed.id);
    expect(logged.bodies.response).toMatch(/^data: \{/);
    expect(logged.bodies.response).toContain('data: [DONE]');
    expect(logged.bodies.response).not.toContain(OPENAI_SHAPE);
    expect(logged.bodies.response).toContain('[REDACTED:api-key]');
    expect(logged.bodies.request).toContain('"stream":true');
    expect(logged.bodies.requestTruncated).toBe(false);
    expect(logged.bodies.responseTruncated).toBe(false);
  });

  it('full: applies the optional e-mail and custom patterns, and logs refused requests too', async () => {
    await admin('PATCH', '/settings', { logging: { redact: { emails: true, patterns: ['ticket-\\d{4}'] } } });
    const { id } = await chat('write to jane.doe@example.org about ticket-1234');
    const row = await detail(id);
    expect(row.bodies.request).toContain('[REDACTED:email] about [REDACTED:pattern-1]');
    expect(row.bodies.request).not.toContain('jane.doe');

    const bad = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'no-such-model', messages: [{ role: 'user', content: `x ${OPENAI_SHAPE}` }] }),
    });
    expect(bad.status).toBe(404);
    const refused = await detail(bad.headers.get('x-request-id')!);
    expect(refused.status).toBe(404);
    expect(refused.bodies.request).toContain('[REDACTED:api-key]');
    expect(JSON.parse(refused.bodies.response).error.code).toBe('model_not_found');

    expect((await admin('PATCH', '/settings', { logging: { redact: { patterns: ['('] } } })).status).toBe(400);
    await admin('PATCH', '/settings', { logging: { redact: { emails: false, patterns: [] } } });
  });

  it('full: cuts each body at 256 KiB with a marker, streamed or not (the fake upstream echoes it all back)', async () => {
    const big = `${'x'.repeat(300 * 1024)} ${OPENAI_SHAPE}`;
    for (const stream of [false, true]) {
      const { id, status, text } = await chat(big, stream, 'gpt-test');
      expect(status).toBe(200);
      expect(text.length).toBeGreaterThan(300 * 1024);
      const row = await detail(id);
      for (const [body, truncated] of [
        [row.bodies.request, row.bodies.requestTruncated],
        [row.bodies.response, row.bodies.responseTruncated],
      ]) {
        expect(truncated).toBe(true);
        expect(body.length).toBeLessThan(257 * 1024);
        expect(body.length).toBeGreaterThan(255 * 1024);
        expect(body).toMatch(/\n…\[truncated by Switchboard: \d+ bytes in all\]$/);
        expect(body).not.toContain(OPENAI_SHAPE.slice(0, 12));
      }
    }
  });

  it('metadata: sizes, content types and parameters, never the messages', async () => {
    await admin('PATCH', '/settings', { logging: { bodies: 'metadata' } });
    const { id, text } = await chat(`secret plans ${OPENAI_SHAPE}`);
    const row = await detail(id);
    expect(row.bodies.mode).toBe('metadata');
    const request = JSON.parse(row.bodies.request);
    expect(request).toMatchObject({ contentType: 'application/json', params: { model: 'mock-model', stream: false, temperature: 0.5, messages: { items: 1 } } });
    expect(request.bytes).toBeGreaterThan(40);
    expect(row.bodies.request).not.toContain('secret plans');
    expect(JSON.parse(row.bodies.response)).toEqual({ status: 200, bytes: new TextEncoder().encode(text).byteLength, contentType: expect.stringMatching(/^application\/json/) });
    await admin('PATCH', '/settings', { logging: { bodies: 'off' } });
  });

  it('full: logs an upload as its fields and a spoken answer as its type and size, never their bytes', async () => {
    await admin('PATCH', '/settings', { logging: { bodies: 'full' } });
    const audio = new Uint8Array(4000).map((_, i) => (i * 13 + 1) & 0xff);
    const form = new FormData();
    form.append('model', 'mock-model');
    form.append('file', new Blob([audio], { type: 'audio/ogg' }), 'memo.ogg');
    const heard = await fetch(`${gw.url}/v1/audio/transcriptions`, { method: 'POST', headers: { authorization: `Bearer ${TEST_KEY}` }, body: form });
    expect(heard.status).toBe(200);
    const upload = await detail(heard.headers.get('x-request-id')!);
    expect(JSON.parse(upload.bodies.request)).toEqual({ model: 'mock-model', file: { file: 'memo.ogg', type: 'audio/ogg', bytes: 4000 } });

    const spoken = await fetch(`${gw.url}/v1/audio/speech`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock-model', input: 'say this', voice: 'alloy' }),
    });
    const bytes = (await spoken.arrayBuffer()).byteLength;
    expect(bytes).toBeGreaterThan(44);
    const logged = await detail(spoken.headers.get('x-request-id')!);
    expect(logged.bodies.response).toBe(`[audio/wav: ${bytes} bytes, not stored]`);
    expect(JSON.parse(logged.bodies.request)).toMatchObject({ input: 'say this' });
  });

  it('answers 404 for an unknown log id', async () => {
    expect((await admin('GET', '/logs/nope')).status).toBe(404);
  });
});

describe('failed auth', () => {
  it('counts failed client and admin auth by source, and logs a flood once', async () => {
    const logLines: string[] = [];
    const own = await startTestGateway({ log: (m) => logLines.push(m) });
    try {
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${own.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer sk-sb-wrong-${i}-000000000000000000`, 'content-type': 'application/json' },
          body: '{}',
        });
        expect(res.status).toBe(401);
      }
      for (let i = 0; i < 2; i++) {
        const res = await fetch(`${own.url}/admin/api/keys`, { headers: { authorization: 'Bearer not-the-admin-key' } });
        expect(res.status).toBe(401);
      }
      const report = (await (await fetch(`${own.url}/admin/api/security`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()) as any;
      expect(report).toMatchObject({ failedClientAuth: 3, failedAdminAuth: 2, ipBlocked: 0 });
      expect(report.bySource).toEqual([{ address: '127.0.0.1', failedAdminAuth: 2, failedClientAuth: 3, ipBlocked: 0, connectionCapped: 0, lastAt: expect.any(Number) }]);
      expect(report.recent).toHaveLength(5);
      expect(report.recent[0]).toMatchObject({ kind: 'failedAdminAuth', address: '127.0.0.1', reason: 'invalid admin key' });
      expect(report.recent[4]).toMatchObject({ kind: 'failedClientAuth', reason: 'invalid API key' });
      // Rate-limited: one line per kind in the window, not one per attempt; never the presented key.
      expect(logLines.filter((l) => l.includes('failed client auth'))).toHaveLength(1);
      expect(logLines.filter((l) => l.includes('failed admin auth'))).toHaveLength(1);
      expect(logLines.join('\n')).not.toContain('sk-sb-wrong');
    } finally {
      await own.close();
    }
  });
});
