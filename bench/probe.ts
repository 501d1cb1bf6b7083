import { performance } from 'node:perf_hooks';
import { Client, Pool } from 'undici';
import { runPaced } from './paced.js';
import { latencyOf, type Latency } from './stats.js';

/**
 * An open-loop latency probe: requests sent on a fixed schedule (every
 * 1000/rate ms, whatever the answers do), each timed with the hrtime clock
 * from send to the first body byte (a stream's time to first token, as its
 * client sees it) and to the last. wrk 4.1 has no fixed rate, and a rate
 * spread over connections that each fire their share back to back is a
 * burst followed by silence; this probe is the even 500 req/s.
 * `runSequential` sends one request at a time: the latency of a request with
 * nothing queued ahead of it.
 */
export interface ProbeSpec {
  url: string;
  body: string;
  headers: Record<string, string>;
  rate: number;
  durationS: number;
}

export interface ProbeResult extends Latency {
  /** Send to the first body byte. */
  ttfb: Latency;
  reqPerSec: number;
  requests: number;
  errors: number;
  non2xx: number;
}

export async function runProbe(spec: ProbeSpec): Promise<ProbeResult> {
  const url = new URL(spec.url);
  const pool = new Pool(url.origin, { connections: 64, keepAliveTimeout: 30_000 });
  const total = Math.round(spec.rate * spec.durationS);
  const tally = new Tally();
  const began = performance.now();
  await runPaced({ rate: spec.rate, total, fire: async () => tally.add(await timedRequest(pool, url, spec)) });
  const elapsed = (performance.now() - began) / 1000;
  await pool.close();
  return tally.result(total, elapsed);
}

export async function runSequential(spec: Omit<ProbeSpec, 'rate' | 'durationS'> & { count: number }): Promise<ProbeResult> {
  const url = new URL(spec.url);
  const client = new Client(url.origin, { keepAliveTimeout: 30_000 });
  const tally = new Tally();
  const began = performance.now();
  for (let i = 0; i < spec.count; i++) tally.add(await timedRequest(client, url, spec));
  const elapsed = (performance.now() - began) / 1000;
  await client.close();
  return tally.result(spec.count, elapsed);
}

type Outcome = { ms: number; ttfbMs: number } | 'error' | 'non2xx';

class Tally {
  private latencies: number[] = [];
  private ttfbs: number[] = [];
  private errors = 0;
  private non2xx = 0;

  add(outcome: Outcome): void {
    if (outcome === 'error') this.errors++;
    else if (outcome === 'non2xx') this.non2xx++;
    else {
      this.latencies.push(outcome.ms);
      this.ttfbs.push(outcome.ttfbMs);
    }
  }

  result(requests: number, elapsedS: number): ProbeResult {
    const { latencies, errors, non2xx } = this;
    return { reqPerSec: latencies.length / elapsedS, requests, ...latencyOf(latencies), ttfb: latencyOf(this.ttfbs), errors, non2xx };
  }
}

/** One POST, read to the end: ms to its first body byte and to its last, or how it failed. */
async function timedRequest(dispatcher: Pick<Client, 'request'>, url: URL, spec: { headers: Record<string, string>; body: string }): Promise<Outcome> {
  const start = process.hrtime.bigint();
  const since = () => Number(process.hrtime.bigint() - start) / 1e6;
  try {
    const res = await dispatcher.request({ path: url.pathname, method: 'POST', headers: spec.headers, body: spec.body });
    let ttfbMs = NaN;
    for await (const chunk of res.body as AsyncIterable<Buffer>) if (Number.isNaN(ttfbMs) && chunk.length > 0) ttfbMs = since();
    if (res.statusCode < 200 || res.statusCode >= 300) return 'non2xx';
    const ms = since();
    return { ms, ttfbMs: Number.isNaN(ttfbMs) ? ms : ttfbMs };
  } catch {
    return 'error';
  }
}
