import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, eventually, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import { DATADOG_KEY, ELASTIC_API_KEY, SPLUNK_TOKEN, startLogReceivers, type LogReceivers } from '../fakes/log-receivers.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';

// Log export through a real gateway to fake log platforms that check each vendor's wire format and auth.
let receivers: LogReceivers;
let gw: NodeGateway;
const fast = { batch: { maxWaitSeconds: 0.05 }, retry: { tries: 3, backoffMs: 1 } };

beforeAll(async () => {
  receivers = await startLogReceivers();
  gw = await startTestGateway({
    extra: {
      logging: { bodies: 'full' },
      logExport: {
        destinations: [
          { id: 'splunk', kind: 'splunk-hec', url: receivers.url, token: SPLUNK_TOKEN, index: 'llm', ...fast },
          { id: 'datadog', kind: 'datadog', url: receivers.url, apiKey: DATADOG_KEY, tags: ['env:test'], hostname: 'gw-1', ...fast },
          { id: 'elastic', kind: 'elastic', url: receivers.url, apiKey: ELASTIC_API_KEY, index: 'requests', ...fast },
          { id: 'lines', kind: 'http-jsonl', url: `${receivers.url}/ingest`, headers: { 'x-tenant': 't1' }, bodies: true, ...fast },
        ],
      },
    },
  });
});

afterAll(async () => {
  await gw?.close();
  await receivers?.close();
});

async function chat(content: string): Promise<string> {
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'mock-model', messages: [{ role: 'user', content }] }),
  });
  expect(res.status).toBe(200);
  await res.text();
  return res.headers.get('x-request-id')!;
}

