import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database as Schema } from '../src/store/schema.js';
import type { Store } from '../src/store/store.js';
import { logRow } from '../test/store/records.js';
import { runProbe, type ProbeResult } from './probe.js';

/**
 * The request log's cost on the event loop, its writes on the main thread (as
 * before the log writer thread) against on the thread (platform/node/log-writer.ts):
 *
 *   npx tsx bench/log-writer.ts            every mode, each in a process of its own, as a table
 *   npx tsx bench/log-writer.ts thread     one mode (the names below), as JSON
 *   LOG_BENCH_DIST=1 npx tsx bench/log-writer.ts   the same on the compiled dist/
 *
 * Recorder modes: a recorder on a SQLite file is fed LOG_BENCH_RATE rows a
 * second (default 500), evenly (due by the clock, looked at every 10 ms), for
 * LOG_BENCH_SECONDS (default 10), flushed every second as the gateway's job
 * does and early at each full batch (100 rows). `discard` throws the writes
 * away (the baseline: rows made and queued), `main` writes them on the main
 * thread, `thread` on the log writer thread.
 * Batch modes: LOG_BENCH_BATCHES (default 200) batches of 100 rows written
 * one after another, unpaced, on the main thread or through the thread: the
 * main thread's CPU per row written (CPU time, so the scheduler's preemptions
 * of a shared machine do not count), made rows' cost included in both.
 * Gateway modes: a gateway (mock upstream, SQLite file) answers a steady
 * LOG_BENCH_RATE chat requests a second from the bench's paced probe (a
 * process of its own) after a 2 s warm-up; `gateway-main` has the log writer
 * thread ended first (its writes then go on in process, as before it),
 * `gateway-thread` keeps it.
 * Measured on the main thread only: the event loop's delay
 * (monitorEventLoopDelay, 1 ms resolution: max and p99), the worst lateness of
 * a 1 ms interval timer and how many of its turns came 2 ms or more late, the main thread's CPU (/proc/self/task/<pid>/stat,
 * 10 ms ticks) per row; `process CPU` is the whole process's, the thread's
 * included; RSS at the end. On a shared machine the max figures are mostly
 * the scheduler's: run it a few times and compare late turns and CPU.
 */
/**
 * Switchboard's modules: from src/ (through tsx), or with LOG_BENCH_DIST=1 the
 * compiled dist/ (`npm run build` first), whose log writer thread then runs
 * compiled JavaScript too, without tsx in it (its RSS is the shipped one).
 */
const root = process.env.LOG_BENCH_DIST === '1' ? '../dist' : '../src';
const load = <T>(path: string): Promise<T> => import(`${root}/${path}`) as Promise<T>;
const { configSchema } = await load<typeof import('../src/config/schema.js')>('config/schema.js');
const { startNodeGateway } = await load<typeof import('../src/platform/node/gateway.js')>('platform/node/gateway.js');
const { logWriterOf, openSqliteStore } = await load<typeof import('../src/platform/node/sqlite.js')>('platform/node/sqlite.js');
const { connectionPragmas, withStatementCache } = await load<typeof import('../src/platform/node/sqlite-connection.js')>('platform/node/sqlite-connection.js');
const { createKyselyStore } = await load<typeof import('../src/store/kysely-store.js')>('store/kysely-store.js');
const { migrate } = await load<typeof import('../src/store/migrations.js')>('store/migrations.js');
const { createRecorder } = await load<typeof import('../src/usage/recorder.js')>('usage/recorder.js');

type Mode = 'discard' | 'main' | 'thread' | 'batches-main' | 'batches-thread' | 'gateway-main' | 'gateway-thread';
const MODES: Mode[] = ['discard', 'main', 'thread', 'batches-main', 'batches-thread', 'gateway-main', 'gateway-thread'];
const RATE = Number(process.env.LOG_BENCH_RATE ?? 500);
const SECONDS = Number(process.env.LOG_BENCH_SECONDS ?? 10);
const TICK_MS = 10;
const KEY = 'sk-sb-bench-key-0000000000000000000000001';
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Result {
  mode: Mode;
  rows: number;
  loopMaxMs: number;
  loopP99Ms: number;
  timerWorstLateMs: number;
  /** Turns of the 1 ms timer that came 2 ms or more late: the stalls, counted (a loaded machine's preemptions too). */
  lateTurns: number;
  mainCpuMs: number;
  /** The process's resident memory at the end, MB. */
  rssMb: number;
  processCpuMs: number;
  /** Gateway modes: the probe's latency, client side. */
  clientP99Ms?: number;
}

