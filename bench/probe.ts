import { performance } from 'node:perf_hooks';
import { Client, Pool } from 'undici';
import { latencyOf, type Latency } from './stats.js';

/**
 * An open-loop latency probe: requests sent on a fixed schedule (every
 * 1000/rate ms, whatever the answers do), each timed with the hrtime clock
 * from send to the last body byte. autocannon's `overallRate` instead lets
 * each connection fire its share back to back at the top of every second, so
 * its "500 req/s" is a burst at full concurrency followed by silence; this
 * probe is the even 500 req/s. `runSequential` sends one request at a time:
 * the latency of a request with nothing queued ahead of it.
 */
export interface ProbeSpec {
  url: string;
  body: string;
  headers: Record<string, string>;
  rate: number;
  durationS: number;
}

export interface ProbeResult extends Latency {
  reqPerSec: number;
  requests: number;
  errors: number;
  non2xx: number;
}

export async function runProbe(spec: ProbeSpec): Promise<ProbeResult> {
  const url = new URL(spec.url);
  const pool = new Pool(url.origin, { connections: 64, keepAliveTimeout: 30_000 });
  const total = Math.round(spec.rate * spec.durationS);
  const interval = 1000 / spec.rate;
  const latencies: number[] = [];
  let errors = 0;
  let non2xx = 0;
  const inFlight: Promise<void>[] = [];

  const fire = async () => {
    const outcome = await timedRequest(pool, url, spec);
    if (outcome === 'error') errors++;
    else if (outcome === 'non2xx') non2xx++;
    else latencies.push(outcome);
  };

  const began = performance.now();
  await new Promise<void>((resolve) => {
    let sent = 0;
    const tick = () => {
      const due = Math.min(total, Math.floor((performance.now() - began) / interval) + 1);
      while (sent < due) {
        inFlight.push(fire());
        sent++;
      }
      if (sent >= total) return resolve();
      setTimeout(tick, Math.max(0, began + sent * interval - performance.now()));
    };
    tick();
  });
  await Promise.all(inFlight);
  const elapsed = (performance.now() - began) / 1000;
  await pool.close();
  return { reqPerSec: latencies.length / elapsed, requests: total, ...latencyOf(latencies), errors, non2xx };
}

export async function runSequential(spec: Omit<ProbeSpec, 'rate' | 'durationS'> & { count: number }): Promise<ProbeResult> {
  const url = new URL(spec.url);
  const client = new Client(url.origin, { keepAliveTimeout: 30_000 });
  const latencies: number[] = [];
  let errors = 0;
  let non2xx = 0;
  const began = performance.now();
  for (let i = 0; i < spec.count; i++) {
    const outcome = await timedRequest(client, url, spec);
    if (outcome === 'error') errors++;
    else if (outcome === 'non2xx') non2xx++;
    else latencies.push(outcome);
  }
  const elapsed = (performance.now() - began) / 1000;
  await client.close();
  return { reqPerSec: latencies.length / elapsed, requests: spec.count, ...latencyOf(latencies), errors, non2xx };
}

/** One POST, read to the end: its latency in ms, or how it failed. */
async function timedRequest(
  dispatcher: Pick<Client, 'request'>,
  url: URL,
  spec: { headers: Record<string, string>; body: string },
): Promise<number | 'error' | 'non2xx'> {
  const start = process.hrtime.bigint();
  try {
    const res = await dispatcher.request({ path: url.pathname, method: 'POST', headers: spec.headers, body: spec.body });
    await res.body.text();
    if (res.statusCode < 200 || res.statusCode >= 300) return 'non2xx';
    return Number(process.hrtime.bigint() - start) / 1e6;
  } catch {
    return 'error';
  }
}
