import type { LogRecord } from '../store/types.js';

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

/** What a request admitted but never finished becomes at the next start. */
export const INTERRUPTED_ERROR = 'the gateway stopped (killed or crashed) before this request finished; what the client received and the tokens spent are unknown';

/**
 * The row of a request the journal saw start and never finish: what was
 * known at admission, with outcome `interrupted` and no status (the answer,
 * if any began, is unknown).
 */
export function interruptedRow(started: LogRecord): LogRecord {
  return { ...started, status: 0, outcome: 'interrupted', error: INTERRUPTED_ERROR, latencyMs: 0, ttfbMs: null, costUsd: null };
}
