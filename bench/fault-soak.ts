import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { sharedBackends, type SharedBackends } from '../test/replicas/backends.js';
import { ensureServerBuilt } from '../scripts/build.js';
import { killAll, runCompiledChildren, startChild } from './children.js';
import { compileChildren } from './compile-children.js';
import type { ServedTally } from './fake-upstream.js';
import { runPaced } from './paced.js';
import { rssMb } from './rss.js';
import { ANTHROPIC_HEADERS, ANTHROPIC_MODEL, CLIENT_KEY } from './scenarios.js';
import { latencyOf } from './stats.js';

/**
 * The fault soak: Switchboard under an even load of mixed client shapes for a
 * long time while its upstream fails some tries on purpose, to show that
 * nothing is lost and nothing leaks.
 *
 * - Load: SOAK_RATE requests a second (default 300) for SOAK_SECONDS (default
 *   1800), cycling through six shapes: OpenAI Chat and its stream, Anthropic
 *   Messages and its stream (passed through), an Anthropic stream on the
 *   OpenAI upstream and an OpenAI stream on the Anthropic one (translated).
 * - Faults (bench/fake-upstream.ts), picked per request from a fixed seed:
 *   2 % answer 500 and 2 % 503 on their first try, 1 % have the connection
 *   reset before any header, 0.1 % get 429 with Retry-After: 1; each
 *   upstream has four credentials, so the gateway retries elsewhere and the
 *   client must get a complete answer. 2 % of streams are cut halfway: that
 *   client must see a stream that does not finish (an error is expected).
 * - Checks: no unexpected client error; one request-log row per request
 *   sent; the tokens of the rows answered in full equal the usage the fake
 *   reported in the answers it finished; RSS flat (the last fifth of the run
 *   within 15 % or 20 MB of the first fifth after warm-up).
 *
 * Not part of CI (it runs for half an hour). Usage:
 *   npx tsx bench/fault-soak.ts                  # SQLite, 30 min at 300/s
 *   SOAK_SECONDS=120 npx tsx bench/fault-soak.ts # a short check
 *   SOAK_STORAGE=shared npx tsx bench/fault-soak.ts  # PostgreSQL + Redis
 * Writes bench/results/fault-soak-<time>.json and exits 1 when a check fails.
 */
const RATE = Number(process.env.SOAK_RATE ?? 300);
const SECONDS = Number(process.env.SOAK_SECONDS ?? 1800);
const STORAGE = process.env.SOAK_STORAGE === 'shared' ? 'shared' : 'sqlite';
const SEED = Number(process.env.SOAK_SEED ?? 15);
const WARMUP_S = Math.min(30, Math.max(5, Math.round(SECONDS / 20)));

const OPENAI_HEADERS = { 'content-type': 'application/json', authorization: `Bearer ${CLIENT_KEY}` };
const messages = [{ role: 'user', content: 'Say hello.' }];

interface Shape {
  name: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  stream: boolean;
}

const shape = (name: string, path: string, headers: Record<string, string>, body: object): Shape => ({
  name,
  path,
  headers,
  body: Buffer.from(JSON.stringify(body)),
  stream: (body as { stream?: boolean }).stream === true,
});

const SHAPES: Shape[] = [
  shape('openai chat', '/v1/chat/completions', OPENAI_HEADERS, { model: 'bench-model', messages }),
  shape('openai stream', '/v1/chat/completions', OPENAI_HEADERS, { model: 'bench-model', messages, stream: true }),
  shape('anthropic', '/v1/messages', ANTHROPIC_HEADERS, { model: ANTHROPIC_MODEL, max_tokens: 256, messages }),
  shape('anthropic stream', '/v1/messages', ANTHROPIC_HEADERS, { model: ANTHROPIC_MODEL, max_tokens: 256, messages, stream: true }),
  shape('anthropic stream on openai', '/v1/messages', ANTHROPIC_HEADERS, { model: 'bench-model', max_tokens: 256, messages, stream: true }),
  shape('openai stream on anthropic', '/v1/chat/completions', OPENAI_HEADERS, { model: ANTHROPIC_MODEL, messages, stream: true }),
];

type Fault = 'none' | '500' | '503' | '429' | 'reset' | 'cut';

