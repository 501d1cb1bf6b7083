import type { LogRecord } from '../store/types.js';
import { ZERO_USAGE } from '../translate/ir.js';

/**
 * A record of requests kept outside the process's memory, so a process
 * killed before its recorder wrote loses no usage row: each request is
 * noted when admitted and its finished row before the client has the end
 * of its answer, and the next start writes what the database lacks
 * (platform/node/usage-journal.ts keeps one in local files; the Workers
 * platform has none: each request's row is written within its `waitUntil`).
 * Every call is synchronous and cheap: it runs on the request's path.
 */
export interface UsageJournal {
  /** The request is admitted (its key, model and route known): if the process dies before `finished`, it is recorded as interrupted. */
  started(row: LogRecord): void;
  /** The request's finished row, before it is queued to be written. */
  finished(row: LogRecord): void;
  /** These rows are in the database (or the database refused them for good): the journal may let go of them. */
  written(ids: readonly string[]): void;
}

/** What is known of a request when it is admitted: what its `started` line holds. */
export type StartedRequest = Pick<
  LogRecord,
  'id' | 'ts' | 'keyId' | 'group' | 'protocol' | 'endpoint' | 'model' | 'alias' | 'router' | 'tier' | 'tierReason' | 'upstreamModel' | 'upstreamId' | 'credentialId' | 'stream' | 'metadata'
>;

/** The admission's part of a row (a smaller line to write than the whole row). */
export function startedPart(row: LogRecord): StartedRequest {
  const { id, ts, keyId, group, protocol, endpoint, model, alias, router, tier, tierReason, upstreamModel, upstreamId, credentialId, stream, metadata } = row;
  return { id, ts, keyId, group, protocol, endpoint, model, alias, router, tier, tierReason, upstreamModel, upstreamId, credentialId, stream, metadata };
}

/** What a request admitted but never finished becomes at the next start. */
export const INTERRUPTED_ERROR = 'the gateway stopped (killed or crashed) before this request finished; what the client received and the tokens spent are unknown';

/**
 * The row of a request the journal saw start and never finish: what was
 * known at admission, with outcome `interrupted`, no status (the answer, if
 * one began, is unknown) and no usage.
 */
export function interruptedRow(started: StartedRequest): LogRecord {
  return {
    ...started,
    ...ZERO_USAGE,
    status: 0,
    outcome: 'interrupted',
    error: INTERRUPTED_ERROR,
    costUsd: null,
    latencyMs: 0,
    ttfbMs: null,
    cacheStatus: null,
    translation: null,
    warnings: null,
    usageEstimated: false,
    attempts: null,
  };
}
