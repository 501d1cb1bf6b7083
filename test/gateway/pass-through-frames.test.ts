import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, logRows, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';

/**
 * An OpenAI Chat stream whose writes cut through events: the bytes the
 * client gets must be the upstream's events, whole, less the usage chunk
 * Switchboard asked for (the client did not), wherever the cuts fall.
 */
const chunk = (delta: object, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'gpt-upstream', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const USAGE = `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'gpt-upstream', choices: [], usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 } })}\n\n`;
const FRAMES = [chunk({ role: 'assistant', content: '' }), chunk({ content: 'one ' }), chunk({ content: 'two' }), chunk({}, 'stop')];
/** The writes as they go out: whole events, then cuts inside an event, inside the usage chunk, and before [DONE]'s blank line. */
const WRITES = [FRAMES[0] + FRAMES[1], FRAMES[2].slice(0, 20), FRAMES[2].slice(20) + FRAMES[3] + USAGE.slice(0, 30), USAGE.slice(30) + 'data: [DONE]\n', '\n'];

let upstream: Server;
let gw: NodeGateway;

beforeAll(async () => {
  upstream = createServer((req, res) => {
    req.resume();
    req.on('end', async () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const write of WRITES) {
        res.write(write);
        await new Promise((resolve) => setTimeout(resolve, 15)); // separate reads on the gateway's side
      }
      res.end();
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  gw = await startTestGateway({ openaiUrl: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` });
});
afterAll(async () => {
  await gw?.close();
  await new Promise((resolve) => upstream?.close(resolve));
});

describe('a pass-through stream cut at odd places', () => {
  it('reaches the client as the upstream sent it, without the usage chunk the client did not ask for, and is recorded', async () => {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }], stream: true }),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(FRAMES.join('') + 'data: [DONE]\n\n');
    const row = await eventually(async () => (await logRows(gw)).find((r) => r.stream && r.outcome === 'ok'));
    expect(row).toMatchObject({ inputTokens: 7, outputTokens: 3 });
  });
});
