import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { rowOf, target } from './client.js';
import { KEYS } from './suite.js';

// A client that leaves in the middle of a stream still gets its log row, marked incomplete,
// with the usage seen before it left (the fakes send an event every 20 ms).

const LONG = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');

/** Opens a streaming request, waits for the first bytes, then drops the connection; returns the request's id. */
function streamThenHangUp(path: string, body: unknown): Promise<{ requestId: string; firstChunk: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${target().url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.usage}`, 'anthropic-version': '2023-06-01' },
    });
    req.on('response', (res) => {
      if (res.statusCode !== 200) return reject(new Error(`status ${res.statusCode}`));
      res.once('data', (chunk: Buffer) => {
        req.destroy();
        resolve({ requestId: String(res.headers['x-request-id']), firstChunk: chunk.toString('utf8') });
      });
    });
    req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
    req.end(JSON.stringify(body));
  });
}

describe('a client that leaves mid-stream', () => {
  it('OpenAI Chat: the row is there, incomplete, with status 499', async () => {
    const { requestId, firstChunk } = await streamThenHangUp('/v1/chat/completions', { model: 'gpt-pass', stream: true, messages: [{ role: 'user', content: LONG }] });
    expect(firstChunk).toMatch(/^data: \{/);
    const row = await rowOf(requestId, 10_000);
    expect(row).toMatchObject({ outcome: 'incomplete', status: 499, stream: true, model: 'gpt-pass', protocol: 'openai-chat' });
    expect(row.error).toMatch(/client disconnected/);
  });

  it('Anthropic Messages: the row keeps the input figures message_start gave before the client left', async () => {
    const { requestId } = await streamThenHangUp('/v1/messages', { model: 'claude-pass', max_tokens: 500, stream: true, messages: [{ role: 'user', content: LONG }] });
    const row = await rowOf(requestId, 10_000);
    expect(row).toMatchObject({ outcome: 'incomplete', status: 499, stream: true, protocol: 'anthropic-messages', inputTokens: 13, cacheReadTokens: 4, cacheWriteTokens: 5 });
  });

  it('translated (an Anthropic client on the OpenAI upstream): the row is there, incomplete', async () => {
    const { requestId, firstChunk } = await streamThenHangUp('/v1/messages', { model: 'gpt-pass', max_tokens: 500, stream: true, messages: [{ role: 'user', content: LONG }] });
    expect(firstChunk).toMatch(/^event: message_start/);
    const row = await rowOf(requestId, 10_000);
    expect(row).toMatchObject({ outcome: 'incomplete', status: 499, stream: true, translation: 'anthropic-messages -> openai-chat' });
  });
});
