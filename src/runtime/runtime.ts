/**
 * What core code needs from the runtime it runs on, supplied by the
 * platform (Node: the process's clock, timers and stderr; Workers: the
 * isolate's, with `waitUntil`). Core code starts no timers of its own: a
 * wait inside a request is `sleep`, work after the response is `defer`,
 * and background work is a job the platform drives (app/jobs.ts).
 */
export interface Runtime {
  /** Milliseconds since the epoch (tests move it to cross rate-limit minutes and budget periods). */
  now(): number;
  /**
   * A line for the process log (`info` unless said otherwise). The platform
   * adds the time and, inside a request, its id (as text or JSON lines).
   */
  log(message: string, level?: LogLevel): void;
  /**
   * Work that outlives the response (a cache write, a stored answer): the
   * platform keeps it alive and logs its failure. Node: fire and forget;
   * Workers: `waitUntil`.
   */
  defer(work: Promise<unknown>): void;
  /** Resolves after `ms`; rejects with the signal's reason as soon as it aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export type Sleep = Runtime['sleep'];

export type LogLevel = 'info' | 'warn' | 'error';

/**
 * Calls `fire` once after `ms` unless the returned function is called
 * first: a cancellable timer made of `sleep`, for idle and first-byte limits.
 */
export function afterDelay(sleep: Sleep, ms: number, fire: () => void): () => void {
  const cancel = new AbortController();
  sleep(ms, cancel.signal).then(
    () => {
      if (!cancel.signal.aborted) fire();
    },
    () => {},
  );
  return () => cancel.abort();
}
