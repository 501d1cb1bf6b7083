import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import { observeAll, type RequestObserver } from '../../src/telemetry/observer.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import type { Attempt, LogRecord } from '../../src/store/types.js';

// The observer port (metrics and traces build on it): what a request tells it, through the real server.

interface Seen {
  id: string;
  attempts: { attempt: Attempt; startedAt: number }[];
  firstByteAt: number | null;
  finished: LogRecord | null;
}

const seen: Seen[] = [];
const recording: RequestObserver = {
  start(row) {
    const one: Seen = { id: row.id, attempts: [], firstByteAt: null, finished: null };
    seen.push(one);
    return {
      attempt: (attempt, startedAt) => one.attempts.push({ attempt: { ...attempt }, startedAt }),
      firstByte: (at) => (one.firstByteAt = at),
      finish: (row) => (one.finished = { ...row }),
    };
  },
};
const throwing: RequestObserver = {
  start() {
    throw new Error('observer broke');
  },
};

let oai: FakeUpstream;
let gw: NodeGateway;
const logged: string[] = [];

beforeAll(async () => {
  oai = await startFakeOpenAI({ apiKeys: ['sk-a', 'sk-b'] });
  gw = await startTestGateway({
    log: (m) => logged.push(m),
    observers: [throwing, recording],
    extra: {
      upstreams: [{ id: 'oai', kind: 'openai', baseUrl: `${oai.url}/v1`, credentials: [{ key: 'sk-a' }, { key: 'sk-b' }] }],
      models: [{ id: 'gpt-test', routes: [{ upstream: 'oai', model: 'gpt-upstream' }] }],
      retry: { maxAttempts: 3, backoffMs: 1 },
    },
  });
});
afterAll(async () => {
  await gw?.close();
  await oai?.close();
});

const chat = (stream: boolean) =>
  fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-test', stream, messages: [{ role: 'user', content: 'hi' }] }),
  });

describe('the request observer', () => {
  it('hears every try of a retried request, its first byte and its finished row, even beside an observer that throws', async () => {
    seen.length = 0;
    oai.failNext({ kind: 'status', status: 500 });
    const res = await chat(true);
    expect(res.status).toBe(200);
    await res.text();
    expect(seen).toHaveLength(1);
    const [one] = seen;
    expect(one.attempts.map((a) => [a.attempt.status, a.attempt.error === null])).toEqual([
      [500, false],
      [200, true],
    ]);
    expect(one.attempts[1].startedAt).toBeGreaterThanOrEqual(one.attempts[0].startedAt + one.attempts[0].attempt.ms);
    expect(one.firstByteAt).not.toBeNull();
    expect(one.finished).toMatchObject({ id: one.id, status: 200, outcome: 'ok', stream: true, upstreamId: 'oai' });
    expect(one.finished!.outputTokens).toBeGreaterThan(0);
    expect(logged.some((m) => m.includes('observer broke'))).toBe(true);
  });

  it('hears a first try that served the request, though the row lists no tries then', async () => {
    seen.length = 0;
    const res = await chat(false);
    expect(res.status).toBe(200);
    await res.json();
    expect(seen[0].attempts.map((a) => a.attempt.status)).toEqual([200]);
    expect(seen[0].finished!.attempts).toBeNull();
  });

  it('observes nothing at no cost when none is given', () => {
    const none = observeAll([], () => {});
    const watch = none.start({} as LogRecord, new Headers());
    expect(() => watch.finish({} as LogRecord)).not.toThrow();
  });
});
