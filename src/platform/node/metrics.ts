import type { Config } from '../../config/schema.js';
import type { GatewayParts } from '../../app/create-gateway.js';
import type { LogRecord } from '../../store/types.js';
import type { CredentialState } from '../../store/types.js';
import type { RequestObserver, RequestWatch } from '../../telemetry/observer.js';
import type { MetricsSource } from '../../telemetry/metrics-source.js';
import type { Snapshot } from '../../routing/catalog.js';
import { createSeries } from './metrics-series.js';

/** What a label holds when the row has nothing there (no key yet, no upstream reached). */
const NONE = '';
/** The shared label value of keys (and models) past the configured number. */
export const OTHER = '_other';
/** Model names come from clients (an unknown one is still logged): at most this many get a label of their own. */
const MAX_MODELS = 500;

/** OpenTelemetry's `gen_ai.provider.name` for each upstream kind that has one; the others go by their kind. */
const PROVIDER_NAMES: Record<string, string> = { openai: 'openai', codex: 'openai', anthropic: 'anthropic', 'claude-code': 'anthropic', gemini: 'gcp.gemini', azure: 'azure.ai.openai' };
/** OpenTelemetry's `gen_ai.operation.name` for each endpoint. */
const OPERATION_NAMES: Record<string, string> = {
  chat: 'chat',
  responses: 'chat',
  compact: 'chat',
  messages: 'chat',
  generate: 'generate_content',
  embeddings: 'embeddings',
  completions: 'text_completion',
  count_tokens: 'count_tokens',
};
/** Limit refusals by the error the gateway answered with (policy/limits.ts). */
const LIMIT_REASONS: Record<string, string> = {
  SB_ERR_RATE_LIMITED: 'rate_limit',
  SB_ERR_BUDGET_EXHAUSTED: 'budget',
  SB_ERR_LIMITS_UNAVAILABLE: 'limits_unavailable',
};
const STATES: CredentialState[] = ['healthy', 'cooling', 'disabled'];

export interface NodeMetrics {
  /** Counts requests as they run (passed to the gateway's observers). */
  observer: RequestObserver;
  /** What `/metrics` serves. */
  source: MetricsSource;
  /** Reads what exists only once the gateway is built, at scrape time: the pools' states, the catalog, the recorder. */
  attach(parts: GatewayParts): void;
}

/**
 * Prometheus metrics of the Node platform (prom-client). The observer does
 * only in-memory counting on the request's path (a few map updates per
 * request); whatever reads state (credential health, the recorder's queue)
 * is read when Prometheus scrapes.
 */
