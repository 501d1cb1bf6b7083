import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { sampleRss } from './rss.js';
import { latencyOf, type Latency } from './stats.js';

/**
 * Many slow streams held open at once: `count` streaming requests, started
 * evenly over `rampMs` (a burst of thousands of connects would overflow the
 * target's listen backlog and measure SYN retries instead), each a stream
 * the fake upstream writes a frame of every `delayMs` (its x-bench-delay-ms
 * header, which Switchboard forwards; x-bench-chunks sets the frame count).
 * One connection per stream. A stream completed when it answered 200, got
 * its closing frame (`data: [DONE]` or Anthropic's message_stop) and no error
 * frame, and, given `frames`, exactly that many frames. The target's RSS is
 * sampled throughout. The bench's CPU stays low: frames are counted by
 * scanning for their blank-line ends, never parsed.
 */
export interface SlowStreamsSpec {
  url: string;
  body: string;
  headers: Record<string, string>;
  count: number;
  /** The process whose RSS is sampled (the gateway). */
  pid: number;
  /** Time between frames, unless the headers already say (x-bench-delay-ms); default 100. */
  delayMs?: number;
  /** How many chunks the upstream sends (x-bench-chunks), unless the headers already say; default the fake's own. */
  chunks?: number;
  /** The exact number of frames each client must see; unchecked when absent. */
  frames?: number;
  /** Streams are started evenly over this long; default 1000 ms. */
  rampMs?: number;
}

export interface SlowStreamsResult {
  count: number;
  completed: number;
  failed: number;
  peakRssMb: number;
  seconds: number;
  /** Most streams open at once (answered, not yet ended), as the client saw them. */
  maxOpen: number;
  firstByteMs: Latency;
  durationMs: Latency;
  frames: { min: number; max: number };
  /** Why streams failed, with how many failed each way. */
  failures: Record<string, number>;
}

const CLOSING = ['data: [DONE]', 'event: message_stop\ndata: {"type":"message_stop"}'];

export async function runSlowStreams(o: SlowStreamsSpec): Promise<SlowStreamsResult> {
  const url = new URL(o.url);
  const headers = { ...o.headers };
  headers['x-bench-delay-ms'] ??= String(o.delayMs ?? 100);
  if (o.chunks !== undefined) headers['x-bench-chunks'] ??= String(o.chunks);
  const body = Buffer.from(o.body);
  const rampMs = o.rampMs ?? 1000;
  const pool = new Pool(url.origin, { connections: o.count, pipelining: 1, keepAliveTimeout: 30_000 });
  const rss = sampleRss(o.pid);
  const failures: Record<string, number> = {};
  const fail = (why: string) => void (failures[why] = (failures[why] ?? 0) + 1);
  const firstByte: number[] = [];
  const duration: number[] = [];
  const frameCounts = { min: Infinity, max: 0 };
  let completed = 0;
  let open = 0;
  let maxOpen = 0;

  const one = async (): Promise<void> => {
    const start = performance.now();
    let answered = false;
    try {
      const res = await pool.request({ path: url.pathname + url.search, method: 'POST', headers, body });
      firstByte.push(performance.now() - start);
      answered = true;
      if (res.statusCode !== 200) {
        await res.body.dump();
        return fail(`status ${res.statusCode}`);
      }
      maxOpen = Math.max(maxOpen, ++open);
      const seen = { frames: 0, last: '', error: false };
      let partial = '';
      try {
        res.body.setEncoding('utf8');
        for await (const chunk of res.body as AsyncIterable<string>) {
          partial += chunk;
          let end: number;
          while ((end = partial.indexOf('\n\n')) >= 0) {
            const frame = partial.slice(0, end);
            partial = partial.slice(end + 2);
            seen.frames++;
            seen.last = frame;
            if (frame.startsWith('event: error') || frame.startsWith('data: {"error"')) seen.error = true;
          }
        }
      } finally {
        open--;
      }
      duration.push(performance.now() - start);
      frameCounts.min = Math.min(frameCounts.min, seen.frames);
      frameCounts.max = Math.max(frameCounts.max, seen.frames);
      if (seen.error) return fail('error frame');
      if (!CLOSING.includes(seen.last)) return fail('no closing frame');
      if (o.frames !== undefined && seen.frames !== o.frames) return fail(`${seen.frames} frames, not ${o.frames}`);
      completed++;
    } catch (err) {
      const what = err instanceof Error ? `${err.name}: ${(err as { code?: string }).code ?? err.message}` : String(err);
      fail(`${answered ? 'mid-stream' : 'before the answer'}: ${what}`);
    }
  };

  const began = performance.now();
  const streams: Promise<void>[] = [];
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(o.count, Math.floor(((performance.now() - began) / rampMs) * o.count) + 1);
      while (streams.length < due) streams.push(one());
      if (streams.length >= o.count) return resolve();
      setTimeout(tick, Math.max(1, rampMs / o.count));
    };
    tick();
  });
  await Promise.all(streams);
  const seconds = (performance.now() - began) / 1000;
  const { peakMb } = rss.stop();
  await pool.close();
  return {
    count: o.count,
    completed,
    failed: o.count - completed,
    peakRssMb: peakMb,
    seconds,
    maxOpen,
    firstByteMs: latencyOf(firstByte),
    durationMs: latencyOf(duration),
    frames: { min: frameCounts.min === Infinity ? 0 : frameCounts.min, max: frameCounts.max },
    failures,
  };
}