/** The main thread's CPU time in ms (utime + stime of its task; 100 ticks a second on Linux). */
function mainThreadCpuMs(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Watches the main thread over `run`: the event loop's delay, a 1 ms timer's lateness, CPU. */
async function measured(run: () => Promise<number>): Promise<Omit<Result, 'mode'>> {
  let worstLate = 0;
  let lateTurns = 0;
  let expected = performance.now() + 1;
  const probe = setInterval(() => {
    const now = performance.now();
    worstLate = Math.max(worstLate, now - expected);
    if (now - expected >= 2) lateTurns++;
    expected = now + 1;
  }, 1);
  const delay = monitorEventLoopDelay({ resolution: 1 });
  const cpu0 = mainThreadCpuMs();
  const proc0 = process.cpuUsage();
  delay.enable();
  const rows = await run();
  delay.disable();
  clearInterval(probe);
  const proc = process.cpuUsage(proc0);
  return {
    rows,
    // The histogram's figures are in ns and include its own 1 ms resolution.
    loopMaxMs: delay.max / 1e6,
    loopP99Ms: delay.percentile(99) / 1e6,
    timerWorstLateMs: worstLate,
    lateTurns,
    mainCpuMs: mainThreadCpuMs() - cpu0,
    rssMb: process.memoryUsage().rss / 2 ** 20,
    processCpuMs: (proc.user + proc.system) / 1000,
  };
}

/** The store as it was before the thread: the same connection setup as sqlite.ts, every write on this thread. */
async function mainThreadStore(path: string): Promise<Store> {
  const sqlite = new Database(path);
  connectionPragmas(sqlite);
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  await migrate(db);
  return createKyselyStore(db);
}

/** The baseline: the same store, its log writes thrown away. */
function discarding(store: Store): Store {
  return { ...store, logs: { ...store.logs, write: async () => {} } };
}

async function runRecorder(mode: 'discard' | 'main' | 'thread', path: string): Promise<Result> {
  // Migrated by openSqliteStore either way, so every mode writes the same file layout.
  const opened = await openSqliteStore(`sqlite:${path}`);
  const store = mode === 'main' ? (await opened.close(), await mainThreadStore(path)) : mode === 'discard' ? discarding(opened) : opened;
  const recorder = createRecorder(store, { sleep, log: (m) => console.error(m) });
  let seq = 0;
  const feed = (n: number) => {
    for (let i = 0; i < n; i++) recorder.record(logRow({ id: `req_${process.pid}_${++seq}`, ts: Date.now(), attempts: null, warnings: null, translation: null, metadata: null }));
  };
  // Warm-up: the thread started, statements prepared, JIT settled.
  for (let i = 0; i < 5; i++) {
    feed(100);
    await recorder.flush();
  }
  const result = await measured(async () => {
    // Rows due by the clock, not by ticks: a late tick catches up, so every mode writes the same rows.
    const started = performance.now();
    let fed = 0;
    const feeder = setInterval(() => {
      const due = Math.floor(((performance.now() - started) * RATE) / 1000);
      feed(due - fed);
      fed = due;
    }, TICK_MS);
    const job = setInterval(() => void recorder.flush(), 1000);
    await sleep(SECONDS * 1000);
    clearInterval(feeder);
    clearInterval(job);
    await recorder.flush();
    return fed;
  });
  await store.close();
  return { mode, ...result };
}

async function runGateway(mode: 'gateway-main' | 'gateway-thread', dir: string): Promise<Result> {
  const config = configSchema.parse({
    server: { host: '127.0.0.1', port: 0 },
    adminKey: 'sb-admin-bench-0000000000000000',
    storage: { url: `sqlite:${join(dir, 'gateway.db')}` },
    upstreams: [{ id: 'mock', kind: 'mock', models: ['mock-model'] }],
    keys: [{ name: 'bench', group: 'bench', key: KEY }],
  });
  const gw = await startNodeGateway(config, { log: (line) => console.error(line), webDir: false });
  try {
    const load = (seconds: number) => probeInChild(`${gw.url}/v1/chat/completions`, seconds);
    await load(2);
    await gw.ctx.recorder.flush();
    if (mode === 'gateway-main') await logWriterOf(gw.ctx.store)?.thread()?.terminate();
    let client: ProbeResult | undefined;
    const result = await measured(async () => {
      client = await load(SECONDS);
      await gw.ctx.recorder.flush();
      return client.requests;
    });
    return { mode, ...result, clientP99Ms: client?.p99 };
  } finally {
    await gw.close();
  }
}

/** The paced probe, in a process of its own so that its work is not the gateway's event loop's. */
function probeInChild(url: string, seconds: number): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), 'probe', url, String(seconds)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as ProbeResult) : reject(new Error(`probe: exit ${code}`))));
  });
}

