import { afterEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import { startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import type { RequestObserver } from '../../src/telemetry/observer.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import type { LogRecord } from '../../src/store/types.js';

// Stopping without dropping work: a stopping gateway takes no new connection, lets what is in flight
// finish for up to its drain time, then cuts the rest, each request still getting its row.

let slow: FakeUpstream | undefined;
let gw: NodeGateway | undefined;
afterEach(async () => {
  await gw?.close();
  await slow?.close();
  gw = slow = undefined;
});

/** A gateway in front of an upstream sending one stream event every 100 ms, and the rows it finished. */
async function slowGateway(): Promise<{ gw: NodeGateway; rows: LogRecord[] }> {
  slow = await startFakeOpenAI({ chunkDelayMs: 100 });
  const rows: LogRecord[] = [];
  const finished: RequestObserver = { start: () => ({ attempt() {}, firstByte() {}, finish: (row) => rows.push({ ...row }) }) };
  gw = await startTestGateway({ openaiUrl: slow.url, observers: [finished] });
  return { gw, rows };
}

/** Starts a streamed chat and reads its first chunk, so it is in flight; returns the reader of the rest. */
async function streamInFlight(url: string) {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-test', stream: true, messages: [{ role: 'user', content: 'one two three four five six seven eight nine ten' }] }),
  });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = decoder.decode((await reader.read()).value);
  return {
    /** The rest of the stream, as far as it goes. */
    async rest(): Promise<string> {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return text;
          text += decoder.decode(value, { stream: true });
        }
      } catch {
        return text;
      }
    },
  };
}

/** A request on a new connection (no keep-alive pool): how a new client reaches the gateway. */
function freshRequest(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${url}/healthz`, { agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
  });
}

describe('stopping with a drain time', () => {
  it('lets a stream in flight finish whole and takes no new connection meanwhile', async () => {
    const { gw, rows } = await slowGateway();
    const stream = await streamInFlight(gw.url);
    expect(gw.inFlight()).toBe(1);
    const closing = gw.close({ drainMs: 20_000 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(freshRequest(gw.url)).rejects.toThrow(/ECONNREFUSED/);
    const text = await stream.rest();
    expect(text).toContain('data: [DONE]');
    await closing;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 200, outcome: 'ok', stream: true });
  });

  it('cuts a stream still running when the drain time is over, and its row says it was cut', async () => {
    const { gw, rows } = await slowGateway();
    const stream = await streamInFlight(gw.url);
    const started = Date.now();
    await gw.close({ drainMs: 250 });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await stream.rest()).not.toContain('data: [DONE]');
    expect(rows).toHaveLength(1);
    expect(rows[0].outcome).toBe('incomplete');
  });

  it('cuts at once when asked to stop again while draining', async () => {
    const { gw, rows } = await slowGateway();
    const stream = await streamInFlight(gw.url);
    const started = Date.now();
    const closing = gw.close({ drainMs: 60_000 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await gw.close();
    await closing;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await stream.rest()).not.toContain('data: [DONE]');
    expect(rows.map((r) => r.outcome)).toEqual(['incomplete']);
  });

  it('stops at once when nothing is in flight', async () => {
    const { gw } = await slowGateway();
    const started = Date.now();
    await gw.close({ drainMs: 60_000 });
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
