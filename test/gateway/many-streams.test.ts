import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';

/**
 * Streams hold their upstream connection for as long as they run, so the
 * gateway must not cap connections per upstream: here the upstream answers
 * none of them until all are open at once, which a cap below their number
 * would never let happen.
 */
const STREAMS = 300;
const frame = (delta: object, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'gpt-upstream', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

let upstream: Server;
let gw: NodeGateway;
const waiting: (() => void)[] = [];

beforeAll(async () => {
  upstream = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(frame({ role: 'assistant', content: '' }));
      waiting.push(() => res.end(frame({ content: 'all here' }) + frame({}, 'stop') + 'data: [DONE]\n\n'));
      if (waiting.length === STREAMS) for (const finish of waiting) finish();
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  gw = await startTestGateway({ openaiUrl: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` });
});
afterAll(async () => {
  await gw?.close();
  upstream?.closeAllConnections();
  await new Promise((resolve) => upstream?.close(resolve));
});

describe('many streams to one upstream at once', () => {
  it(`holds ${STREAMS} open together`, async () => {
    const client = new Agent({ connections: STREAMS });
    const body = JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const texts = await Promise.all(
      Array.from({ length: STREAMS }, async () => {
        const res = await request(`${gw.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
          body,
          dispatcher: client,
        });
        return res.body.text();
      }),
    );
    await client.close();
    expect(texts.filter((text) => text.includes('all here') && text.endsWith('data: [DONE]\n\n'))).toHaveLength(STREAMS);
  }, 30_000);
});
