import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TICK_MICROS } from './proc-tree.js';
import { pinned } from './pin.js';
import type { Latency } from './stats.js';

/**
 * One wrk run (the Debian package, 4.1: written in C, so the load generator
 * does not cost what the target's own runtime would). wrk has no flag for a
 * method, body or machine-readable output: a generated Lua script sets them
 * and its `done()` prints one JSON line. That line also carries wrk's own CPU
 * time from /proc/self/stat, read after its threads have finished, so its CPU
 * per request sits beside the target's.
 */
export interface WrkSpec {
  url: string;
  body: string;
  headers: Record<string, string>;
  connections: number;
  threads: number;
  durationS: number;
  /** CPUs to run wrk on (taskset -c), or none to leave it where the scheduler puts it. */
  cpus?: string;
}

export interface WrkResult extends Latency {
  /** 2xx-3xx responses a second (wrk counts status >= 400 among its requests and in errors.status). */
  reqPerSec: number;
  /** Responses with status < 400 (wrk's completed requests less errors.status). */
  requests: number;
  durationS: number;
  /** Requests that got no response: wrk's socket errors (connect, read, write) and timeouts. */
  errors: number;
  /** Responses with status >= 400 (wrk's errors.status: what it can tell apart without a per-response Lua hook, which would slow it). */
  non2xx: number;
  /** wrk's error counts as it reports them. */
  errorsBy: { connect: number; read: number; write: number; status: number; timeout: number };
  p999: number;
  /** CPU time wrk used (all threads), µs. */
  wrkCpuMicros: number;
}

/** The line `done()` prints before the JSON, so wrk's own summary around it is ignored. */
export const MARK = 'WRK_JSON ';

export function luaScript(bodyFile: string, headers: Record<string, string>): string {
  const lua = (s: string) => JSON.stringify(s); // a JSON string literal is a valid Lua string literal for ASCII header values
  return `
local f = assert(io.open(${lua(bodyFile)}, "rb"))
wrk.body = f:read("*a")
f:close()
wrk.method = "POST"
${Object.entries(headers)
  .map(([name, value]) => `wrk.headers[${lua(name)}] = ${lua(value)}`)
  .join('\n')}

local function cpu_ticks()
  local stat = io.open("/proc/self/stat")
  if not stat then return -1 end
  local text = stat:read("*a")
  stat:close()
  local fields = {}
  for field in text:match("%) (.*)$"):gmatch("%S+") do fields[#fields + 1] = field end
  -- fields[1] is the state (field 3 of stat); utime and stime are fields 14 and 15
  return tonumber(fields[12]) + tonumber(fields[13])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '${MARK}{"requests":%d,"durationUs":%d,"bytes":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latencyUs":{"p50":%d,"p90":%d,"p99":%d,"p999":%d,"mean":%.1f,"max":%d},"cpuTicks":%d}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.mean, latency.max, cpu_ticks()))
end
`;
}

interface WrkLine {
  requests: number;
  durationUs: number;
  errors: WrkResult['errorsBy'];
  latencyUs: { p50: number; p90: number; p99: number; p999: number; mean: number; max: number };
  cpuTicks: number;
}

/** wrk's stdout to figures: the marked JSON line, latencies in ms. */
export function parseWrk(stdout: string, tickMicros = TICK_MICROS): WrkResult {
  const line = stdout.split('\n').find((l) => l.startsWith(MARK));
  if (!line) throw new Error(`wrk printed no result line:\n${stdout.slice(-1000)}`);
  const raw = JSON.parse(line.slice(MARK.length)) as WrkLine;
  const { errors, latencyUs: l } = raw;
  const durationS = raw.durationUs / 1e6;
  const requests = Math.max(0, raw.requests - errors.status);
  return {
    reqPerSec: durationS > 0 ? requests / durationS : NaN,
    requests,
    durationS,
    errors: errors.connect + errors.read + errors.write + errors.timeout,
    non2xx: errors.status,
    errorsBy: errors,
    // wrk's histogram counts every completed response, errors.status ones included.
    samples: raw.requests,
    p50: l.p50 / 1000,
    p90: l.p90 / 1000,
    p99: l.p99 / 1000,
    p999: l.p999 / 1000,
    mean: l.mean / 1000,
    max: l.max / 1000,
    wrkCpuMicros: raw.cpuTicks >= 0 ? raw.cpuTicks * tickMicros : NaN,
  };
}

/** wrk's version line, or undefined when it is not installed. */
export function wrkVersion(): string | undefined {
  const wrk = spawnSync('wrk', ['-v'], { encoding: 'utf8' });
  if (wrk.error) return undefined;
  // `wrk -v` prints its version line and then its usage, and exits 1.
  return `${wrk.stdout ?? ''}${wrk.stderr ?? ''}`.split('\n')[0]?.replace(/ Copyright.*/, '').trim() || 'wrk (version unknown)';
}

export async function runWrk(spec: WrkSpec): Promise<WrkResult> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-wrk-'));
  try {
    const bodyFile = join(dir, 'body');
    const script = join(dir, 'post.lua');
    writeFileSync(bodyFile, spec.body);
    writeFileSync(script, luaScript(bodyFile, spec.headers));
    const args = ['-t', String(spec.threads), '-c', String(spec.connections), '-d', `${spec.durationS}s`, '--timeout', '10s', '-s', script, spec.url];
    const [command, ...rest] = pinned(spec.cpus, 'wrk', args);
    const stdout = await new Promise<string>((resolve, reject) => {
      const proc = spawn(command, rest, { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
      proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
      proc.once('error', reject);
      proc.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`wrk exited with ${code}: ${err || out}`))));
    });
    return parseWrk(stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
