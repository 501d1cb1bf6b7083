import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';

// Traces on the wire: the gateway's OTLP/HTTP export, received by a collector made of a real HTTP server.

interface Export {
  path: string;
  headers: IncomingHttpHeaders;
  body: OtlpTraces;
}
interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
  boolValue?: boolean;
  doubleValue?: number;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: { key: string; value: OtlpValue }[];
  status: { code?: number; message?: string };
}
interface OtlpTraces {
  resourceSpans: { resource: { attributes: { key: string; value: OtlpValue }[] }; scopeSpans: { scope: { name: string }; spans: OtlpSpan[] }[] }[];
}

const received: Export[] = [];
/** What the collector answers (a test makes it refuse). */
let collectorStatus = 200;
let collector: Server;
let collectorUrl: string;
let gw: NodeGateway;

beforeAll(async () => {
  collector = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpTraces });
      res.writeHead(collectorStatus, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  collectorUrl = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  gw = await startTestGateway({
    extra: {
      models: [{ id: 'mock-chat', routes: [{ upstream: 'mock', model: 'mock-model' }] }],
      telemetry: { traces: { endpoint: `${collectorUrl}/v1/traces`, headers: { authorization: 'Bearer collector-token' }, serviceName: 'gateway-under-test' } },
    },
  });
});
afterAll(async () => {
  await gw?.close();
  await new Promise((resolve) => collector?.close(resolve));
});

const attribute = (span: OtlpSpan, key: string) => span.attributes.find((a) => a.key === key)?.value;

describe('OTLP/HTTP export', () => {
  it('posts the spans as OTLP JSON to the configured URL with its headers, flushed when the gateway stops', async () => {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock-chat', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    await res.json();
    await gw.close();

    expect(received.length).toBeGreaterThan(0);
    for (const one of received) {
      expect(one.path).toBe('/v1/traces');
      expect(one.headers['content-type']).toBe('application/json');
      expect(one.headers.authorization).toBe('Bearer collector-token');
    }
    const resources = received.flatMap((one) => one.body.resourceSpans);
    expect(resources[0].resource.attributes).toContainEqual({ key: 'service.name', value: { stringValue: 'gateway-under-test' } });
    const scopes = resources.flatMap((r) => r.scopeSpans);
    expect(scopes.every((s) => s.scope.name === 'switchboard')).toBe(true);
    const spans = scopes.flatMap((s) => s.spans);

    // OTLP's kinds: 2 is SERVER, 3 is CLIENT; ids in hex, times in nanoseconds as strings.
    const request = spans.find((s) => s.kind === 2)!;
    const tries = spans.filter((s) => s.kind === 3);
    expect(request).toBeDefined();
    expect(request.name).toBe('chat mock-chat');
    expect(request.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(request.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(request.parentSpanId ?? '').toBe('');
    expect(tries).toHaveLength(1);
    expect(tries[0]).toMatchObject({ traceId: request.traceId, parentSpanId: request.spanId, name: 'chat mock-model' });
    expect(BigInt(request.endTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(tries[0].endTimeUnixNano));
    expect(BigInt(tries[0].startTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(request.startTimeUnixNano));
    expect(attribute(request, 'gen_ai.operation.name')).toEqual({ stringValue: 'chat' });
    expect(attribute(request, 'gen_ai.provider.name')).toEqual({ stringValue: 'switchboard.mock' });
    expect(attribute(request, 'switchboard.upstream.id')).toEqual({ stringValue: 'mock' });
    expect(Number(attribute(request, 'http.response.status_code')?.intValue)).toBe(200);
    expect(Number(attribute(request, 'gen_ai.usage.output_tokens')?.intValue)).toBeGreaterThan(0);
    expect(Number(attribute(tries[0], 'http.response.status_code')?.intValue)).toBe(200);
  });

  it('logs a collector that refuses the spans, and serves requests all the same', async () => {
    collectorStatus = 400;
    const lines: string[] = [];
    const refused = await startTestGateway({
      log: (line) => lines.push(line),
      extra: {
        models: [{ id: 'mock-chat', routes: [{ upstream: 'mock', model: 'mock-model' }] }],
        telemetry: { traces: { endpoint: `${collectorUrl}/v1/traces` } },
      },
    });
    try {
      const res = await fetch(`${refused.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'mock-chat', messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(res.status).toBe(200);
      await res.json();
    } finally {
      await refused.close();
    }
    expect(lines.filter((line) => line.startsWith(`exporting traces to ${collectorUrl}/v1/traces failed`))).toHaveLength(1);
  });
});
