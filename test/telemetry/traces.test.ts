import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { hrTimeToMilliseconds } from '@opentelemetry/core';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startFakeAnthropic, type FakeUpstream } from '../fakes/index.js';
import { eventually, logRows, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';

// Request traces through the real server: an OpenAI Chat client on Anthropic upstreams, the first of which answers 500.

const CLIENT_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';

let first: FakeUpstream;
let second: FakeUpstream;
let gw: NodeGateway;
const exporter = new InMemorySpanExporter();

const upstreams = () => [
  { id: 'ant-a', kind: 'anthropic', baseUrl: first.url, credentials: [{ key: 'sk-ant-fake' }] },
  { id: 'ant-b', kind: 'anthropic', baseUrl: second.url, credentials: [{ key: 'sk-ant-fake' }] },
];
const models = [{ id: 'gpt-on-claude', routes: [{ upstream: 'ant-a', model: 'claude-upstream' }, { upstream: 'ant-b', model: 'claude-upstream' }] }];

beforeAll(async () => {
  first = await startFakeAnthropic();
  second = await startFakeAnthropic();
  gw = await startTestGateway({
    spanExporter: exporter,
    extra: {
      upstreams: upstreams(),
      models,
      retry: { maxAttempts: 3, backoffMs: 1 },
      // The endpoint is not reached: the exporter above takes the spans.
      telemetry: { traces: { endpoint: 'http://127.0.0.1:9/v1/traces' } },
    },
  });
});
afterAll(async () => {
  await gw?.close();
  await first?.close();
  await second?.close();
});

const chat = (headers: Record<string, string> = {}, stream = false) =>
  fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'gpt-on-claude', stream, messages: [{ role: 'user', content: 'hi' }] }),
  });

const ms = (span: ReadableSpan) => ({ start: hrTimeToMilliseconds(span.startTime), end: hrTimeToMilliseconds(span.endTime) });

/** The spans of one trace, once its request span has been exported. */
async function traceOf(traceId?: string) {
  return eventually(() => {
    const spans = exporter.getFinishedSpans().filter((s) => !traceId || s.spanContext().traceId === traceId);
    const request = spans.find((s) => s.kind === SpanKind.SERVER);
    expect(request).toBeDefined();
    const tries = spans.filter((s) => s.kind === SpanKind.CLIENT && s.parentSpanContext?.spanId === request!.spanContext().spanId);
    return { request: request!, tries: tries.sort((a, b) => ms(a).start - ms(b).start) };
  });
}