/** `requestsInFlight`: the platform's own count (telemetry/in-flight.ts, which the drain waits on). */
export function createNodeMetrics(settings: Config['metrics'], requestsInFlight: () => number): NodeMetrics {
  const keys = boundedLabel(settings.maxKeys);
  const models = boundedLabel(MAX_MODELS);
  let parts: GatewayParts | undefined;
  // A plain number on the request path; the gauges read it at scrape time.
  let streamsInFlight = 0;
  const series = createSeries({
    credentials(set) {
      if (!parts) return;
      for (const upstream of parts.catalog.current().upstreams.values()) {
        const counts: Record<CredentialState, number> = { healthy: 0, cooling: 0, disabled: 0 };
        for (const credential of upstream.record.credentials) counts[credential.enabled ? parts.pools.state(credential.id).state : 'disabled']++;
        for (const state of STATES) set({ upstream: upstream.record.id, state }, counts[state]);
      }
    },
    recorder: () => parts?.recorder.stats(),
    logExport: () => parts?.logExport.stats() ?? [],
    inFlight: () => ({ requests: requestsInFlight(), streams: streamsInFlight }),
    keys(set) {
      if (!parts) return;
      const snapshot = parts.catalog.current();
      for (const id of keys.named()) {
        const key = snapshot.keysById.get(id);
        if (key) set({ key: id, key_name: key.name, group: key.group });
      }
    },
  });
  // The upstream kinds, looked up again only when the catalog installs a new snapshot.
  let kindsOf: { snapshot: Snapshot | undefined; kinds: Map<string, string> } = { snapshot: undefined, kinds: new Map() };
  const providerOf = (upstreamId: string | null): string => {
    if (upstreamId === null || !parts) return NONE;
    const snapshot = parts.catalog.current();
    if (kindsOf.snapshot !== snapshot) kindsOf = { snapshot, kinds: new Map([...snapshot.upstreams].map(([id, u]) => [id, u.record.kind])) };
    const kind = kindsOf.kinds.get(upstreamId) ?? NONE;
    return PROVIDER_NAMES[kind] ?? kind;
  };

  const finished = (row: Readonly<LogRecord>) => {
    const key = keys.of(row.keyId);
    const group = row.group ?? NONE;
    const model = models.of(row.model);
    const upstream = row.upstreamId ?? NONE;
    series.requests.inc([key, group, model, upstream, String(row.status), row.outcome]);
    if (row.inputTokens) series.tokens.inc([key, group, model, upstream, 'input'], row.inputTokens);
    if (row.outputTokens) series.tokens.inc([key, group, model, upstream, 'output'], row.outputTokens);
    if (row.cacheReadTokens) series.tokens.inc([key, group, model, upstream, 'cache_read'], row.cacheReadTokens);
    if (row.cacheWriteTokens) series.tokens.inc([key, group, model, upstream, 'cache_write'], row.cacheWriteTokens);
    if (row.reasoningTokens) series.tokens.inc([key, group, model, upstream, 'reasoning'], row.reasoningTokens);
    if (row.costUsd) series.cost.inc([key, group, model, upstream], row.costUsd);
    const used = row.inputTokens + row.outputTokens + row.cacheReadTokens + row.cacheWriteTokens;
    if (row.costUsd === null && used > 0) series.unpriced.inc([model, upstream]);

    const operation = OPERATION_NAMES[row.endpoint] ?? row.endpoint;
    const provider = providerOf(row.upstreamId);
    if (used > 0) {
      series.tokenUsage.observe([operation, provider, model, 'input'], row.inputTokens + row.cacheReadTokens + row.cacheWriteTokens);
      series.tokenUsage.observe([operation, provider, model, 'output'], row.outputTokens);
    }
    series.duration.observe([operation, provider, model, row.outcome === 'ok' ? NONE : row.outcome], row.latencyMs / 1000);
    // A stream's first byte, when the answer did stream (an error answered before any stream has no first token).
    if (row.stream && row.ttfbMs !== null && (row.status < 300 || row.outcome === 'incomplete')) series.timeToFirstToken.observe([operation, provider, model], row.ttfbMs / 1000);

    if (row.cacheStatus) series.cache.inc([model, row.cacheStatus.toLowerCase()]);
    const limit = row.errorCode === undefined ? undefined : LIMIT_REASONS[row.errorCode];
    if (limit) series.limitRefusals.inc([key, group, limit]);
  };

  const observer: RequestObserver = {
    start(row) {
      let tries = 0;
      let streaming = false;
      let done = false;
      const watch: RequestWatch = {
        attempt(attempt, _startedAt, failure) {
          series.attempts.inc([attempt.upstream, attempt.status === null ? 'none' : String(attempt.status)]);
          if (tries++ > 0) series.retries.inc([attempt.upstream]);
          if (failure) series.failures.inc([attempt.upstream, failure]);
        },
        firstByte() {
          // `row` is the live row: by the first byte it says whether the answer streams.
          if (row.stream && !done && !streaming) {
            streaming = true;
            streamsInFlight++;
          }
        },
        finish(final) {
          if (done) return;
          done = true;
          if (streaming) streamsInFlight--;
          finished(final);
        },
      };
      return watch;
    },
  };

  return {
    observer,
    source: { contentType: series.registry.contentType, scrape: () => series.registry.metrics() },
    attach(gatewayParts) {
      parts = gatewayParts;
      gatewayParts.recorder.watchWrites((seconds, _rows, ok) => series.recorderWrites.observe([ok ? 'ok' : 'failed'], seconds));
    },
  };
}

/**
 * Label values that come from many things (keys, client-named models):
 * the first `max` distinct values seen since the start keep their own,
 * later ones share `_other`, so the number of series stays bounded whatever
 * the traffic.
 */
function boundedLabel(max: number) {
  const own = new Set<string>();
  return {
    of(value: string | null): string {
      if (value === null) return NONE;
      if (own.has(value)) return value;
      if (own.size >= max) return OTHER;
      own.add(value);
      return value;
    },
    named: (): Iterable<string> => own,
  };
}
