import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedBackends, type SharedBackends } from '../test/replicas/backends.js';
import { ensureServerBuilt } from '../scripts/build.js';
import { killAll, runCompiledChildren, startChild, type Child } from './children.js';
import { compileChildren } from './compile-children.js';
import { compare, type Priced, type ScenarioResult, type Workloads } from './compare.js';
import { foreignShare, ticks } from './machine.js';
import { affinity, choosePinning, pinProcess } from './pin.js';
import { printRun } from './print.js';
import { runProbe, runSequential } from './probe.js';
import { processTree } from './proc-tree.js';
import { describeMachine, writeResults, type RunRecord } from './report.js';
import { writeDocs } from './report-md.js';
import { sampleRss } from './rss.js';
import { CLIENT_KEY, scenarios as allScenarios, shapes, smokeTest, type Scenario, type Shape, type Target } from './scenarios.js';
import { judge, type Storage } from './targets.js';
import { measureBigRequest } from './big-request.js';
import { runSlowStreams } from './slow-streams.js';
import { runSoak } from './soak.js';
import { startWorker } from './worker.js';
import { runWrk, wrkVersion } from './wrk.js';

/**
 * `npm run bench`: the fake upstream, a bare Node proxy and Switchboard (the
 * compiled dist/, built first when stale), each in its own process; wrk (C)
 * for throughput, the bench's own evenly paced probe for latency. The process
 * under test runs on BENCH_TARGET_CPUS, everything else on BENCH_LOAD_CPUS
 * (bench/pin.ts). Switchboard runs on SQLite with in-memory counters, and as a
 * replica on PostgreSQL + Redis (a schema and key prefix of its own, removed
 * afterwards; SWITCHBOARD_TEST_POSTGRES / SWITCHBOARD_TEST_REDIS say where).
 * Per scenario: the paced probe at BENCH_RATE with the target's peak RSS; wrk
 * at BENCH_CONNECTIONS (the two each after BENCH_WARMUP seconds of the same
 * load); BENCH_SEQUENTIAL requests one at a time. Then the workloads, each on a fresh gateway: the 280 KB request,
 * BENCH_SLOW_STREAMS concurrent slow streams, a BENCH_SOAK-second soak. Every
 * performance target is printed pass / fail / not run; the run goes to
 * bench/results/ and, for a full run, docs/performance.md and .svg.
 * The Worker scenarios (worker, worker-stream) run only when BENCH_ONLY names them.
 */
const env = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const settings = {
  durationS: env('BENCH_DURATION', 10),
  warmupS: env('BENCH_WARMUP', 3),
  connections: env('BENCH_CONNECTIONS', 32),
  wrkThreads: env('BENCH_WRK_THREADS', 1),
  rate: env('BENCH_RATE', 500),
  /**
   * The Worker's paced rate: under wrangler dev every request also crosses a proxy workerd and
   * wrangler's Node host, and it holds far less than Node here.
   */
  workerRate: env('BENCH_WORKER_RATE', 10),
  pacedS: env('BENCH_PACED', 10),
  sequential: env('BENCH_SEQUENTIAL', 2000),
  chunks: env('BENCH_CHUNKS', 50),
  bigRequests: env('BENCH_BIG_REQUESTS', 200),
  slowStreams: env('BENCH_SLOW_STREAMS', 2000),
  /** Each slow stream: this many chunks, this far apart (the fake's x-bench-chunks / x-bench-delay-ms). */
  slowChunks: env('BENCH_SLOW_CHUNKS', 50),
  slowDelayMs: env('BENCH_SLOW_DELAY_MS', 100),
  soakS: env('BENCH_SOAK', 600),
};
const WORKER_HOST = process.env.BENCH_WORKER_DIRECT === '1' ? 'workerd direct' : 'wrangler dev';
const SHAPES = shapes();
const step = (text: string) => process.stdout.write(text);

interface Context {
  fake: Child;
  everyone: Child[];
}

