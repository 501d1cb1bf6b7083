import type { Attempt, LogRecord } from '../store/types.js';
import type { Runtime } from '../runtime/runtime.js';
import type { TryFailure } from './try-failure.js';

/**
 * What watches requests as they run, for metrics and traces: it hears when a
 * request starts, when each upstream try ends, when the first byte reaches
 * the client, and gets the finished log row (the same one the recorder gets).
 * Called on the request's path: every call must be cheap and synchronous;
 * exporting happens elsewhere (a scrape, a batch exporter). A throwing
 * observer is caught and logged by `observeAll`, never the request's problem.
 */
export interface RequestObserver {
  /**
   * A request began; `row` is still being filled in (its id, protocol and
   * endpoint are set) and stays the same object until `finish`. `headers` are
   * the client's request headers (a trace context, `traceparent`, comes in there).
   */
  start(row: Readonly<LogRecord>, headers: Headers): RequestWatch;
}

export interface RequestWatch {
  /**
   * An upstream try is about to be sent, at `startedAt`: headers returned here
   * go with it (the trace context of the try, for tracing). Each try started is
   * later ended by `attempt`, unless the request ends first (`finish`).
   */
  tryStarting?(startedAt: number): Record<string, string> | undefined;
  /**
   * One upstream try ended: answered (its status) or failed (`error`); it
   * began at `startedAt` (ms since the epoch). `failure` says in a word why a
   * try did not serve the request (telemetry/try-failure.ts); absent for the serving try.
   */
  attempt(attempt: Readonly<Attempt>, startedAt: number, failure?: TryFailure): void;
  /** The first byte went to the client, at `at`. */
  firstByte(at: number): void;
  /** The row is complete (status, outcome, usage, cost, latency): the request is over. */
  finish(row: Readonly<LogRecord>): void;
}

const IDLE_WATCH: RequestWatch = { attempt() {}, firstByte() {}, finish() {} };

/** Watches nothing: the default when no metrics or traces are configured. */
export const NO_OBSERVER: RequestObserver = { start: () => IDLE_WATCH };

/** One observer made of several; each call reaches every one, and one that throws is logged, not passed on. */
export function observeAll(observers: readonly RequestObserver[], log: Runtime['log']): RequestObserver {
  if (observers.length === 0) return NO_OBSERVER;
  const failed = (what: string, err: unknown) => log(`telemetry: an observer failed on ${what}: ${String(err)}`, 'warn');
  // Plain loops with try/catch, no closure per call: this runs several times on every request.
  return {
    start(row, headers) {
      const watches: RequestWatch[] = [];
      for (const observer of observers) {
        try {
          watches.push(observer.start(row, headers));
        } catch (err) {
          failed('start', err);
        }
      }
      return {
        tryStarting(startedAt) {
          let headers: Record<string, string> | undefined;
          for (const w of watches) {
            if (!w.tryStarting) continue;
            try {
              const own = w.tryStarting(startedAt);
              if (own) headers = { ...headers, ...own };
            } catch (err) {
              failed('try start', err);
            }
          }
          return headers;
        },
        attempt(attempt, startedAt, failure) {
          for (const w of watches) {
            try {
              w.attempt(attempt, startedAt, failure);
            } catch (err) {
              failed('attempt', err);
            }
          }
        },
        firstByte(at) {
          for (const w of watches) {
            try {
              w.firstByte(at);
            } catch (err) {
              failed('first byte', err);
            }
          }
        },
        finish(row) {
          for (const w of watches) {
            try {
              w.finish(row);
            } catch (err) {
              failed('finish', err);
            }
          }
        },
      };
    },
  };
}
