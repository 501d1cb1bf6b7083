import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { ADMIN_KEY, eventually, LIMITED_KEY, logRows, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import { parsePrometheusText, sumOf, type Sample } from '../helpers/prometheus-text.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import type { LogRecord } from '../../src/store/types.js';

// /metrics after real traffic through the server: every series is there, and its numbers are the request log's.

const METRICS_TOKEN = 'metrics-token-0000000000000000';
let oai: FakeUpstream;
let gw: NodeGateway;

beforeAll(async () => {
  oai = await startFakeOpenAI({ apiKeys: ['sk-a', 'sk-b', 'sk-c'] });
  gw = await startTestGateway({
    extra: {
      upstreams: [
        { id: 'oai', kind: 'openai', baseUrl: `${oai.url}/v1`, credentials: [{ key: 'sk-a' }, { key: 'sk-b' }, { key: 'sk-c' }] },
        // Nothing listens on port 9: every try fails to connect.
        { id: 'dead', kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', credentials: [{ key: 'sk-dead' }], timeouts: { connectMs: 1000 } },
      ],
      models: [
        { id: 'gpt-test', routes: [{ upstream: 'oai', model: 'gpt-upstream' }] },
        { id: 'gpt-dead', routes: [{ upstream: 'dead', model: 'gpt-upstream' }] },
      ],
      keys: [
        { name: 'tester', group: 'team-a', key: TEST_KEY },
        { name: 'limited', group: 'team-b', key: LIMITED_KEY, limits: { rpm: 1 } },
      ],
      prices: { 'gpt-upstream': { input: 2, output: 8, cacheRead: 1 } },
      cache: { models: { 'gpt-test': true } },
      retry: { maxAttempts: 3, backoffMs: 1 },
      health: { probeIntervalMs: 0 },
      metrics: { token: METRICS_TOKEN },
    },
  });
});
afterAll(async () => {
  await gw?.close();
  await oai?.close();
});

const chat = (key: string, model: string, content: string, stream = false) =>
  fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, stream, messages: [{ role: 'user', content }] }),
  });