describe('request traces', () => {
  it("joins the client's trace, with one span per upstream try under the request's, GenAI and gateway attributes on each", async () => {
    exporter.reset();
    first.failNext({ kind: 'status', status: 500 });
    const res = await chat({ traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01` });
    expect(res.status).toBe(200);
    await res.json();
    const requestId = res.headers.get('x-request-id');
    const { request, tries } = await traceOf(CLIENT_TRACE);
    const [row] = (await logRows(gw)).filter((r) => r.id === requestId);

    // The request span: a child of the client's span, named after the operation and the model asked for.
    expect(request.parentSpanContext).toMatchObject({ traceId: CLIENT_TRACE, spanId: CLIENT_SPAN });
    expect(request.name).toBe('chat gpt-on-claude');
    expect(request.status.code).toBe(SpanStatusCode.UNSET);
    expect(request.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': 'gpt-on-claude',
      'gen_ai.response.model': 'claude-upstream',
      'gen_ai.usage.input_tokens': row.inputTokens + row.cacheReadTokens + row.cacheWriteTokens,
      'gen_ai.usage.output_tokens': row.outputTokens,
      'http.response.status_code': 200,
      'switchboard.request.id': requestId,
      'switchboard.key.id': row.keyId,
      'switchboard.group': 'team-a',
      'switchboard.upstream.id': 'ant-b',
      'switchboard.credential.id': row.credentialId,
      'switchboard.translation': 'openai-chat -> anthropic-messages',
      'switchboard.outcome': 'ok',
      'switchboard.attempts': 2,
    });
    expect(row.outputTokens).toBeGreaterThan(0);
    expect(request.attributes['error.type']).toBeUndefined();
    expect(request.resource.attributes['service.name']).toBe('switchboard');

    // Two tries, in order, inside the request's time: the first answered 500, the second served.
    expect(tries).toHaveLength(2);
    const [failed, served] = tries;
    expect(failed.name).toBe('chat claude-upstream');
    expect(failed.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': 'claude-upstream',
      'server.address': '127.0.0.1',
      'server.port': Number(new URL(first.url).port),
      'http.response.status_code': 500,
      'error.type': '500',
      'switchboard.failure': 'upstream_error',
      'switchboard.upstream.id': 'ant-a',
      'switchboard.translation': 'openai-chat -> anthropic-messages',
      'switchboard.attempt': 1,
    });
    expect(failed.status).toMatchObject({ code: SpanStatusCode.ERROR });
    expect(failed.status.message).toContain('500');
    expect(served.attributes).toMatchObject({ 'server.port': Number(new URL(second.url).port), 'http.response.status_code': 200, 'switchboard.upstream.id': 'ant-b', 'switchboard.attempt': 2 });
    expect(served.attributes['error.type']).toBeUndefined();
    expect(served.attributes['switchboard.failure']).toBeUndefined();
    expect(served.status.code).toBe(SpanStatusCode.UNSET);
    expect(ms(failed).start).toBeGreaterThanOrEqual(ms(request).start);
    expect(ms(served).start).toBeGreaterThanOrEqual(ms(failed).end);
    expect(ms(request).end).toBeGreaterThanOrEqual(ms(served).end);
    expect(ms(request).end - ms(request).start).toBe(row.latencyMs);

    // Each upstream got its own try's span as its parent, in the client's trace.
    expect(first.calls.at(-1)!.headers.traceparent).toBe(`00-${CLIENT_TRACE}-${failed.spanContext().spanId}-01`);
    expect(second.calls.at(-1)!.headers.traceparent).toBe(`00-${CLIENT_TRACE}-${served.spanContext().spanId}-01`);
  });

  it('starts a trace of its own without a traceparent, and marks the first byte of a stream', async () => {
    exporter.reset();
    const res = await chat({}, true);
    expect(res.status).toBe(200);
    await res.text();
    const { request, tries } = await traceOf();
    expect(request.parentSpanContext).toBeUndefined();
    expect(tries).toHaveLength(1);
    expect(request.attributes['switchboard.stream']).toBe(true);
    expect(request.attributes['switchboard.attempts']).toBe(1);
    const firstByte = request.events.find((e) => e.name === 'first byte');
    expect(firstByte).toBeDefined();
    expect(hrTimeToMilliseconds(firstByte!.time)).toBeGreaterThanOrEqual(ms(tries[0]).start);
  });

  it('marks a request whose every try failed as an error, each try with its status', async () => {
    exporter.reset();
    first.failNext({ kind: 'reset-before-headers' });
    second.failNext({ kind: 'status', status: 529 });
    const res = await chat();
    expect(res.status).toBeGreaterThanOrEqual(500);
    await res.text();
    const { request, tries } = await traceOf();
    const [row] = (await logRows(gw)).filter((r) => r.id === res.headers.get('x-request-id'));
    // A try without an answer has no status: its error type says what went wrong instead.
    expect(tries.map((t) => [t.attributes['http.response.status_code'], t.attributes['error.type']])).toEqual([
      [undefined, 'connect'],
      [529, '529'],
    ]);
    expect(tries.every((t) => t.status.code === SpanStatusCode.ERROR)).toBe(true);
    expect(request.status.code).toBe(SpanStatusCode.ERROR);
    expect(row.status).toBeGreaterThanOrEqual(500);
    expect(request.attributes['error.type']).toBe(String(row.status));
    expect(request.attributes['switchboard.outcome']).not.toBe('ok');
  });
});

describe('sampling', () => {
  let sampled: NodeGateway;
  const none = new InMemorySpanExporter();
  beforeAll(async () => {
    sampled = await startTestGateway({
      spanExporter: none,
      extra: { upstreams: upstreams(), models, telemetry: { traces: { endpoint: 'http://127.0.0.1:9/v1/traces', sampleRatio: 0 } } },
    });
  });
  afterAll(() => sampled?.close());

  it("keeps no span at ratio 0, yet follows a caller's sampled trace and tells the upstream which it is", async () => {
    const ask = (headers: Record<string, string>) =>
      fetch(`${sampled.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ model: 'gpt-on-claude', messages: [{ role: 'user', content: 'hi' }] }),
      }).then((r) => r.json());
    await ask({});
    expect(first.calls.at(-1)!.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    await ask({ traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01` });
    // The caller's trace: its request span and its one try, nothing of the first request.
    await eventually(() => expect(none.getFinishedSpans().map((s) => s.spanContext().traceId)).toEqual([CLIENT_TRACE, CLIENT_TRACE]));
  });
});
