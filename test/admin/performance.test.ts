import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { ADMIN_KEY, TEST_KEY, startTestGateway } from '../helpers/gateway.js';
import { startFakeAnthropic, startFakeOpenAI } from '../fakes/index.js';
import type { FakeUpstream } from '../fakes/server.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { logRow } from '../store/records.js';

/**
 * GET /admin/api/performance: time to first token and time per output token
 * by model or upstream. Real streamed requests through a slow OpenAI fake
 * (its first byte held back, its chunks spaced out) and a quick Anthropic
 * fake show in the figures; rows written with known times check the
 * percentiles and which rows count exactly.
 */

const SLOW_FIRST_BYTE_MS = 200;
let gw: NodeGateway;
let openaiFake: FakeUpstream;
let anthropicFake: FakeUpstream;
const admin = (path: string) => fetch(`${gw.url}/admin/api${path}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });

interface Figures {
  value: string;
  requests: number;
  ttftP50: number | null;
  ttftP95: number | null;
  perTokenRequests: number;
  perTokenP50: number | null;
  perTokenP95: number | null;
}
interface View {
  bucketMs: number;
  sampled: boolean;
  rows: Figures[];
  buckets: number[];
  series: (Figures & { bucket: number })[];
}

beforeAll(async () => {
  openaiFake = await startFakeOpenAI({ chunkDelayMs: 15 });
  anthropicFake = await startFakeAnthropic();
  gw = await startTestGateway({ openaiUrl: openaiFake.url, anthropicUrl: anthropicFake.url });
});
afterAll(async () => {
  await gw?.close();
  await openaiFake?.close();
  await anthropicFake?.close();
});

describe('GET /admin/api/performance', () => {
  it('shows the slower upstream with the higher time to first token and per token', async () => {
    const openai = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: TEST_KEY });
    const anthropic = new Anthropic({ baseURL: gw.url, apiKey: TEST_KEY });
    openaiFake.failNext({ kind: 'slow-first-byte', ms: SLOW_FIRST_BYTE_MS }, 3);
    for (let i = 0; i < 3; i++) {
      const stream = await openai.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'hello there friend' }], stream: true });
      for await (const _ of stream);
      const answer = anthropic.messages.stream({ model: 'claude-test', max_tokens: 50, messages: [{ role: 'user', content: 'hello there friend' }] });
      await answer.finalMessage();
    }
    // Not streamed: not counted.
    await openai.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] });
    await gw.ctx.recorder.flush();

    const res = await admin('/performance?range=1h&by=upstream');
    expect(res.status).toBe(200);
    const view = (await res.json()) as View;
    expect(view.sampled).toBe(false);
    const oai = view.rows.find((r) => r.value === 'oai')!;
    const ant = view.rows.find((r) => r.value === 'ant')!;
    expect(oai.requests).toBe(3);
    expect(ant.requests).toBe(3);
    expect(oai.ttftP50).toBeGreaterThanOrEqual(SLOW_FIRST_BYTE_MS);
    expect(ant.ttftP50).toBeLessThan(SLOW_FIRST_BYTE_MS);
    expect(oai.perTokenP50).toBeGreaterThan(ant.perTokenP50!);
    expect(oai.perTokenRequests).toBe(3);
    // The series holds the same requests, by bucket.
    expect(view.series.filter((s) => s.value === 'oai').reduce((n, s) => n + s.requests, 0)).toBe(3);
    // Five-minute buckets over the hour, the first starting before the range when it is not aligned.
    expect(view.buckets.length).toBeGreaterThanOrEqual(12);
    expect(view.buckets.length).toBeLessThanOrEqual(13);

    const byModel = (await (await admin('/performance?range=1h&by=model')).json()) as View;
    expect(byModel.rows.map((r) => r.value).sort()).toEqual(['claude-test', 'gpt-test']);
  });

  it('counts only streamed, successful, uncached rows with a first byte, with nearest-rank percentiles', async () => {
    const from = Date.UTC(2026, 0, 1);
    const base = { model: 'exact', upstreamId: 'up-exact', stream: true, outcome: 'ok', cacheStatus: 'MISS' } as const;
    // Ten counted rows: ttfb 10..100, latency ttfb + 20 x output tokens (4), so 5 ms a token after the first byte.
    const counted = Array.from({ length: 10 }, (_, i) => logRow({ ...base, id: `exact-${i}`, ts: from + i * 1000, ttfbMs: (i + 1) * 10, latencyMs: (i + 1) * 10 + 20, outputTokens: 4 }));
    const ignored = [
      logRow({ ...base, id: 'not-streamed', ts: from, stream: false, ttfbMs: 9_000 }),
      logRow({ ...base, id: 'failed', ts: from, outcome: 'error', status: 500, ttfbMs: 9_000 }),
      logRow({ ...base, id: 'cache-hit', ts: from, cacheStatus: 'HIT', ttfbMs: 9_000 }),
      logRow({ ...base, id: 'no-first-byte', ts: from, ttfbMs: null }),
      logRow({ ...base, id: 'one-token', ts: from + 20_000, ttfbMs: 50, latencyMs: 9_000, outputTokens: 1 }),
    ];
    await gw.ctx.store.logs.write([...counted, ...ignored]);

    const res = await admin(`/performance?from=${from}&to=${from + 60_000}&bucket=1m&by=model`);
    expect(res.status).toBe(200);
    const view = (await res.json()) as View;
    expect(view.bucketMs).toBe(60_000);
    expect(view.rows).toEqual([
      // The one-token row counts for the first token but not per token.
      { value: 'exact', requests: 11, ttftP50: 50, ttftP95: 100, perTokenRequests: 10, perTokenP50: 5, perTokenP95: 5 },
    ]);
    expect(view.series).toEqual([{ bucket: from, ...view.rows[0] }]);
  });

  it('refuses a bucket too small for the range', async () => {
    const res = await admin('/performance?range=30d&bucket=1m');
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('bucket');
  });
});
