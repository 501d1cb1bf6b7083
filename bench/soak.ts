import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { runPaced } from './paced.js';
import { rssMb } from './rss.js';
import { latencyOf } from './stats.js';

/**
 * A soak: an open-loop load at `rate` requests a second, evenly paced (sent
 * on a fixed schedule whatever the answers do, as bench/probe.ts), cycling
 * through `targets` (mixed shapes and streams), for `durationS`. Each request
 * is timed with hrtime from send to its last byte and counted in the bucket
 * (a minute, or 10 s when the run is shorter than a minute) in which it was
 * sent, with the target's peak RSS in that bucket; a last bucket cut short is
 * dropped. An error is a failed request, a status other than 2xx, or a stream
 * without its closing frame. Light on the bench's CPU: bodies are encoded
 * once, answers are not parsed.
 */
export interface SoakTarget {
  url: string;
  body: string;
  headers: Record<string, string>;
}

export interface SoakBucket {
  p50: number;
  p99: number;
  rssMb: number;
  errors: number;
  requests: number;
}

export async function runSoak(o: { targets: SoakTarget[]; rate: number; durationS: number; pid: number }): Promise<{ bucketS: number; minutes: SoakBucket[] }> {
  if (o.targets.length === 0) throw new Error('a soak needs at least one target');
  const bucketS = o.durationS < 60 ? 10 : 60;
  const buckets = Math.max(1, Math.floor(o.durationS / bucketS));
  const pools = new Map<string, Pool>();
  const targets = o.targets.map((t) => {
    const url = new URL(t.url);
    if (!pools.has(url.origin)) pools.set(url.origin, new Pool(url.origin, { connections: 64, keepAliveTimeout: 30_000 }));
    const stream = (JSON.parse(t.body) as { stream?: unknown }).stream === true;
    return { pool: pools.get(url.origin)!, path: url.pathname + url.search, headers: t.headers, body: Buffer.from(t.body), stream };
  });
  const latencies: number[][] = Array.from({ length: buckets }, () => []);
  const errors: number[] = new Array<number>(buckets).fill(0);
  const rss: number[] = new Array<number>(buckets).fill(NaN);

  const began = performance.now();
  const bucketOf = (at: number) => Math.floor((at - began) / 1000 / bucketS);
  const sampler = setInterval(() => {
    const b = bucketOf(performance.now());
    const mb = rssMb(o.pid);
    // A failed read (NaN: the target has gone) never becomes the peak; its requests fail and say so.
    if (b < buckets && !Number.isNaN(mb) && !(mb <= rss[b])) rss[b] = mb;
  }, 1000);

  const fire = async (n: number) => {
    const target = targets[n % targets.length];
    const start = performance.now();
    const b = bucketOf(start);
    let ok = false;
    try {
      const res = await target.pool.request({ path: target.path, method: 'POST', headers: target.headers, body: target.body });
      const text = await res.body.text();
      ok = res.statusCode >= 200 && res.statusCode < 300 && (!target.stream || closes(text));
    } catch {
      ok = false;
    }
    if (b >= buckets) return;
    if (ok) latencies[b].push(performance.now() - start);
    else errors[b]++;
  };

  await runPaced({ rate: o.rate, total: Math.round(o.rate * o.durationS), fire });
  clearInterval(sampler);
  await Promise.all([...pools.values()].map((p) => p.close()));
  return {
    bucketS,
    minutes: latencies.map((values, i) => {
      const l = latencyOf(values);
      return { p50: l.p50, p99: l.p99, rssMb: rss[i], errors: errors[i], requests: values.length + errors[i] };
    }),
  };
}

/** A stream's last frame: OpenAI's `[DONE]` or Anthropic's message_stop. */
function closes(text: string): boolean {
  const end = text.trimEnd();
  return end.endsWith('data: [DONE]') || end.endsWith('data: {"type":"message_stop"}');
}
