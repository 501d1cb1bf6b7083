import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Fake log platforms speaking their real intake formats, on one server:
 * Splunk HEC (`POST /services/collector/event`, `Authorization: Splunk <token>`,
 * event objects one after another), Datadog's logs intake (`POST /api/v2/logs`,
 * `DD-API-KEY`, a JSON array; 202), Elasticsearch `_bulk` (NDJSON, action
 * line then document; 200 with `errors` and `items`) and a plain JSON-lines
 * endpoint (`POST /ingest`). Each keeps what it accepted; `failNext` makes
 * the next answers of a path fail with the given statuses.
 * @see https://help.splunk.com/splunk-enterprise/get-data-in/collect-http-event-data/format-events-for-http-event-collector
 * @see https://docs.datadoghq.com/api/latest/logs/send-logs/
 * @see https://www.elastic.co/guide/en/elasticsearch/reference/7.8/docs-bulk.html
 */
export interface LogReceivers {
  url: string;
  splunk: Record<string, unknown>[];
  datadog: Record<string, unknown>[];
  elastic: { action: Record<string, unknown>; doc: Record<string, unknown> }[];
  jsonl: Record<string, unknown>[];
  /** Every request as it came: path, headers, status answered. */
  requests: { path: string; headers: http.IncomingHttpHeaders; status: number }[];
  failNext(path: string, ...statuses: number[]): void;
  /** Elastic answers 200 with `errors: true`, refusing items of these ids (status 400). */
  refuseElasticIds: Set<string>;
  close(): Promise<void>;
}

export const SPLUNK_TOKEN = '11111111-2222-3333-4444-555555555555';
export const DATADOG_KEY = 'dd-api-key-0000000000000000000';
export const ELASTIC_API_KEY = 'ZWxhc3RpYzprZXk=';

export async function startLogReceivers(): Promise<LogReceivers> {
  const failures = new Map<string, number[]>();
  const receivers: Omit<LogReceivers, 'url' | 'close'> = {
    splunk: [],
    datadog: [],
    elastic: [],
    jsonl: [],
    requests: [],
    failNext(path, ...statuses) {
      failures.set(path, [...(failures.get(path) ?? []), ...statuses]);
    },
    refuseElasticIds: new Set(),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0]!;
      const body = Buffer.concat(chunks).toString('utf8');
      const answer = (status: number, json: unknown, headers: Record<string, string> = {}) => {
        receivers.requests.push({ path, headers: req.headers, status });
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(json));
      };
      const queued = failures.get(path);
      if (queued && queued.length > 0) {
        const status = queued.shift()!;
        return answer(status, { error: `injected ${status}` }, status === 429 ? { 'retry-after': '0' } : {});
      }
      switch (path) {
        case '/services/collector/event': {
          if (req.headers.authorization !== `Splunk ${SPLUNK_TOKEN}`) return answer(403, { text: 'Invalid token', code: 4 });
          const events = concatenatedObjects(body);
          if (!events || events.some((e) => !('event' in e))) return answer(400, { text: 'Invalid data format', code: 6 });
          receivers.splunk.push(...events);
          return answer(200, { text: 'Success', code: 0 });
        }
        case '/api/v2/logs': {
          if (req.headers['dd-api-key'] !== DATADOG_KEY) return answer(403, { errors: [{ status: '403', title: 'Forbidden' }] });
          let logs: unknown;
          try {
            logs = JSON.parse(body);
          } catch {
            return answer(400, { errors: [{ status: '400', title: 'Bad Request' }] });
          }
          if (!Array.isArray(logs) || logs.length > 1000) return answer(400, { errors: [{ status: '400', title: 'Bad Request' }] });
          receivers.datadog.push(...(logs as Record<string, unknown>[]));
          return answer(202, {});
        }
        case '/_bulk': {
          if (req.headers.authorization !== `ApiKey ${ELASTIC_API_KEY}`) return answer(401, { error: { type: 'security_exception' }, status: 401 });
          if (!String(req.headers['content-type']).startsWith('application/x-ndjson') || !body.endsWith('\n'))
            return answer(400, { error: { type: 'illegal_argument_exception', reason: 'The bulk request must be terminated by a newline [\\n]' }, status: 400 });
          const lines = body.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
          const items: unknown[] = [];
          for (let i = 0; i < lines.length; i += 2) {
            const action = lines[i]!;
            const meta = (action.create ?? action.index) as { _index: string; _id: string };
            const refused = receivers.refuseElasticIds.has(meta._id);
            const exists = receivers.elastic.some((e) => (e.action.create as { _id: string })._id === meta._id);
            if (!refused && !exists) receivers.elastic.push({ action, doc: lines[i + 1]! });
            const status = refused ? 400 : exists ? 409 : 201;
            items.push({ create: { _index: meta._index, _id: meta._id, status, ...(refused ? { error: { type: 'mapper_parsing_exception', reason: 'failed to parse' } } : {}) } });
          }
          const errors = items.some((i) => ((i as { create: { status: number } }).create.status >= 300));
          return answer(200, { took: 1, errors, items });
        }
        case '/ingest': {
          if (!body.endsWith('\n')) return answer(400, { error: 'lines must end in a newline' });
          receivers.jsonl.push(...body.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>));
          return answer(200, { ok: true });
        }
        default:
          return answer(404, { error: 'no such path' });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    ...receivers,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Splunk's batch: JSON objects one after another, whitespace between them; undefined when it is not that. */
function concatenatedObjects(text: string): Record<string, unknown>[] | undefined {
  const out: Record<string, unknown>[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (ch === '}') {
      depth--;
      if (depth === 0) {
        try {
          out.push(JSON.parse(text.slice(start, i + 1)) as Record<string, unknown>);
        } catch {
          return undefined;
        }
      }
    } else if (depth === 0 && !/\s/.test(ch)) return undefined;
  }
  return depth === 0 ? out : undefined;
}