/** CPU time of each bench process over a run (per request), its event-loop stalls, and the CPU others took. */
async function priced<T extends { requests: number }>(ctx: Context, server: Child, run: () => Promise<T>, extra: (r: T) => Record<string, number>): Promise<T & Priced> {
  const ours = async () => (await Promise.all(ctx.everyone.map((p) => p.stats()))).map((s, i) => ({ name: ctx.everyone[i].name, ...s }));
  const self = () => {
    const { user, system } = process.cpuUsage();
    return user + system;
  };
  const [m0, c0, o0] = [ticks(), self(), await ours()];
  const result = await run();
  const [m1, c1, o1] = [ticks(), self(), await ours()];
  const others = extra(result);
  const oursMicros = c1 - c0 + o1.reduce((sum, s, i) => sum + s.cpuTotalMicros - o0[i].cpuTotalMicros, 0) + Object.values(others).reduce((a, b) => a + (b || 0), 0);
  const of = (name: string) => o1.find((s) => s.name === name)!;
  const perRequest = (micros: number) => micros / Math.max(1, result.requests);
  const procs = server === ctx.fake ? [ctx.fake] : [server, ...(server.companions ?? []), ctx.fake];
  const cpuUsPerRequest: Record<string, number> = Object.fromEntries(procs.map((p) => [p.name, perRequest(of(p.name).cpuMicros)]));
  for (const [name, micros] of Object.entries(others)) cpuUsPerRequest[name] = perRequest(micros);
  return { ...result, cpuUsPerRequest, serverLoopDelayMs: of(server.name).loopDelayMs, foreignCpu: foreignShare(m0, m1, oursMicros) };
}

async function measure(ctx: Context, scenario: Scenario, server: Child, loadCpus: string | undefined): Promise<ScenarioResult | string> {
  const shaped = SHAPES[scenario.shape];
  const url = `${server.url}${shaped.path}`;
  const refused = await smokeTest(url, scenario.shape, shaped, settings.chunks, scenario.optional);
  if (refused) return refused;
  const base = { url, body: shaped.body, headers: shaped.headers };
  const wrk = { ...base, connections: settings.connections, threads: settings.wrkThreads, cpus: loadCpus };
  const wrkCpu = (r: { wrkCpuMicros: number }) => ({ wrk: r.wrkCpuMicros });
  const probeCpu = () => ({}); // the probe runs in this process: its CPU is 'bench' below

  // Paced first, after a paced warm-up: the gateway's peak RSS at a steady rate is then its own, not
  // what a run at full speed left in its heap (the gateway's first scenario meets a fresh process).
  const rate = scenario.rate ?? settings.rate;
  step(`${scenario.label}: warm-up...`);
  await runProbe({ ...base, rate, durationS: settings.warmupS });
  step(` paced ${rate}/s...`);
  const rss = sampleRss(server.pid);
  const paced = await withSelf(() => priced(ctx, server, () => runProbe({ ...base, rate, durationS: settings.pacedS }), probeCpu));
  const rssMb = rss.stop();
  step(` p50 ${paced.p50.toFixed(2)} ms; wrk...`);
  await runWrk({ ...wrk, durationS: settings.warmupS });
  const max = await priced(ctx, server, () => runWrk({ ...wrk, durationS: settings.durationS }), wrkCpu);
  step(` ${Math.round(max.reqPerSec)} req/s; sequential...`);
  const sequential = await withSelf(() => priced(ctx, server, () => runSequential({ ...base, count: settings.sequential }), probeCpu));
  console.log(` p50 ${sequential.p50.toFixed(2)} ms`);
  return { label: scenario.label, server: server.name, url, ratePerSec: rate, max, paced: { ...paced, rssMb }, sequential };
}

/** Adds the bench process's own CPU per request (the probe's client side) to a priced run. */
async function withSelf<T extends Priced & { requests: number }>(run: () => Promise<T>): Promise<T> {
  const before = process.cpuUsage();
  const result = await run();
  const used = process.cpuUsage(before);
  result.cpuUsPerRequest.bench = (used.user + used.system) / Math.max(1, result.requests);
  return result;
}

/** The gateway processes the workloads run on: fresh ones, so their memory and recorded rows are theirs alone. */
async function freshGateway(storage: Storage, fakeUrl: string, dataDir: string, cpus: string | undefined): Promise<{ child: Child; close(): Promise<Record<string, unknown>> }> {
  const dir = mkdtempSync(join(dataDir, `${storage}-`));
  let backends: SharedBackends | undefined;
  const args = [fakeUrl, dir, CLIENT_KEY];
  if (storage === 'shared') {
    backends = await sharedBackends();
    args.push(backends.storage.url, JSON.stringify(backends.counters));
  }
  const child = await startChild(`${storage === 'shared' ? 'shared' : 'switchboard'}-fresh`, './switchboard.ts', args, { cpus });
  return {
    child,
    async close() {
      try {
        return await child.stop();
      } finally {
        await backends?.close();
      }
    },
  };
}

