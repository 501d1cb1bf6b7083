import type { Runtime } from '../../runtime/runtime.js';

export interface NodeRuntime extends Runtime {
  /** Waits for the deferred work still running (shutdown: before the store closes). */
  settle(): Promise<void>;
}

/**
 * The runtime port on Node: the process's clock (or a test's), its log,
 * timers that never keep the process alive, and deferred work run fire and
 * forget, its failures logged, tracked so shutdown can wait for it.
 */
export function createNodeRuntime(options: { now?: () => number; log: Runtime['log'] }): NodeRuntime {
  const { log } = options;
  const pending = new Set<Promise<unknown>>();
  return {
    now: options.now ?? Date.now,
    log,
    defer(work) {
      const tracked = work.then(
        () => {},
        (err: unknown) => log(`deferred work failed: ${(err as Error)?.stack ?? String(err)}`, 'error'),
      );
      pending.add(tracked);
      void tracked.finally(() => pending.delete(tracked));
    },
    sleep: nodeSleep,
    async settle() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}

/** `sleep` on Node's timers: unref'd, so a wait never holds the process open; rejects with the signal's reason. */
export function nodeSleep(ms: number, signal?: AbortSignal): Promise<void> {
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
    timer.unref();
    signal?.addEventListener('abort', gone, { once: true });
  });
}
