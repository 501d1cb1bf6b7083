import { z } from 'zod';
import { deliveryRetrySchema, endpointUrl, recordId } from './delivery-fields.js';

/**
 * Log export (docs/observability.md): request rows, and their logged bodies
 * when body logging kept them, sent as JSON to log platforms or a rotating
 * file, in batches, off the request path (log-export/).
 */
export const LOG_EXPORT_KINDS = ['splunk-hec', 'datadog', 'elastic', 'http-jsonl', 'file'] as const;
export type LogExportKind = (typeof LOG_EXPORT_KINDS)[number];

const batchSchema = z.strictObject({
  maxRows: z.number().int().min(1).max(1000).default(500).describe('A batch is sent once this many rows wait (Datadog takes at most 1,000 per request).'),
  maxBytes: z
    .number()
    .int()
    .min(1024)
    .max(5_000_000)
    .default(1_000_000)
    .describe('…or once its rows come to this many bytes of JSON (Datadog takes at most 5 MB per request).'),
  maxWaitSeconds: z.number().min(0.05).max(300).default(5).describe('…or once its oldest row has waited this long.'),
});

const common = {
  id: recordId.describe('Names the destination in the admin API, the dashboard and the metrics.'),
  enabled: z.boolean().default(true),
  bodies: z
    .boolean()
    .default(false)
    .describe('Send each row with its logged request and response bodies, when body logging (`logging.bodies`) kept them for it.'),
  batch: batchSchema.prefault({}),
  retry: deliveryRetrySchema.prefault({}).describe('Tries of one batch; a batch that still fails waits at the front of the queue for the next round.'),
};

export const logExportDestinationSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    ...common,
    kind: z.literal('splunk-hec').describe('Splunk HTTP Event Collector: `POST {url}/services/collector/event`, `Authorization: Splunk <token>`.'),
    url: endpointUrl.describe('The collector\'s base URL, e.g. https://splunk.example.com:8088.'),
    token: z.string().min(1).describe('The HEC token.'),
    index: z.string().min(1).optional().describe("The index; absent: the token's default."),
    source: z.string().min(1).default('switchboard'),
    sourcetype: z.string().min(1).default('switchboard:request'),
  }),
  z.strictObject({
    ...common,
    kind: z.literal('datadog').describe('Datadog logs intake: `POST {url}/api/v2/logs` with `DD-API-KEY`, a JSON array.'),
    url: endpointUrl.default('https://http-intake.logs.datadoghq.com').describe("The intake of the account's site, e.g. https://http-intake.logs.datadoghq.eu."),
    apiKey: z.string().min(1).describe('A Datadog API key.'),
    service: z.string().min(1).default('switchboard'),
    ddsource: z.string().min(1).default('switchboard'),
    hostname: z.string().min(1).optional(),
    tags: z.array(z.string().min(1)).default([]).describe('Sent as `ddtags`, e.g. `env:prod`.'),
  }),
  z.strictObject({
    ...common,
    kind: z.literal('elastic').describe('Elasticsearch (or OpenSearch) `_bulk`: NDJSON, a `create` action line before each row, the request id as `_id`.'),
    url: endpointUrl.describe('The cluster\'s URL, e.g. https://es.example.com:9200.'),
    index: z.string().min(1).default('switchboard-requests').describe('The index (or data stream) rows are created in.'),
    apiKey: z.string().min(1).optional().describe('Sent as `Authorization: ApiKey <apiKey>` (the encoded key Elasticsearch gives).'),
    username: z.string().min(1).optional().describe('Basic auth, with `password`.'),
    password: z.string().min(1).optional(),
  }),
  z.strictObject({
    ...common,
    kind: z.literal('http-jsonl').describe('Any endpoint that takes JSON lines: `POST {url}`, `Content-Type: application/x-ndjson`, one row per line.'),
    url: endpointUrl,
    headers: z.record(z.string().min(1), z.string()).default({}).describe('Sent with every batch (an `Authorization`, say).'),
  }),
  z.strictObject({
    ...common,
    kind: z.literal('file').describe('A local file of JSON lines, rotated by size and day (Node only).'),
    path: z.string().min(1).describe('The file written to; rotated files are `<path>.<UTC date>.<n>`.'),
    maxBytes: z.number().int().min(1024).default(100_000_000).describe('Rotate once the file holds this many bytes.'),
    daily: z.boolean().default(true).describe('Rotate at the first write of each UTC day.'),
    keep: z.number().int().min(1).max(1000).default(7).describe('How many rotated files are kept; older ones are deleted.'),
  }),
]);

export const logExportSchema = z.strictObject({
  maxQueuedRows: z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .default(10_000)
    .describe('Rows waiting per destination (in memory, per process) past which the oldest are dropped and counted, so a destination that is away cannot eat memory.'),
  maxQueuedBytes: z
    .number()
    .int()
    .min(1024)
    .max(2_000_000_000)
    .default(50_000_000)
    .describe('…or past this many bytes of JSON (rows with their bodies can be large).'),
  destinations: z.array(logExportDestinationSchema).default([]).describe('Where rows go; upserted by id at start (destinations the admin API made stay).'),
});

export type LogExportDestination = z.infer<typeof logExportDestinationSchema>;
export type LogExportSettings = z.infer<typeof logExportSchema>;