async function admin(path: string, init: RequestInit = {}) {
  return fetch(`${gw.url}/admin/api${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json', ...init.headers } });
}

describe('log export', () => {
  it('sends each row to Splunk HEC, Datadog, Elastic and a JSON-lines endpoint in their own formats', async () => {
    const id = await chat('hello export');
    await eventually(() => {
      expect(receivers.splunk.some((e) => (e.event as { id: string }).id === id)).toBe(true);
      expect(receivers.datadog.some((e) => (e.switchboard as { id: string }).id === id)).toBe(true);
      expect(receivers.elastic.some((e) => (e.action.create as { _id: string })._id === id)).toBe(true);
      expect(receivers.jsonl.some((e) => e.id === id)).toBe(true);
      // The first write starts the SQLite log writer's thread: slower than the rest.
    }, 15_000);

    const splunk = receivers.splunk.find((e) => (e.event as { id: string }).id === id)!;
    expect(splunk).toMatchObject({ index: 'llm', source: 'switchboard', sourcetype: 'switchboard:request', event: { type: 'request', model: 'mock-model', status: 200, outcome: 'ok' } });
    expect(typeof splunk.time).toBe('number');

    const dd = receivers.datadog.find((e) => (e.switchboard as { id: string }).id === id)!;
    expect(dd).toMatchObject({ ddsource: 'switchboard', service: 'switchboard', ddtags: 'env:test', hostname: 'gw-1', status: 'info', switchboard: { status: 200, endpoint: expect.any(String) } });
    expect(dd.message).toContain('mock-model 200 ok');

    const es = receivers.elastic.find((e) => (e.action.create as { _id: string })._id === id)!;
    expect(es.action).toEqual({ create: { _index: 'requests', _id: id } });
    expect(es.doc).toMatchObject({ '@timestamp': expect.stringMatching(/Z$/), id, type: 'request' });

    // Body logging is on and this destination asked for bodies: the row's bodies follow as their own event.
    await eventually(() => expect(receivers.jsonl.some((e) => e.type === 'bodies' && e.requestId === id)).toBe(true));
    const bodies = receivers.jsonl.find((e) => e.type === 'bodies' && e.requestId === id)!;
    expect(String(bodies.requestBody)).toContain('hello export');
    // Destinations without `bodies` get none.
    expect(receivers.splunk.some((e) => (e.event as { type: string }).type === 'bodies')).toBe(false);

    // Each vendor's auth went along.
    const seen = (path: string) => receivers.requests.find((r) => r.path === path && r.status < 300)!.headers;
    expect(seen('/services/collector/event').authorization).toBe(`Splunk ${SPLUNK_TOKEN}`);
    expect(seen('/api/v2/logs')['dd-api-key']).toBe(DATADOG_KEY);
    expect(seen('/_bulk').authorization).toBe(`ApiKey ${ELASTIC_API_KEY}`);
    expect(seen('/_bulk')['content-type']).toBe('application/x-ndjson');
    expect(seen('/ingest')['x-tenant']).toBe('t1');
  });

  it('tries a batch again on 429 and 5xx, and sends it once', async () => {
    receivers.failNext('/services/collector/event', 503, 429);
    receivers.failNext('/api/v2/logs', 500);
    const id = await chat('retried');
    await eventually(() => {
      expect(receivers.splunk.filter((e) => (e.event as { id: string }).id === id)).toHaveLength(1);
      expect(receivers.datadog.filter((e) => (e.switchboard as { id: string }).id === id)).toHaveLength(1);
    });
    const splunkStatuses = receivers.requests.filter((r) => r.path === '/services/collector/event').map((r) => r.status);
    expect(splunkStatuses).toEqual(expect.arrayContaining([503, 429, 200]));
  });

  it('drops a batch the destination refuses for good (4xx), counts it, and shows it in the admin API and the metrics', async () => {
    receivers.failNext('/api/v2/logs', 403);
    const id = await chat('refused');
    await eventually(async () => {
      const res = await admin('/log-export');
      const { data } = (await res.json()) as { data: { id: string; apiKey?: string; stats: { dropped: { refused: number }; lastError: string } }[] };
      const dd = data.find((d) => d.id === 'datadog')!;
      expect(dd.stats.dropped.refused).toBeGreaterThanOrEqual(1);
      expect(dd.stats.lastError).toContain('HTTP 403');
      // The key is masked.
      expect(dd.apiKey).not.toBe(DATADOG_KEY);
    });
    // Sent to the others all the same, and the refused batch was not tried again.
    await eventually(() => expect(receivers.splunk.some((e) => (e.event as { id: string }).id === id)).toBe(true));
    expect(receivers.datadog.some((e) => (e.switchboard as { id: string }).id === id)).toBe(false);
    const metrics = await (await fetch(`${gw.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).text();
    expect(metrics).toMatch(/switchboard_log_export_dropped_total\{destination="datadog",reason="refused"\} [1-9]/);
    expect(metrics).toMatch(/switchboard_log_export_sent_total\{destination="splunk"\} [1-9]/);
  });

  it('counts the documents Elasticsearch refused inside a 200, and a document sent again is not a refusal', async () => {
    const first = await chat('bulk one');
    await eventually(() => expect(receivers.elastic.some((e) => (e.action.create as { _id: string })._id === first)).toBe(true));
    const before = await elasticStats();
    receivers.refuseElasticIds.add(await chat('bulk refused'));
    await eventually(async () => expect((await elasticStats()).dropped.refused).toBe(before.dropped.refused + 1));
  });

  it('adds, lists and removes a destination through the admin API; bad input changes nothing', async () => {
    const bad = await admin('/log-export', { method: 'POST', body: JSON.stringify({ id: 'x', kind: 'datadog' }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('apiKey');

    const created = await admin('/log-export', { method: 'POST', body: JSON.stringify({ id: 'more-lines', kind: 'http-jsonl', url: `${receivers.url}/ingest`, headers: { authorization: 'Bearer s3cret' }, ...fast }) });
    expect(created.status).toBe(201);
    expect(((await created.json()) as { headers: Record<string, string> }).headers.authorization).toBe('…');
    const id = await chat('to the new destination');
    await eventually(() => expect(receivers.requests.some((r) => r.path === '/ingest' && r.headers.authorization === 'Bearer s3cret')).toBe(true));
    await eventually(() => expect(receivers.jsonl.filter((e) => e.id === id)).toHaveLength(2));

    expect((await admin('/log-export/more-lines', { method: 'DELETE' })).status).toBe(200);
    expect((await admin('/log-export/more-lines', { method: 'DELETE' })).status).toBe(404);
    const { data } = (await (await admin('/log-export')).json()) as { data: { id: string }[] };
    expect(data.map((d) => d.id).sort()).toEqual(['datadog', 'elastic', 'lines', 'splunk']);
  });
});

async function elasticStats() {
  const { data } = (await (await admin('/log-export')).json()) as { data: { id: string; stats: { dropped: { refused: number } } }[] };
  return data.find((d) => d.id === 'elastic')!.stats;
}