/** The fault for request n: a hash of (seed, n), so a run can be repeated exactly. */
function faultFor(n: number, stream: boolean): Fault {
  let h = Math.imul(n ^ Math.imul(SEED, 0x9e3779b1), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  const r = ((h ^ (h >>> 16)) >>> 0) % 1000;
  if (r < 20) return '500';
  if (r < 40) return '503';
  if (r < 50) return 'reset';
  if (r < 51) return '429';
  if (r < 71 && stream) return 'cut';
  return 'none';
}

/** A complete answer: 2xx, and a stream that ends with its closing frame. */
function complete(status: number, text: string, stream: boolean): boolean {
  if (status < 200 || status >= 300) return false;
  if (!stream) return text.length > 0;
  const end = text.trimEnd();
  return end.endsWith('data: [DONE]') || end.endsWith('data: {"type":"message_stop"}');
}

interface Period {
  requests: number;
  unexpected: number;
  p50: number;
  p99: number;
  rssMb: number;
}

async function main(): Promise<void> {
  if (ensureServerBuilt() === 'built') console.log('dist/ was stale: compiled it first');
  runCompiledChildren(compileChildren());
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-fault-soak-'));
  process.once('exit', () => rmSync(dataDir, { recursive: true, force: true }));
  let backends: SharedBackends | undefined;
  const fake = await startChild('fake', './fake-upstream.ts', ['--chunks', '20']);
  const args = [fake.url, dataDir, CLIENT_KEY];
  if (STORAGE === 'shared') {
    backends = await sharedBackends();
    args.push(backends.storage.url, JSON.stringify(backends.counters));
  }
  process.env.BENCH_CREDENTIALS = '4';
  const gateway = await startChild('switchboard', './switchboard.ts', args);
  console.log(`fault soak: ${STORAGE}, ${RATE}/s for ${SECONDS} s after ${WARMUP_S} s of warm-up, seed ${SEED}`);

  const pool = new Pool(gateway.url, { connections: 128, keepAliveTimeout: 30_000 });
  const send = async (n: number, fault: Fault) => {
    const s = SHAPES[n % SHAPES.length];
    const headers = fault === 'none' ? s.headers : { ...s.headers, 'x-bench-fault': fault, 'x-bench-req': `r${n}` };
    try {
      const res = await pool.request({ path: s.path, method: 'POST', headers, body: s.body });
      const text = await res.body.text();
      return { ok: complete(res.statusCode, text, s.stream), why: `${res.statusCode} ${text.slice(-160).replace(/\s+/g, ' ')}` };
    } catch (err) {
      return { ok: false, why: String(err) };
    }
  };

  // Warm-up, faults included, so the first period is not the process's JIT; its requests count in the totals too.
  const warmupTotal = Math.round(RATE * WARMUP_S);
  let sent = 0;
  let expectedFailures = 0;
  const unexpected: string[] = [];
  /** Notes request n's result; true when it is not what its fault calls for. */
  const judge = (n: number, fault: Fault, result: { ok: boolean; why: string }): boolean => {
    const name = SHAPES[n % SHAPES.length].name;
    if (fault === 'cut' && !result.ok) expectedFailures++;
    else if (fault === 'cut') unexpected.push(`#${n} ${name}: cut upstream, yet a complete answer`);
    else if (!result.ok) unexpected.push(`#${n} ${name} (fault ${fault}): ${result.why}`);
    return fault === 'cut' ? result.ok : !result.ok;
  };
  await runPaced({
    rate: RATE,
    total: warmupTotal,
    fire: async () => {
      const n = sent++;
      const fault = faultFor(n, SHAPES[n % SHAPES.length].stream);
      judge(n, fault, await send(n, fault));
    },
  });

  const periodS = SECONDS >= 600 ? 60 : 10;
  const periods: Period[] = [];
  const latencies: number[][] = [];
  const began = performance.now();
  const periodOf = (at: number) => Math.floor((at - began) / 1000 / periodS);
  const count = Math.floor(SECONDS / periodS);
  for (let i = 0; i < count; i++) {
    periods.push({ requests: 0, unexpected: 0, p50: NaN, p99: NaN, rssMb: NaN });
    latencies.push([]);
  }
  const sampler = setInterval(() => {
    const p = periods[periodOf(performance.now())];
    const mb = rssMb(gateway.pid);
    if (p && !Number.isNaN(mb) && !(mb <= p.rssMb)) p.rssMb = mb;
  }, 1000);
  await runPaced({
    rate: RATE,
    total: Math.round(RATE * count * periodS),
    fire: async () => {
      const n = sent++;
      const fault = faultFor(n, SHAPES[n % SHAPES.length].stream);
      const start = performance.now();
      const result = await send(n, fault);
      const p = periods[periodOf(start)];
      const bad = judge(n, fault, result);
      if (!p) return;
      p.requests++;
      if (bad) p.unexpected++;
      else if (result.ok) latencies[periodOf(start)].push(performance.now() - start);
    },
  });
  clearInterval(sampler);
  for (const [i, p] of periods.entries()) Object.assign(p, { p50: latencyOf(latencies[i]).p50, p99: latencyOf(latencies[i]).p99 });
  await pool.close();

  const gatewayReport = await gateway.stop(60_000);
  const served = ((await fake.stop()).served ?? {}) as ServedTally;
  await backends?.close();
  killAll();

  // Compare: rows against requests, tokens of full answers against what the fake reported.
  const rows = (gatewayReport.requestLog ?? []) as { outcome: string; stream: unknown; n: number }[];
  const tokens = (gatewayReport.outcomeTokens ?? []) as { outcome: string; estimated: boolean; rows: number; input: number; output: number }[];
  const recorded = rows.reduce((sum, r) => sum + r.n, 0);
  const full = tokens.filter((t) => t.outcome === 'ok' && !t.estimated);
  const fullInput = full.reduce((sum, t) => sum + t.input, 0);
  const fullOutput = full.reduce((sum, t) => sum + t.output, 0);
  const fifth = Math.max(1, Math.floor(periods.length / 5));
  const meanRss = (ps: Period[]) => ps.reduce((sum, p) => sum + p.rssMb, 0) / ps.length;
  const rssFirst = meanRss(periods.slice(0, fifth));
  const rssLast = meanRss(periods.slice(-fifth));
  const checks = {
    'no unexpected client error': unexpected.length === 0,
    'one row per request': recorded === sent,
    'full answers: rows == fake answers': full.reduce((sum, t) => sum + t.rows, 0) === served.answers,
    'input tokens == fake usage': fullInput === served.inputTokens,
    'output tokens == fake usage': fullOutput === served.outputTokens,
    'RSS flat': rssLast - rssFirst < Math.max(20, rssFirst * 0.15),
  };

  const record = {
    date: new Date().toISOString(),
    command: `${['SOAK_RATE', 'SOAK_SECONDS', 'SOAK_STORAGE', 'SOAK_SEED'].filter((k) => process.env[k]).map((k) => `${k}=${process.env[k]} `).join('')}npx tsx bench/fault-soak.ts`,
    storage: STORAGE,
    rate: RATE,
    seconds: SECONDS,
    seed: SEED,
    sent,
    expectedFailures,
    unexpected: unexpected.slice(0, 50),
    unexpectedCount: unexpected.length,
    recorded,
    rows,
    tokens,
    served,
    rss: { firstFifthMb: rssFirst, lastFifthMb: rssLast },
    periodS,
    periods,
    checks,
    ok: Object.values(checks).every(Boolean),
  };
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `fault-soak-${record.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(record, null, 2));

  console.log(`\nsent ${sent}; ${expectedFailures} cut streams failed as expected; ${unexpected.length} unexpected client errors`);
  for (const line of unexpected.slice(0, 10)) console.log(`  ${line}`);
  console.log(`fake: ${served.answers} full answers (${served.inputTokens} in / ${served.outputTokens} out tokens reported), faults ${JSON.stringify(served.faults)}`);
  console.log(`request log: ${recorded} rows ${JSON.stringify(rows)}; full answers ${fullInput} in / ${fullOutput} out`);
  console.log(`per ${periodS} s: p50 ${periods.map((p) => p.p50.toFixed(1)).join(' ')} ms`);
  console.log(`        p99 ${periods.map((p) => p.p99.toFixed(1)).join(' ')} ms`);
  console.log(`        RSS ${periods.map((p) => Math.round(p.rssMb)).join(' ')} MB (first fifth ${rssFirst.toFixed(1)}, last fifth ${rssLast.toFixed(1)})`);
  for (const [name, pass] of Object.entries(checks)) console.log(`${pass ? 'PASS' : 'FAIL'}  ${name}`);
  console.log(`\nResults: ${file}`);
  if (!record.ok) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(`\nFAULT SOAK FAILED: ${err instanceof Error ? err.stack : String(err)}`);
  killAll();
  process.exit(1);
});
