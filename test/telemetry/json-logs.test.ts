import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';

// The process log as JSON lines (`telemetry.logFormat: json`): what a failing request leaves in it.

let oai: FakeUpstream;
let gw: NodeGateway;
const lines: string[] = [];

beforeAll(async () => {
  oai = await startFakeOpenAI();
  gw = await startTestGateway({
    openaiUrl: oai.url,
    log: (line) => lines.push(line),
    extra: { telemetry: { logFormat: 'json' } },
  });
});
afterAll(async () => {
  await gw?.close();
  await oai?.close();
});

const chat = () =>
  fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] }),
  });

interface Line {
  time: string;
  level: string;
  message: string;
  requestId?: string;
}

describe('JSON logs', () => {
  it('writes every line as JSON, and the lines a failing request caused carry its request id', async () => {
    lines.length = 0;
    oai.failNext({ kind: 'status', status: 401 });
    const res = await chat();
    expect(res.status).toBe(502);
    await res.text();
    const requestId = res.headers.get('x-request-id');
    expect(requestId).toBeTruthy();

    const parsed = lines.map((line) => JSON.parse(line) as Line);
    for (const line of parsed) {
      expect(Date.parse(line.time)).not.toBeNaN();
      expect(['info', 'warn', 'error']).toContain(line.level);
      expect(typeof line.message).toBe('string');
    }
    // The only credential was refused: it is disabled, and the line saying so names the request that found out.
    const disabled = parsed.find((line) => line.message.startsWith('credential oai#1: disabled'));
    expect(disabled).toMatchObject({ requestId, level: 'warn' });
  });
});
