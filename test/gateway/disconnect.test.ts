import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { startFakeAnthropic, startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { eventually, logRows, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';

let oai: FakeUpstream;
let ant: FakeUpstream;
let gw: NodeGateway;

beforeAll(async () => {
  // A slow stream: one event every 100 ms, so the client can leave in the middle.
  oai = await startFakeOpenAI({ chunkDelayMs: 100 });
  ant = await startFakeAnthropic({ chunkDelayMs: 100 });
  gw = await startTestGateway({ openaiUrl: oai.url, anthropicUrl: ant.url });
});
afterAll(async () => {
  await gw?.close();
  await oai?.close();
  await ant?.close();
});

/** Opens a streaming request, waits for the first bytes, then drops the connection. */
function streamThenHangUp(path: string, body: unknown): Promise<{ firstChunk: string; firstByteMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const req = http.request(`${gw.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_KEY}`, 'anthropic-version': '2023-06-01' },
    });
    req.on('response', (res) => {
      res.once('data', (chunk: Buffer) => {
        const firstByteMs = Date.now() - started;
        req.destroy();
        resolve({ firstChunk: chunk.toString('utf8'), firstByteMs });
      });
    });
    req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
    req.end(JSON.stringify(body));
  });
}

describe('a client that leaves mid-stream', () => {
  it('gets the first event as soon as the upstream sends it (piped, not buffered)', async () => {
    const { firstChunk, firstByteMs } = await streamThenHangUp('/v1/chat/completions', {
      model: 'gpt-test',
      stream: true,
      messages: [{ role: 'user', content: 'one two three four five six seven eight nine ten' }],
    });
    expect(firstChunk).toMatch(/^data: \{/);
    // the whole stream takes > 1 s at 100 ms per event; the first event must not wait for it
    expect(firstByteMs).toBeLessThan(800);
  });

  it('aborts the upstream request and records the request as incomplete (OpenAI)', async () => {
    oai.reset();
    await streamThenHangUp('/v1/chat/completions', {
      model: 'gpt-test',
      stream: true,
      messages: [{ role: 'user', content: 'one two three four five six seven eight nine ten' }],
    });
    await eventually(() => expect(oai.calls[0].aborted).toBe(true));
    const row = await eventually(async () => {
      const found = (await logRows(gw)).find((r) => r.outcome === 'incomplete' && r.protocol === 'openai-chat');
      expect(found).toBeDefined();
      return found!;
    });
    expect(row).toMatchObject({ status: 499, stream: true, model: 'gpt-test' });
    expect(row.error).toMatch(/client disconnected/);
  });

  it('aborts the upstream request and keeps the usage seen so far (Anthropic)', async () => {
    ant.reset();
    await streamThenHangUp('/v1/messages', {
      model: 'claude-test',
      max_tokens: 100,
      stream: true,
      messages: [{ role: 'user', content: 'one two three four five six seven eight nine ten' }],
    });
    await eventually(() => expect(ant.calls[0].aborted).toBe(true));
    const row = await eventually(async () => {
      const found = (await logRows(gw)).find((r) => r.outcome === 'incomplete' && r.protocol === 'anthropic-messages');
      expect(found).toBeDefined();
      return found!;
    });
    // message_start arrived before the client left: its input figures are kept
    expect(row).toMatchObject({ status: 499, inputTokens: 13, cacheReadTokens: 4, cacheWriteTokens: 5 });
  });

  it('records a client that leaves after the closing event as served: it has the whole answer', async () => {
    const body = { model: 'gpt-test', stream: true, input: 'one two three' };
    const events = async (leaveAfterCompleted: boolean) =>
      new Promise<number>((resolve, reject) => {
        const req = http.request(`${gw.url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_KEY}` } });
        req.on('response', (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => {
            text += chunk.toString('utf8');
            if (leaveAfterCompleted && text.includes('event: response.completed') && text.endsWith('\n\n')) {
              req.destroy();
              resolve(-1);
            }
          });
          res.on('end', () => resolve(text.split('\n\n').filter((e) => e.trim() !== '').length));
        });
        req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
        req.end(JSON.stringify(body));
      });
    // The whole stream's length, then the same stream held open for a second after its last event.
    const count = await events(false);
    oai.reset();
    oai.failNext({ kind: 'stall-mid-stream', afterEvents: count, ms: 1000 });
    await events(true);
    await eventually(() => expect(oai.calls[0].aborted).toBe(true));
    // Two rows of this shape: the whole stream's, then the one the client left.
    const rows = await eventually(async () => {
      const found = (await logRows(gw)).filter((r) => r.protocol === 'openai-responses');
      expect(found).toHaveLength(2);
      return found;
    });
    const row = rows.sort((a, b) => b.ts - a.ts)[0];
    expect(row).toMatchObject({ status: 200, outcome: 'ok', stream: true, inputTokens: expect.any(Number) });
    expect(row.inputTokens).toBeGreaterThan(0);
  });
});
