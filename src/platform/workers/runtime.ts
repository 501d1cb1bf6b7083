import type { Runtime } from '../../runtime/runtime.js';
import { requestScope } from './request-scope.js';

/**
 * The runtime port on Workers: the isolate's clock (it moves only between
 * I/O, which is all the gateway needs), console logging (`wrangler tail`),
 * timers that live as long as the request does, and deferred work handed to
 * the current request's `waitUntil`, which keeps the isolate alive for it
 * (up to 30 s after the response has been sent).
 */
export function createWorkersRuntime(log: (message: string) => void = (m) => console.log(m)): Runtime {
  return {
    now: Date.now,
    log,
    defer(work) {
      const logged = work.then(
        () => {},
        (err: unknown) => log(`deferred work failed: ${(err as Error)?.stack ?? String(err)}`),
      );
      const ctx = requestScope.getStore();
      // Outside any request (never expected): the work still runs, but nothing promises it the time to finish.
      if (ctx) ctx.waitUntil(logged);
      else log('deferred work started outside a request: it may be cut short');
    },
    sleep(ms, signal) {
      if (signal?.aborted) return Promise.reject(signal.reason as Error);
      return new Promise((resolve, reject) => {
        const gone = () => {
          clearTimeout(timer);
          reject(signal?.reason as Error);
        };
        const timer = setTimeout(() => {
          signal?.removeEventListener('abort', gone);
          resolve();
        }, ms);
        signal?.addEventListener('abort', gone, { once: true });
      });
    },
  };
}
