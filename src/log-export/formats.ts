import type { Delivery } from '../delivery/deliver.js';
import type { LogExportDestination } from '../config/log-export-schema.js';
import type { ExportEvent } from './export-line.js';

type HttpDestination = Exclude<LogExportDestination, { kind: 'file' }>;

/**
 * Each log platform's request for a batch of events. The event JSON is made
 * once (export-line.ts) and wrapped here as text, never parsed again.
 */
export function encodeBatch(dest: HttpDestination, events: ExportEvent[]): Delivery {
  switch (dest.kind) {
    case 'splunk-hec':
      return splunk(dest, events);
    case 'datadog':
      return datadog(dest, events);
    case 'elastic':
      return elastic(dest, events);
    case 'http-jsonl':
      return {
        url: dest.url,
        headers: { 'content-type': 'application/x-ndjson', ...dest.headers },
        body: events.map((e) => `${e.json}\n`).join(''),
      };
    default:
      return dest satisfies never;
  }
}

/**
 * Splunk HEC's JSON event protocol: `POST /services/collector/event` with
 * `Authorization: Splunk <token>`; a batch is event objects one after
 * another (whitespace between them allowed), each with `time` in epoch
 * seconds, its metadata (`source`, `sourcetype`, `index`) and the `event`.
 * @see https://help.splunk.com/splunk-enterprise/get-data-in/collect-http-event-data/format-events-for-http-event-collector
 * @see https://help.splunk.com/en/splunk-enterprise/get-data-in/collect-http-event-data/http-event-collector-rest-api-endpoints
 */
function splunk(dest: Extract<HttpDestination, { kind: 'splunk-hec' }>, events: ExportEvent[]): Delivery {
  const meta = JSON.stringify({ source: dest.source, sourcetype: dest.sourcetype, ...(dest.index ? { index: dest.index } : {}) }).slice(1, -1);
  return {
    url: joinPath(dest.url, '/services/collector/event'),
    headers: { 'content-type': 'application/json', authorization: `Splunk ${dest.token}` },
    body: events.map((e) => `{"time":${(e.ts / 1000).toFixed(3)},${meta},"event":${e.json}}\n`).join(''),
  };
}

/**
 * Datadog's logs intake v2: `POST /api/v2/logs` with `DD-API-KEY`, a JSON
 * array of at most 1,000 logs and 5 MB (the batch settings' limits), each
 * with the reserved `ddsource`, `ddtags`, `hostname`, `service`, `message`
 * and `status` attributes; the event's own fields go under `switchboard`
 * so its `status` (the HTTP status) does not take the place of the log's.
 * Answers 202 when accepted; 400, 403 and 413 are final, 429 and 5xx retried.
 * @see https://docs.datadoghq.com/api/latest/logs/send-logs/
 */
function datadog(dest: Extract<HttpDestination, { kind: 'datadog' }>, events: ExportEvent[]): Delivery {
  const meta = JSON.stringify({
    ddsource: dest.ddsource,
    service: dest.service,
    ...(dest.tags.length > 0 ? { ddtags: dest.tags.join(',') } : {}),
    ...(dest.hostname ? { hostname: dest.hostname } : {}),
  }).slice(1, -1);
  const logs = events.map(
    (e) => `{${meta},"message":${JSON.stringify(e.summary)},"status":"${e.failed ? 'error' : 'info'}","timestamp":${e.ts},"switchboard":${e.json}}`,
  );
  return {
    url: joinPath(dest.url, '/api/v2/logs'),
    headers: { 'content-type': 'application/json', 'dd-api-key': dest.apiKey },
    body: `[${logs.join(',')}]`,
  };
}

/**
 * Elasticsearch's `_bulk`: NDJSON (`Content-Type: application/x-ndjson`),
 * an action line before each document and a newline after the last line.
 * `create` with the request id as `_id`, so a batch sent again (an answer
 * lost on the way back) adds nothing twice: the copies answer 409 per item.
 * A 200 may still hold refused items (`errors: true`): see bulkRefusals.
 * @see https://www.elastic.co/guide/en/elasticsearch/reference/7.8/docs-bulk.html
 */
function elastic(dest: Extract<HttpDestination, { kind: 'elastic' }>, events: ExportEvent[]): Delivery {
  const headers: Record<string, string> = { 'content-type': 'application/x-ndjson' };
  if (dest.apiKey) headers.authorization = `ApiKey ${dest.apiKey}`;
  else if (dest.username !== undefined) headers.authorization = `Basic ${btoa(`${dest.username}:${dest.password ?? ''}`)}`;
  const body = events
    .map((e) => {
      const action = JSON.stringify({ create: { _index: dest.index, _id: e.id } });
      // The event's own JSON with Elastic's conventional time field in front.
      const doc = `{"@timestamp":"${new Date(e.ts).toISOString()}",${e.json.slice(1)}`;
      return `${action}\n${doc}\n`;
    })
    .join('');
  return { url: joinPath(dest.url, '/_bulk'), headers, body };
}

/**
 * How many items of a `_bulk` answer were refused: an item whose status is
 * not 2xx, less 409 (a document of that `_id` exists: sent before).
 */
export function bulkRefusals(answer: string): { refused: number; first: string | null } {
  let parsed: { errors?: boolean; items?: Record<string, { status?: number; error?: { reason?: string } }>[] };
  try {
    parsed = JSON.parse(answer) as typeof parsed;
  } catch {
    return { refused: 0, first: null };
  }
  if (!parsed.errors || !Array.isArray(parsed.items)) return { refused: 0, first: null };
  let refused = 0;
  let first: string | null = null;
  for (const item of parsed.items) {
    const result = Object.values(item)[0];
    const status = result?.status ?? 0;
    if ((status >= 200 && status < 300) || status === 409) continue;
    refused++;
    first ??= `item status ${status}${result?.error?.reason ? `: ${result.error.reason}` : ''}`;
  }
  return { refused, first };
}

function joinPath(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}