/** Rows the gateway recorded, from bench/switchboard.ts's report (request_log by outcome). */
function recordedRows(report: Record<string, unknown>): number | undefined {
  const rows = report.requestLog as { n: number }[] | undefined;
  return rows ? rows.reduce((sum, r) => sum + Number(r.n), 0) : undefined;
}

async function runWorkloads(
  storages: Storage[],
  ctx: { fakeUrl: string; dataDir: string; cpus?: string; gateways: Partial<Record<Storage, Child>>; wanted: (id: string) => boolean },
): Promise<Workloads> {
  const out: Workloads = { bigRequest: {}, slowStreams: {}, soak: {} };
  for (const storage of storages) {
    const prefix = storage === 'shared' ? 'shared-' : '';
    const gateway = ctx.gateways[storage];
    if (gateway && ctx.wanted(`${prefix}big-request`) && settings.bigRequests > 0) {
      step(`${storage}: 280 KB request, ${settings.bigRequests} each way...`);
      // One URL: the body's model picks the Anthropic upstream (passed through) or the OpenAI one (translated).
      const url = `${gateway.url}${SHAPES.anthropic.path}`;
      const r = await measureBigRequest({ passThroughUrl: url, translatedUrl: url, headers: SHAPES.anthropic.headers, count: settings.bigRequests });
      console.log(` pass-through p50 ${r.passThrough.p50.toFixed(2)} ms, translated ${r.translated.p50.toFixed(2)} ms`);
      out.bigRequest![storage] = r;
    }
    if (ctx.wanted(`${prefix}slow-streams`) && settings.slowStreams > 0) {
      step(`${storage}: ${settings.slowStreams} slow streams on a fresh gateway...`);
      const fresh = await freshGateway(storage, ctx.fakeUrl, ctx.dataDir, ctx.cpus);
      const headers = { ...SHAPES.stream.headers, 'x-bench-chunks': String(settings.slowChunks), 'x-bench-delay-ms': String(settings.slowDelayMs) };
      let r: Awaited<ReturnType<typeof runSlowStreams>>;
      let recorded: number | undefined;
      try {
        // Every chunk and the [DONE]; the usage chunk Switchboard asks for is not passed on.
        r = await runSlowStreams({ url: `${fresh.child.url}${SHAPES.stream.path}`, body: SHAPES.stream.body, headers, count: settings.slowStreams, pid: fresh.child.pid, frames: settings.slowChunks + 1 });
      } finally {
        recorded = recordedRows(await fresh.close());
      }
      out.slowStreams![storage] = { ...r, recorded };
      console.log(` ${r.completed} of ${r.count} complete, ${recorded ?? '?'} recorded, at most ${r.maxOpen} open at once, peak ${Math.round(r.peakRssMb)} MB, ${r.seconds.toFixed(1)} s`);
    }
    if (ctx.wanted(`${prefix}soak`) && settings.soakS > 0) {
      step(`${storage}: ${settings.soakS} s soak at ${settings.rate}/s on a fresh gateway...`);
      const fresh = await freshGateway(storage, ctx.fakeUrl, ctx.dataDir, ctx.cpus);
      const mixed: Shape[] = ['chat', 'stream', 'translated', 'anthropic'];
      const targets = mixed.map((shape) => ({ url: `${fresh.child.url}${SHAPES[shape].path}`, body: SHAPES[shape].body, headers: SHAPES[shape].headers }));
      try {
        // The same mix at the same rate first, so the soak's first minute is not the fresh process's JIT warm-up.
        await Promise.all(targets.map((t) => runProbe({ ...t, rate: settings.rate / targets.length, durationS: settings.warmupS })));
        const r = await runSoak({ targets, rate: settings.rate, durationS: settings.soakS, pid: fresh.child.pid });
        out.soak![storage] = r;
        const [first, last] = [r.minutes[0], r.minutes.at(-1)];
        console.log(` ${r.minutes.length} periods of ${r.bucketS} s; p50 ${first?.p50.toFixed(2)} -> ${last?.p50.toFixed(2)} ms, RSS ${Math.round(first?.rssMb ?? NaN)} -> ${Math.round(last?.rssMb ?? NaN)} MB`);
      } finally {
        const recorded = recordedRows(await fresh.close());
        if (out.soak![storage]) out.soak![storage]!.recorded = recorded;
      }
    }
  }
  return out;
}