async function runBatches(mode: 'batches-main' | 'batches-thread', path: string): Promise<Result> {
  const opened = await openSqliteStore(`sqlite:${path}`);
  const store = mode === 'batches-main' ? (await opened.close(), await mainThreadStore(path)) : opened;
  let seq = 0;
  const batch = () => Array.from({ length: 100 }, () => logRow({ id: `req_${++seq}`, ts: Date.now(), attempts: null, warnings: null, translation: null, metadata: null }));
  for (let i = 0; i < 10; i++) await store.logs.write(batch());
  const result = await measured(async () => {
    const batches = Number(process.env.LOG_BENCH_BATCHES ?? 200);
    for (let i = 0; i < batches; i++) await store.logs.write(batch());
    return batches * 100;
  });
  await store.close();
  return { mode, ...result };
}

async function runMode(mode: Mode): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-log-bench-'));
  try {
    if (mode === 'batches-main' || mode === 'batches-thread') return await runBatches(mode, join(dir, 'bench.db'));
    if (mode === 'gateway-main' || mode === 'gateway-thread') return await runGateway(mode, dir);
    return await runRecorder(mode, join(dir, 'bench.db'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runAll(modes: Mode[]): Promise<void> {
  const results: Result[] = [];
  for (const mode of modes) {
    const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), mode], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    if (code !== 0) throw new Error(`${mode}: exit ${code}`);
    results.push(JSON.parse(out.trim().split('\n').pop()!) as Result);
  }
  const base = results.find((r) => r.mode === 'discard');
  console.log(`${RATE} rows/s for ${SECONDS} s per mode, Switchboard from ${root.slice(3)}/`);
  console.log('mode            rows  loop max ms  loop p99 ms  timer worst late ms  late turns  main CPU ms  main µs/row  over discard  process CPU ms  RSS MB  client p99 ms');
  for (const r of results) {
    const overBase = base && (r.mode === 'main' || r.mode === 'thread') ? (((r.mainCpuMs - base.mainCpuMs) * 1000) / r.rows).toFixed(1) : '-';
    const cells = [
      r.mode.padEnd(14),
      String(r.rows).padStart(6),
      r.loopMaxMs.toFixed(2).padStart(12),
      r.loopP99Ms.toFixed(2).padStart(12),
      r.timerWorstLateMs.toFixed(2).padStart(20),
      String(r.lateTurns).padStart(11),
      String(r.mainCpuMs).padStart(12),
      ((r.mainCpuMs * 1000) / r.rows).toFixed(1).padStart(12),
      overBase.padStart(13),
      r.processCpuMs.toFixed(0).padStart(15),
      r.rssMb.toFixed(0).padStart(7),
      (r.clientP99Ms === undefined ? '-' : r.clientP99Ms.toFixed(2)).padStart(14),
    ];
    console.log(cells.join(' '));
  }
}

const [arg, ...rest] = process.argv.slice(2);
if (arg === 'probe') {
  const [url, seconds] = rest;
  const body = JSON.stringify({ model: 'mock-model', messages: [{ role: 'user', content: 'hello there' }] });
  const result = await runProbe({ url: url!, body, headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, rate: RATE, durationS: Number(seconds) });
  console.log(JSON.stringify(result));
} else if (arg) {
  if (!MODES.includes(arg as Mode)) throw new Error(`mode: one of ${MODES.join(', ')}`);
  console.log(JSON.stringify(await runMode(arg as Mode)));
} else await runAll(process.env.LOG_BENCH_MODES ? (process.env.LOG_BENCH_MODES.split(',') as Mode[]) : MODES);