const scrape = async (token = METRICS_TOKEN): Promise<Sample[]> => {
  const res = await fetch(`${gw.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await res.text());
};

describe('/metrics', () => {
  it('asks for the metrics token or the admin key', async () => {
    const none = await fetch(`${gw.url}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    expect((await none.json()).error.code).toBe('missing_metrics_token');
    const wrong = await fetch(`${gw.url}/metrics`, { headers: { authorization: `Bearer ${TEST_KEY}` } });
    expect(wrong.status).toBe(401);
    await scrape(METRICS_TOKEN);
    await scrape(ADMIN_KEY);
  });

  it('counts a success, a retried request, a stream, a cache hit, a limit refusal and an upstream failure as the request log has them', async () => {
    // A success (it also fills the cache), then the same request: a cache hit.
    expect((await chat(TEST_KEY, 'gpt-test', 'first')).status).toBe(200);
    expect((await chat(TEST_KEY, 'gpt-test', 'first')).headers.get('x-switchboard-cache')).toBe('HIT');
    // A retried request: the first try's credential is rate limited (cooling), the second serves.
    oai.failNext({ kind: 'status', status: 429 });
    expect((await chat(TEST_KEY, 'gpt-test', 'second')).status).toBe(200);
    // Another: the first try's credential is refused (disabled).
    oai.failNext({ kind: 'status', status: 401 });
    expect((await chat(TEST_KEY, 'gpt-test', 'third')).status).toBe(200);
    // A stream.
    const streamed = await chat(TEST_KEY, 'gpt-test', 'fourth', true);
    expect(streamed.status).toBe(200);
    await streamed.text();
    // A limit refusal: the limited key may send one request a minute.
    expect((await chat(LIMITED_KEY, 'gpt-test', 'fifth')).status).toBe(200);
    const refused = await chat(LIMITED_KEY, 'gpt-test', 'sixth');
    expect(refused.status).toBe(429);
    // An upstream failure: nothing answers.
    expect((await chat(TEST_KEY, 'gpt-dead', 'seventh')).status).toBe(502);

    const rows = await logRows(gw);
    expect(rows).toHaveLength(8);
    const m = await scrape();
    const key = (row: LogRecord) => row.keyId ?? '';

    // Requests: one per row, by the row's own labels.
    expect(sumOf(m, 'switchboard_requests_total')).toBe(rows.length);
    for (const row of rows) {
      const labels = { key: key(row), group: row.group ?? '', model: row.model ?? '', upstream: row.upstreamId ?? '', status: String(row.status), outcome: row.outcome };
      const same = rows.filter((r) => key(r) === labels.key && (r.upstreamId ?? '') === labels.upstream && r.status === row.status && r.outcome === row.outcome && r.model === row.model);
      expect(sumOf(m, 'switchboard_requests_total', labels), JSON.stringify(labels)).toBe(same.length);
    }

    // Tokens by type and cost: the log's sums.
    const total = (field: keyof LogRecord) => rows.reduce((sum, r) => sum + (r[field] as number), 0);
    expect(total('inputTokens')).toBeGreaterThan(0);
    expect(total('reasoningTokens')).toBeGreaterThan(0);
    expect(sumOf(m, 'switchboard_tokens_total', { type: 'input' })).toBe(total('inputTokens'));
    expect(sumOf(m, 'switchboard_tokens_total', { type: 'output' })).toBe(total('outputTokens'));
    expect(sumOf(m, 'switchboard_tokens_total', { type: 'cache_read' })).toBe(total('cacheReadTokens'));
    expect(sumOf(m, 'switchboard_tokens_total', { type: 'cache_write' })).toBe(total('cacheWriteTokens'));
    expect(sumOf(m, 'switchboard_tokens_total', { type: 'reasoning' })).toBe(total('reasoningTokens'));
    const tester = rows.find((r) => r.group === 'team-a')!.keyId!;
    const testerOutput = rows.filter((r) => r.keyId === tester).reduce((sum, r) => sum + r.outputTokens, 0);
    expect(sumOf(m, 'switchboard_tokens_total', { key: tester, type: 'output' })).toBe(testerOutput);
    const cost = rows.reduce((sum, r) => sum + (r.costUsd ?? 0), 0);
    expect(cost).toBeGreaterThan(0);
    expect(sumOf(m, 'switchboard_cost_usd_total')).toBeCloseTo(cost, 12);

    // The GenAI conventions' series: tokens per request, durations, time to first token.
    const used = rows.filter((r) => r.inputTokens + r.outputTokens + r.cacheReadTokens + r.cacheWriteTokens > 0);
    const genAi = { gen_ai_operation_name: 'chat', gen_ai_provider_name: 'openai', gen_ai_request_model: 'gpt-test' };
    expect(sumOf(m, 'gen_ai_client_token_usage_count', { ...genAi, gen_ai_token_type: 'input' })).toBe(used.length);
    expect(sumOf(m, 'gen_ai_client_token_usage_sum', { gen_ai_token_type: 'input' })).toBe(total('inputTokens') + total('cacheReadTokens') + total('cacheWriteTokens'));
    expect(sumOf(m, 'gen_ai_client_token_usage_sum', { gen_ai_token_type: 'output' })).toBe(total('outputTokens'));
    expect(sumOf(m, 'gen_ai_server_request_duration_seconds_count')).toBe(rows.length);
    expect(sumOf(m, 'gen_ai_server_request_duration_seconds_sum')).toBeCloseTo(total('latencyMs') / 1000, 6);
    const failed = rows.filter((r) => r.outcome !== 'ok');
    expect(sumOf(m, 'gen_ai_server_request_duration_seconds_count', { error_type: 'error' })).toBe(failed.filter((r) => r.outcome === 'error').length);
    const streams = rows.filter((r) => r.stream);
    expect(streams).toHaveLength(1);
    expect(sumOf(m, 'gen_ai_server_time_to_first_token_seconds_count', genAi)).toBe(1);
    expect(sumOf(m, 'gen_ai_server_time_to_first_token_seconds_sum')).toBeCloseTo(streams[0].ttfbMs! / 1000, 6);
    const buckets = m.filter((s) => s.name === 'gen_ai_server_request_duration_seconds_bucket' && s.labels.le === '+Inf');
    expect(buckets.reduce((sum, s) => sum + s.value, 0)).toBe(rows.length);

    // Upstream tries: two served by a retry, and the dead upstream's (every try fails to connect).
    const listed = rows.flatMap((r) => r.attempts ?? []);
    const unlisted = rows.filter((r) => r.attempts === null && r.upstreamId !== null && r.cacheStatus !== 'HIT' && r.status !== 429);
    expect(sumOf(m, 'switchboard_upstream_attempts_total')).toBe(listed.length + unlisted.length);
    expect(sumOf(m, 'switchboard_upstream_attempts_total', { upstream: 'oai', status: '429' })).toBe(1);
    expect(sumOf(m, 'switchboard_upstream_attempts_total', { upstream: 'oai', status: '401' })).toBe(1);
    const dead = rows.find((r) => r.model === 'gpt-dead')!;
    expect(dead.attempts!.length).toBeGreaterThan(0);
    expect(sumOf(m, 'switchboard_upstream_attempts_total', { upstream: 'dead', status: 'none' })).toBe(dead.attempts!.length);
    expect(sumOf(m, 'switchboard_upstream_retries_total', { upstream: 'oai' })).toBe(2);
    expect(sumOf(m, 'switchboard_upstream_retries_total', { upstream: 'dead' })).toBe(dead.attempts!.length - 1);
    expect(sumOf(m, 'switchboard_upstream_failures_total', { upstream: 'oai', reason: 'rate_limited' })).toBe(1);
    expect(sumOf(m, 'switchboard_upstream_failures_total', { upstream: 'oai', reason: 'credential_refused' })).toBe(1);
    expect(sumOf(m, 'switchboard_upstream_failures_total', { upstream: 'dead', reason: 'connect' })).toBe(dead.attempts!.length);
    expect(sumOf(m, 'switchboard_upstream_failures_total')).toBe(listed.filter((a) => a.error !== null).length);

    // Credential states, read from the pools now: one cooling (429), one disabled (401), one healthy; the dead upstream's one.
    expect(sumOf(m, 'switchboard_credentials', { upstream: 'oai', state: 'healthy' })).toBe(1);
    expect(sumOf(m, 'switchboard_credentials', { upstream: 'oai', state: 'cooling' })).toBe(1);
    expect(sumOf(m, 'switchboard_credentials', { upstream: 'oai', state: 'disabled' })).toBe(1);
    expect(sumOf(m, 'switchboard_credentials', { upstream: 'dead' })).toBe(1);

    // The cache: lookups as the rows' cache status says.
    expect(sumOf(m, 'switchboard_cache_lookups_total', { model: 'gpt-test', result: 'hit' })).toBe(rows.filter((r) => r.cacheStatus === 'HIT').length);
    expect(sumOf(m, 'switchboard_cache_lookups_total', { model: 'gpt-test', result: 'miss' })).toBe(rows.filter((r) => r.cacheStatus === 'MISS').length);
    expect(sumOf(m, 'switchboard_cache_lookups_total', { result: 'hit' })).toBe(1);

    // The limit refusal, by the refused key.
    const limited = rows.find((r) => r.status === 429)!;
    expect(sumOf(m, 'switchboard_limit_refusals_total')).toBe(1);
    expect(sumOf(m, 'switchboard_limit_refusals_total', { key: limited.keyId!, group: 'team-b', reason: 'rate_limit' })).toBe(1);
    expect(sumOf(m, 'switchboard_key_info', { key: limited.keyId!, key_name: 'limited', group: 'team-b' })).toBe(1);

    // Nothing in flight any more; the recorder has written every row.
    expect(sumOf(m, 'switchboard_requests_in_flight')).toBe(0);
    expect(sumOf(m, 'switchboard_streams_in_flight')).toBe(0);
    expect(sumOf(m, 'switchboard_recorder_queue', { kind: 'rows' })).toBe(0);
    expect(sumOf(m, 'switchboard_recorder_dropped_total')).toBe(0);
    expect(sumOf(m, 'switchboard_recorder_write_seconds_count', { result: 'ok' })).toBeGreaterThan(0);
    // No secret in any label.
    for (const s of m) for (const value of Object.values(s.labels)) expect([TEST_KEY, LIMITED_KEY, 'sk-a', 'sk-b', 'sk-c']).not.toContain(value);
  });

  it('counts requests and streams in flight while they run', async () => {
    // Before the first byte: a request in flight, no stream yet.
    oai.failNext({ kind: 'slow-first-byte', ms: 500 });
    const slow = chat(TEST_KEY, 'gpt-test', 'slow');
    await new Promise((r) => setTimeout(r, 200));
    const waiting = await scrape();
    expect(sumOf(waiting, 'switchboard_requests_in_flight')).toBe(1);
    expect(sumOf(waiting, 'switchboard_streams_in_flight')).toBe(0);
    await (await slow).json();
    // A stream that stalls after its first event: a request and a stream in flight.
    oai.failNext({ kind: 'stall-mid-stream', afterEvents: 1, ms: 600 });
    const res = await chat(TEST_KEY, 'gpt-test', 'stalled', true);
    const reader = res.body!.getReader();
    await reader.read();
    const streaming = await scrape();
    expect(sumOf(streaming, 'switchboard_requests_in_flight')).toBe(1);
    expect(sumOf(streaming, 'switchboard_streams_in_flight')).toBe(1);
    while (!(await reader.read()).done);
    const after = await eventually(async () => {
      const m = await scrape();
      expect(sumOf(m, 'switchboard_requests_in_flight')).toBe(0);
      return m;
    });
    expect(sumOf(after, 'switchboard_streams_in_flight')).toBe(0);
  });
});