async function main(): Promise<void> {
  const date = new Date();
  if (!wrkVersion()) throw new Error('wrk is not installed (the Debian package: apt install wrk); the bench drives its throughput runs with it');
  const pinning = choosePinning();
  if (pinning.load) pinProcess(process.pid, pinning.load);
  // The gateway from dist/ and the bench's servers as plain JavaScript, as a deployment runs; BENCH_SOURCE=1: src/ through tsx.
  if (process.env.BENCH_SOURCE !== '1') {
    if (ensureServerBuilt() === 'built') console.log('dist/ was stale: compiled it first');
    runCompiledChildren(compileChildren());
  }

  const profile = (process.env.BENCH_PROFILE ?? '').split(',').filter(Boolean);
  const profileDir = profile.length ? mkdtempSync(join(tmpdir(), 'switchboard-bench-prof-')) : undefined;
  const nodeArgs = (name: string) => (profileDir && profile.includes(name) ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []);
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-bench-'));
  process.once('exit', () => rmSync(dataDir, { recursive: true, force: true }));
  const only = (process.env.BENCH_ONLY ?? '').split(',').filter(Boolean);
  const wanted = (id: string) => (only.length ? only.includes(id) : true);
  const scenarios = allScenarios(settings.chunks, settings.workerRate, WORKER_HOST).filter((s) => (only.length ? only.includes(s.id) : !s.optIn));
  const storages = (['sqlite', 'shared'] as const).filter(
    (s) => scenarios.some((x) => x.target === (s === 'sqlite' ? 'switchboard' : 'shared')) || ['big-request', 'slow-streams', 'soak'].some((w) => only.includes(`${s === 'shared' ? 'shared-' : ''}${w}`)),
  );
  const needs = (target: Target) => scenarios.some((s) => s.target === target) || (target === 'switchboard' && storages.includes('sqlite')) || (target === 'shared' && storages.includes('shared'));

  const fake = await startChild('fake', './fake-upstream.ts', ['--chunks', String(settings.chunks)], { nodeArgs: nodeArgs('fake'), cpus: pinning.load });
  const started: Child[] = [fake];
  const start = async (name: string, file: string, args: string[]) => {
    const child = await startChild(name, file, args, { nodeArgs: nodeArgs(name), cpus: pinning.target });
    started.push(child);
    return child;
  };
  const bare = needs('bare') ? await start('bare', './bare-proxy.ts', [fake.url]) : undefined;
  const switchboard = needs('switchboard') ? await start('switchboard', './switchboard.ts', [fake.url, dataDir, CLIENT_KEY]) : undefined;
  let backends: SharedBackends | undefined;
  let shared: Child | undefined;
  if (needs('shared')) {
    backends = await sharedBackends();
    shared = await start('shared', './switchboard.ts', [fake.url, dataDir, CLIENT_KEY, backends.storage.url, JSON.stringify(backends.counters)]);
  }
  let worker: Child | undefined;
  if (needs('worker')) {
    const w = await startWorker(fake.url, dataDir, CLIENT_KEY);
    worker = w.worker;
    worker.companions = [w.wrangler];
    started.push(w.worker, w.wrangler);
    if (pinning.target) for (const p of processTree(worker.pid)) pinProcess(p.pid, pinning.target);
  }
  const servers: Partial<Record<Target, Child>> = { fake, bare, switchboard, shared, worker };
  // What the scheduler was told, read back: every thread of each process, and this one.
  if (pinning.target) pinning.actual = Object.fromEntries([...started.map((c) => [c.name, affinity(c.pid)] as const), ['bench', affinity(process.pid)]].filter((e): e is [string, string] => e[1] !== undefined));
  const ctx: Context = { fake, everyone: started };

  const machine = await describeMachine();
  const notes: string[] = [];
  if (pinning.note) notes.push(pinning.note);
  else
    notes.push(
      `pinned: the process under test on CPU ${pinning.target}; wrk, the fake upstream and the bench on CPU ${pinning.load} ` +
        `(read back: ${Object.entries(pinning.actual ?? {})
          .map(([name, cpus]) => `${name} ${cpus}`)
          .join(', ')})`,
    );
  if (pinning.target && shared) notes.push('PostgreSQL and Redis are not pinned: they are the machine\'s services, and take CPU wherever the scheduler puts them');
  console.log(`Switchboard bench: node ${machine.node}, ${machine.cpu.model} x${machine.cpu.cores}, ${date.toISOString()}; ${notes[0]}`);
  console.log(`machine before the run: ${(machine.before.busy * 100).toFixed(0)}% of CPU busy, load average ${machine.loadavg.map((l) => l.toFixed(2)).join(' ')}`);
  if (machine.before.busy > 0.15) console.log('WARNING: other processes are using the CPU; every figure below is skewed.');
  console.log(
    `paced ${settings.rate}/s for ${settings.pacedS} s; wrk -t${settings.wrkThreads} -c${settings.connections} for ${settings.durationS} s; ` +
      `each after ${settings.warmupS} s of warm-up; sequential ${settings.sequential}\n`,
  );

  const results: Record<string, ScenarioResult> = {};
  const skipped: Record<string, string> = {};
  const reports: Record<string, Record<string, unknown>> = {};
  let workloads: Workloads = {};
  try {
    for (const scenario of scenarios) {
      const r = await measure(ctx, scenario, servers[scenario.target]!, pinning.load);
      if (typeof r === 'string') {
        skipped[scenario.id] = r;
        console.log(`${scenario.label}: skipped (${r.slice(0, 120)})`);
      } else results[scenario.id] = r;
    }
    workloads = await runWorkloads([...storages], { fakeUrl: fake.url, dataDir, cpus: pinning.target, gateways: { sqlite: switchboard, shared }, wanted });
    for (const child of [...started].reverse()) reports[child.name] = await child.stop();
  } finally {
    // The schema and the Redis keys go even when the run fails.
    await backends?.close();
  }

  const { pairings, figures } = compare(results, workloads);
  const verdicts = judge(figures);
  const failures = Object.entries(results).flatMap(([id, r]) =>
    (['max', 'paced', 'sequential'] as const)
      .filter((run) => r[run].errors + r[run].non2xx > 0)
      .map((run) => `${id} ${run}: ${r[run].errors} errors, ${r[run].non2xx} non-2xx`),
  );
  const record: RunRecord = {
    date: date.toISOString(),
    command: `${Object.entries(overrides())
      .map(([k, v]) => `${k}=${v} `)
      .join('')}npm run bench`,
    argv: process.argv,
    env: overrides(),
    machine,
    pinning,
    settings,
    scenarios: results,
    skipped,
    pairings,
    workloads,
    figures,
    verdicts,
    recorded: { switchboard: reports.switchboard?.requestLog, shared: reports.shared?.requestLog, worker: reports.worker?.recorded },
    notes,
    failures,
    ok: failures.length === 0,
  };
  printRun(record);
  if (profileDir) console.log(`CPU profiles (${profile.join(', ')}): ${profileDir} (summarise with npx tsx bench/profile-top.ts <file>)`);
  const file = writeResults(record, date);
  console.log(`\nResults: ${file} (and bench/results/latest.json)`);
  const docs = process.env.BENCH_WRITE_DOCS;
  if (docs === '1' || (docs !== '0' && !only.length)) console.log(`Docs: ${writeDocs(record).join(', ')}`);
  else console.log(`Docs not written (${docs === '0' ? 'BENCH_WRITE_DOCS=0' : 'BENCH_ONLY ran a subset; BENCH_WRITE_DOCS=1 writes them anyway'})`);
  if (failures.length) throw new Error(`requests failed during the bench:\n  ${failures.join('\n  ')}`);
}

/** The BENCH_* and SWITCHBOARD_TEST_* variables this run was given. */
function overrides(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => /^(BENCH_|SWITCHBOARD_TEST_)/.test(e[0]) && e[1] !== undefined));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`\nBENCH FAILED: ${err instanceof Error ? err.message : String(err)}`);
    killAll();
    process.exit(1);
  },
);
