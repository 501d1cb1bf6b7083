import { performance } from 'node:perf_hooks';

/**
 * An open-loop schedule: `fire(n)` for n = 0 … total-1, one every
 * 1000/rate ms from the start, whatever the answers do (a slow answer never
 * holds the next request back, as a closed loop of N connections would).
 * Resolves once every fired request has settled.
 */
export async function runPaced(o: { rate: number; total: number; fire: (n: number) => Promise<unknown> }): Promise<void> {
  const interval = 1000 / o.rate;
  const began = performance.now();
  const inFlight = new Set<Promise<unknown>>();
  await new Promise<void>((resolve) => {
    let sent = 0;
    const tick = () => {
      const due = Math.min(o.total, Math.floor((performance.now() - began) / interval) + 1);
      while (sent < due) {
        const p = o.fire(sent++).catch(() => {});
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
      }
      if (sent >= o.total) return resolve();
      setTimeout(tick, Math.max(0, began + sent * interval - performance.now()));
    };
    tick();
  });
  await Promise.all(inFlight);
}
