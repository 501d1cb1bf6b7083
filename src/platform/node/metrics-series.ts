import { Counter, Gauge, Registry } from 'prom-client';
import { TallyCounter, TallyHistogram } from './metrics-tally.js';

/**
 * Every series /metrics exposes (docs/metrics.md lists them with their
 * labels). Names follow the OpenTelemetry GenAI semantic conventions where
 * one exists (`gen_ai.client.token.usage` is `gen_ai_client_token_usage` in
 * Prometheus form, attributes become labels with `_` for `.`); the gateway's
 * own are under `switchboard_`. Label values never hold a secret: keys are
 * named by their id.
 */

/** Labels of the GenAI conventions' request metrics. */
const GEN_AI = ['gen_ai_operation_name', 'gen_ai_provider_name', 'gen_ai_request_model'] as const;
/** Who asked, what for and where it went: the request log's own dimensions. */
const WHO = ['key', 'group', 'model', 'upstream'] as const;

// The GenAI conventions' advised bucket boundaries.
const DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
const TTFT_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
// Usage writes: a batch on SQLite takes a millisecond or so, on a busy PostgreSQL far longer.
const WRITE_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** What is read when Prometheus scrapes (not on a request's path): each sets its series from the gateway's state. */
export interface ScrapeReaders {
  credentials(set: (labels: { upstream: string; state: string }, value: number) => void): void;
  recorder(): { queuedRows: number; queuedBodies: number; dropped: number } | undefined;
  keys(set: (labels: { key: string; key_name: string; group: string }) => void): void;
  /** Each log export destination's figures (log-export/exporter.ts). */
  logExport(): { id: string; queued: number; sentEvents: number; dropped: { overflow: number; refused: number } }[];
  /** Counted on the request path as plain numbers. */
  inFlight(): { requests: number; streams: number };
}

export function createSeries(read: ScrapeReaders) {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    requests: new TallyCounter('switchboard_requests_total', 'Requests through the data plane, one per request-log row, by key, group, public model, upstream, HTTP status and outcome.', [...WHO, 'status', 'outcome'], registry),
    tokens: new TallyCounter('switchboard_tokens_total', 'Tokens as the request log counts them: input (uncached), output (reasoning included), cache_read, cache_write, reasoning (part of output).', [...WHO, 'type'], registry),
    cost: new TallyCounter('switchboard_cost_usd_total', 'What the requests cost in US dollars, by the price book (unpriced requests add nothing).', WHO, registry),
    unpriced: new TallyCounter('switchboard_unpriced_requests_total', 'Requests that used tokens on a model with no price, so their cost is unknown.', ['model', 'upstream'], registry),
    tokenUsage: new TallyHistogram('gen_ai_client_token_usage', 'Tokens per request (GenAI conventions): input is every prompt token (uncached, cache reads and writes), output every output token.', [...GEN_AI, 'gen_ai_token_type'], TOKEN_BUCKETS, registry),
    duration: new TallyHistogram('gen_ai_server_request_duration_seconds', 'Time from a request\'s arrival to its last byte (GenAI conventions); error_type is the outcome of requests that did not end ok.', [...GEN_AI, 'error_type'], DURATION_BUCKETS, registry),
    timeToFirstToken: new TallyHistogram('gen_ai_server_time_to_first_token_seconds', 'Time from a streamed request\'s arrival to its first byte to the client (GenAI conventions).', GEN_AI, TTFT_BUCKETS, registry),
    attempts: new TallyCounter('switchboard_upstream_attempts_total', 'Tries sent to upstreams (every try, the serving one included), by upstream and the status it answered (none: no answer).', ['upstream', 'status'], registry),
    retries: new TallyCounter('switchboard_upstream_retries_total', 'Tries after the first of a request (the same or another credential or route).', ['upstream'], registry),
    failures: new TallyCounter('switchboard_upstream_failures_total', 'Tries that did not serve the request, by reason: rate_limited, credential_refused, upstream_error, timeout, connect, broken, relearned.', ['upstream', 'reason'], registry),
    credentials: new Gauge({
      name: 'switchboard_credentials',
      help: 'Credentials of each upstream by state (healthy, cooling, disabled), read from the pools at scrape time.',
      labelNames: ['upstream', 'state'],
      registers,
      collect() {
        this.reset();
        read.credentials((labels, value) => this.set(labels, value));
      },
    }),
    cache: new TallyCounter('switchboard_cache_lookups_total', 'Response-cache lookups by result (hit, miss), for requests the cache was on for.', ['model', 'result'], registry),
    limitRefusals: new TallyCounter('switchboard_limit_refusals_total', 'Requests refused by the gateway\'s own limits: rate_limit (rpm, tpm, concurrent), budget, or limits_unavailable (counters unreachable, failClosed).', ['key', 'group', 'reason'], registry),
    inFlight: new Gauge({
      name: 'switchboard_requests_in_flight',
      help: 'Data-plane requests begun and not yet finished.',
      registers,
      collect() {
        this.set(read.inFlight().requests);
      },
    }),
    streamsInFlight: new Gauge({
      name: 'switchboard_streams_in_flight',
      help: 'Streamed answers whose first byte went out and whose end has not come yet.',
      registers,
      collect() {
        this.set(read.inFlight().streams);
      },
    }),
    recorderQueue: new Gauge({
      name: 'switchboard_recorder_queue',
      help: 'Usage rows and logged bodies waiting to be written to the database.',
      labelNames: ['kind'],
      registers,
      collect() {
        const stats = read.recorder();
        if (!stats) return;
        this.set({ kind: 'rows' }, stats.queuedRows);
        this.set({ kind: 'bodies' }, stats.queuedBodies);
      },
    }),
    recorderDropped: new Counter({
      name: 'switchboard_recorder_dropped_total',
      help: 'Logged bodies dropped since the start because their queue was full (the database away too long), and rows or bodies the database refused on their own three times (rows are never dropped for a full queue).',
      registers,
      collect() {
        this.reset();
        this.inc(read.recorder()?.dropped ?? 0);
      },
    }),
    recorderWrites: new TallyHistogram('switchboard_recorder_write_seconds', 'How long each write of queued usage rows took, by result (ok, failed: kept for the next write).', ['result'], WRITE_BUCKETS, registry),
    logExportQueue: new Gauge({
      name: 'switchboard_log_export_queue',
      help: 'Events (request rows, logged bodies) waiting in this process to be sent to each log export destination.',
      labelNames: ['destination'],
      registers,
      collect() {
        this.reset();
        for (const d of read.logExport()) this.set({ destination: d.id }, d.queued);
      },
    }),
    logExportSent: new Counter({
      name: 'switchboard_log_export_sent_total',
      help: 'Events sent to each log export destination since the start.',
      labelNames: ['destination'],
      registers,
      collect() {
        this.reset();
        for (const d of read.logExport()) this.inc({ destination: d.id }, d.sentEvents);
      },
    }),
    logExportDropped: new Counter({
      name: 'switchboard_log_export_dropped_total',
      help: 'Events not exported, by reason: overflow (the queue was full: the destination was away or slow too long), refused (the destination refused them for good).',
      labelNames: ['destination', 'reason'],
      registers,
      collect() {
        this.reset();
        for (const d of read.logExport()) {
          this.inc({ destination: d.id, reason: 'overflow' }, d.dropped.overflow);
          this.inc({ destination: d.id, reason: 'refused' }, d.dropped.refused);
        }
      },
    }),
    keyInfo: new Gauge({
      name: 'switchboard_key_info',
      help: 'Always 1: the name and group of each key that has a key label of its own, to join on `key`.',
      labelNames: ['key', 'key_name', 'group'],
      registers,
      collect() {
        this.reset();
        read.keys((labels) => this.set(labels, 1));
      },
    }),
  };
}

export type Series = ReturnType<typeof createSeries>;
