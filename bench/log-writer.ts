import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database as Schema } from '../src/store/schema.js';
import type { Store } from '../src/store/store.js';
import { createKyselyStore } from '../src/store/kysely-store.js';
import { migrate } from '../src/store/migrations.js';
import { openSqliteStore } from '../src/platform/node/sqlite.js';
import { connectionPragmas, withStatementCache } from '../src/platform/node/sqlite-connection.js';
import { createRecorder } from '../src/usage/recorder.js';
import { logRow } from '../test/store/records.js';

/**
 * The recorder's cost on the event loop, with its writes on the main thread
 * (as before the log writer thread) and on the thread (platform/node/log-writer.ts):
 *
 *   npx tsx bench/log-writer.ts            every mode, each in a process of its own, as a table
 *   npx tsx bench/log-writer.ts thread     one mode: idle | main | thread
 *
 * A recorder on a SQLite file is fed LOG_BENCH_RATE rows a second (default
 * 500), evenly (a few rows every 10 ms), for LOG_BENCH_SECONDS (default 10),
 * flushing every second as the gateway's job does and early at each full
 * batch (100 rows). Measured on the main thread only: the event loop's delay
 * (monitorEventLoopDelay, 1 ms resolution: max and p99), the worst lateness of
 * a 1 ms interval timer, and the main thread's CPU (/proc/self/task/<pid>/stat,
 * 10 ms ticks) per row written, after the CPU of `idle` (the same timers, no
 * rows) is taken off. `process` is the whole process's CPU, thread included.
 */
type Mode = 'idle' | 'main' | 'thread';
const MODES: Mode[] = ['idle', 'main', 'thread'];
const RATE = Number(process.env.LOG_BENCH_RATE ?? 500);
const SECONDS = Number(process.env.LOG_BENCH_SECONDS ?? 10);
const TICK_MS = 10;

interface Result {
  mode: Mode;
  rows: number;
  loopMaxMs: number;
  loopP99Ms: number;
  timerWorstLateMs: number;
  mainCpuMs: number;
  processCpuMs: number;
}

/** The main thread's CPU time in ms (utime + stime of its task; 100 ticks a second on Linux). */
function mainThreadCpuMs(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The store as it was before the thread: the same connection setup as sqlite.ts, every write on this thread. */
async function mainThreadStore(path: string): Promise<Store> {
  const sqlite = new Database(path);
  connectionPragmas(sqlite);
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  await migrate(db);
  return createKyselyStore(db);
}

async function runMode(mode: Mode): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-log-bench-'));
  const path = join(dir, 'bench.db');
  // Migrated first by openSqliteStore either way, so both modes write the same file layout.
  const opened = await openSqliteStore(`sqlite:${path}`);
  const store = mode === 'main' ? (await opened.close(), await mainThreadStore(path)) : opened;
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
  const recorder = createRecorder(store, { sleep, log: (m) => console.error(m) });
  let seq = 0;
  const feed = (n: number) => {
    for (let i = 0; i < n; i++) recorder.record(logRow({ id: `req_${process.pid}_${++seq}`, ts: Date.now(), attempts: null, warnings: null, translation: null, metadata: null }));
  };
  // Warm-up: the thread started, statements prepared, JIT settled.
  if (mode !== 'idle') {
    for (let i = 0; i < 5; i++) {
      feed(100);
      await recorder.flush();
    }
  }
  const perTick = (RATE * TICK_MS) / 1000;
  let owed = 0;
  const feeder = setInterval(() => {
    if (mode === 'idle') return;
    owed += perTick;
    const n = Math.floor(owed);
    owed -= n;
    feed(n);
  }, TICK_MS);
  const job = setInterval(() => void recorder.flush(), 1000);
  let worstLate = 0;
  let expected = performance.now() + 1;
  const probe = setInterval(() => {
    const now = performance.now();
    worstLate = Math.max(worstLate, now - expected);
    expected = now + 1;
  }, 1);
  const delay = monitorEventLoopDelay({ resolution: 1 });
  const seqBefore = seq;
  const cpu0 = mainThreadCpuMs();
  const proc0 = process.cpuUsage();
  delay.enable();
  await sleep(SECONDS * 1000);
  delay.disable();
  clearInterval(feeder);
  clearInterval(job);
  clearInterval(probe);
  await recorder.flush();
  const mainCpuMs = mainThreadCpuMs() - cpu0;
  const proc = process.cpuUsage(proc0);
  const rows = seq - seqBefore;
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    mode,
    rows,
    // The histogram's figures are in ns and include its own 1 ms resolution.
    loopMaxMs: delay.max / 1e6,
    loopP99Ms: delay.percentile(99) / 1e6,
    timerWorstLateMs: worstLate,
    mainCpuMs,
    processCpuMs: (proc.user + proc.system) / 1000,
  };
}

function runAll(): void {
  const results: Result[] = [];
  for (const mode of MODES) {
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), mode], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (child.status !== 0) throw new Error(`${mode}: exit ${child.status}`);
    results.push(JSON.parse(child.stdout.trim().split('\n').pop()!) as Result);
  }
  const idle = results.find((r) => r.mode === 'idle')!;
  console.log(`${RATE} rows/s for ${SECONDS} s per mode`);
  console.log('mode    rows   loop max ms  loop p99 ms  1ms-timer worst late ms  main CPU ms  main CPU µs/row (over idle)  process CPU ms');
  for (const r of results) {
    const perRow = r.rows > 0 ? ((r.mainCpuMs - idle.mainCpuMs) * 1000) / r.rows : 0;
    console.log(
      [r.mode.padEnd(6), String(r.rows).padStart(5), r.loopMaxMs.toFixed(2).padStart(11), r.loopP99Ms.toFixed(2).padStart(12), r.timerWorstLateMs.toFixed(2).padStart(24), String(r.mainCpuMs).padStart(12), (r.rows > 0 ? perRow.toFixed(1) : '-').padStart(28), r.processCpuMs.toFixed(0).padStart(15)].join(' '),
    );
  }
}

const mode = process.argv[2] as Mode | undefined;
if (mode) {
  if (!MODES.includes(mode)) throw new Error(`mode: one of ${MODES.join(', ')}`);
  console.log(JSON.stringify(await runMode(mode)));
} else runAll();
