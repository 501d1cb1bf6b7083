import autocannon from 'autocannon';
import { latencyOf, type Latency } from './stats.js';

/**
 * One autocannon run. Latency comes from the per-response hrtime that
 * autocannon measures itself (its own histogram floors to whole ms), over
 * 2xx responses only, as autocannon does.
 */
export interface LoadSpec {
  url: string;
  body: string;
  headers: Record<string, string>;
  connections: number;
  durationS: number;
  /** Requests per second across all connections; absent means as fast as possible. */
  overallRate?: number;
}

export interface LoadResult extends Latency {
  reqPerSec: number;
  requests: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  mismatches: number;
  /** autocannon's own integer-ms figures, for reference. */
  autocannon: { p50: number; p99: number; reqPerSecAvg: number };
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const instance = autocannon({
    url: spec.url,
    method: 'POST',
    headers: spec.headers,
    body: spec.body,
    connections: spec.connections,
    duration: spec.durationS,
    // With a rate, autocannon "corrects" coordinated omission with an expected
    // interval of ceil(1/rate) ms = 1 ms (it should be 1000/rate), which adds
    // made-up samples to any response slower than 1 ms. Nothing was omitted here.
    ...(spec.overallRate ? { overallRate: spec.overallRate, ignoreCoordinatedOmission: true } : {}),
  });
  const samples: number[] = [];
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status >= 200 && status < 300) samples.push(ms);
  });
  const result = await instance;
  const ok = result['2xx'];
  return {
    reqPerSec: ok / result.duration,
    requests: ok,
    ...latencyOf(samples),
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    mismatches: result.mismatches,
    autocannon: { p50: result.latency.p50, p99: result.latency.p99, reqPerSecAvg: result.requests.average },
  };
}
