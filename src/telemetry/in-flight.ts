import type { RequestObserver } from './observer.js';

/**
 * Requests in flight (started, row not yet finished), streams and WebSocket
 * turns included: what a stopping gateway waits for before it cuts
 * connections, and a gauge for metrics.
 */
export interface InFlight {
  observer: RequestObserver;
  count(): number;
  /** Resolves once no request is in flight (at once when none is). */
  idle(): Promise<void>;
}

export function countInFlight(): InFlight {
  let count = 0;
  let waiters: (() => void)[] = [];
  const done = () => {
    count -= 1;
    if (count > 0) return;
    const wake = waiters;
    waiters = [];
    for (const resolve of wake) resolve();
  };
  return {
    observer: {
      start() {
        count += 1;
        let finished = false;
        return {
          attempt() {},
          firstByte() {},
          finish() {
            if (finished) return;
            finished = true;
            done();
          },
        };
      },
    },
    count: () => count,
    idle: () => (count === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
  };
}
