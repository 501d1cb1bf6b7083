import type { LogRecord, RequestBodiesRecord } from '../store/types.js';

/**
 * What one exported event holds: a request row (`type: "request"`, the
 * request log's fields in their admin API names), or a request's logged
 * bodies (`type: "bodies"`, joined to its row by `requestId`). Bodies are an
 * event of their own because the recorder writes them in their own batches:
 * a row is exported when it is written, never held back for its bodies.
 */
export interface ExportEvent {
  /** JSON of the event, made once and wrapped by each destination's format. */
  json: string;
  /** Epoch ms of the request. */
  ts: number;
  /** The request id: Elastic's `_id`, so a batch sent twice creates each document once. */
  id: string;
  /** For formats that want a one-line summary (Datadog's `message`). */
  summary: string;
  /** Whether the request failed, for formats with a log level (Datadog's `status`). */
  failed: boolean;
}

export function requestEvent(row: LogRecord): ExportEvent {
  const event = {
    type: 'request',
    time: new Date(row.ts).toISOString(),
    id: row.id,
    keyId: row.keyId,
    group: row.group,
    protocol: row.protocol,
    endpoint: row.endpoint,
    model: row.model,
    alias: row.alias ?? null,
    upstreamModel: row.upstreamModel,
    upstream: row.upstreamId,
    credential: row.credentialId,
    stream: row.stream,
    status: row.status,
    outcome: row.outcome,
    inputTokens: row.inputTokens,
    outputTokens: row.outputTokens,
    cacheReadTokens: row.cacheReadTokens,
    cacheWriteTokens: row.cacheWriteTokens,
    reasoningTokens: row.reasoningTokens,
    usageEstimated: row.usageEstimated,
    units: row.units ?? null,
    costUsd: row.costUsd,
    latencyMs: row.latencyMs,
    ttfbMs: row.ttfbMs,
    cacheStatus: row.cacheStatus,
    error: row.error,
    translation: row.translation,
    warnings: row.warnings,
    attempts: row.attempts,
    metadata: row.metadata ?? null,
  };
  return {
    json: JSON.stringify(event),
    ts: row.ts,
    id: row.id,
    summary: `${row.endpoint} ${row.model ?? '-'} ${row.status} ${row.outcome} ${row.latencyMs}ms`,
    failed: row.outcome !== 'ok',
  };
}

/** A request's logged bodies, already redacted by body logging (policy/body-log.ts). */
export function bodiesEvent(bodies: RequestBodiesRecord, ts: number): ExportEvent {
  const event = {
    type: 'bodies',
    time: new Date(ts).toISOString(),
    requestId: bodies.requestId,
    mode: bodies.mode,
    requestBody: bodies.requestBody,
    responseBody: bodies.responseBody,
    requestTruncated: bodies.requestTruncated,
    responseTruncated: bodies.responseTruncated,
  };
  return { json: JSON.stringify(event), ts, id: `${bodies.requestId}.bodies`, summary: `bodies of ${bodies.requestId}`, failed: false };
}
