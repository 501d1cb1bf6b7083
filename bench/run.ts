import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { sharedBackends, type SharedBackends } from '../test/replicas/backends.js';
import { killAll, startChild, type Child } from './children.js';
import { compare, TARGETS, type Priced, type ScenarioResult } from './compare.js';
import { runLoad, type LoadResult } from './load.js';
import { foreignShare, machineLoad, ticks } from './machine.js';
import { runProbe, runSequential, type ProbeResult } from './probe.js';
import { ms, rps, signedMs, table, verdict, writeResults } from './report.js';
import { startWorker } from './worker.js';

/**
 * `npm run bench`: the fake upstream, a bare Node proxy and Switchboard, each
 * in its own process; the load generators in this one. Switchboard runs
 * twice: on SQLite with in-memory counters, and as a replica on PostgreSQL +
 * Redis (a schema and a key prefix of its own, removed afterwards;
 * SWITCHBOARD_TEST_POSTGRES / SWITCHBOARD_TEST_REDIS say where). Per scenario: max
 * throughput at a fixed concurrency after a warm-up; latency at a fixed rate
 * (autocannon `overallRate`, and an evenly paced probe); latency of
 * sequential requests. Env overrides: BENCH_DURATION, BENCH_WARMUP,
 * BENCH_CONNECTIONS, BENCH_RATE, BENCH_RATE_CONNECTIONS, BENCH_PACED,
 * BENCH_SEQUENTIAL, BENCH_CHUNKS, BENCH_WORKER_RATE, BENCH_ONLY (scenario ids, comma-separated),
 * BENCH_PROFILE (child names to run under --cpu-prof: fake, bare, switchboard), BENCH_METRICS=0
 * (Switchboard without its Prometheus metrics, to measure what they cost).
 * The same Switchboard also runs as a Worker under `wrangler dev` (local D1
 * and Durable Objects; bench/worker.ts), with the CPU time per request of the
 * workerd that runs it (the nearest here to what Workers bill) next to the Node
 * process's, and apart what only development adds (wrangler's Node host and
 * its proxy workerd).
 */
const env = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const settings = {
  durationS: env('BENCH_DURATION', 10),
  warmupS: env('BENCH_WARMUP', 3),
  connections: env('BENCH_CONNECTIONS', 50),
  rate: env('BENCH_RATE', 500),
  rateConnections: env('BENCH_RATE_CONNECTIONS', 10),
  /**
   * The Worker's fixed rate: under wrangler dev every request also crosses a
   * proxy workerd and wrangler's Node host, and it holds far less than Node
   * here; a rate above what it holds measures its queue, not its latency.
   */
  workerRate: env('BENCH_WORKER_RATE', 10),
  pacedS: env('BENCH_PACED', 4),
  sequential: env('BENCH_SEQUENTIAL', 2000),
  chunks: env('BENCH_CHUNKS', 50),
};
const CLIENT_KEY = 'sk-sb-bench-000000000000000000000000';
const HEADERS = { 'content-type': 'application/json', authorization: `Bearer ${CLIENT_KEY}` };
const messages = [{ role: 'user', content: 'Say hello.' }];
// Streaming clients do not ask for usage: Switchboard asks the upstream for it and drops that chunk.
const BODY = { plain: JSON.stringify({ model: 'bench-model', messages }), stream: JSON.stringify({ model: 'bench-model', messages, stream: true }) };
// An Anthropic client on the OpenAI upstream: every event is decoded to the IR and encoded again.
const TRANSLATED = {
  path: '/v1/messages',
  body: JSON.stringify({ model: 'bench-model', max_tokens: 256, messages, stream: true }),
  headers: { 'content-type': 'application/json', 'x-api-key': CLIENT_KEY, 'anthropic-version': '2023-06-01' },
};

/** Where the Worker runs: under wrangler dev, or straight in workerd (BENCH_WORKER_DIRECT=1, dev:workers --direct). */
const WORKER_HOST = process.env.BENCH_WORKER_DIRECT === '1' ? 'workerd direct' : 'wrangler dev';

type Target = 'fake' | 'bare' | 'switchboard' | 'shared' | 'worker';
type Scenario = { id: string; label: string; target: Target; stream: boolean; translated?: boolean; rate?: number };
const SCENARIOS: Scenario[] = [
  { id: 'direct', label: 'direct to fake', target: 'fake', stream: false },
  { id: 'bare', label: 'bare proxy', target: 'bare', stream: false },
  { id: 'switchboard', label: 'Switchboard', target: 'switchboard', stream: false },
  { id: 'bare-stream', label: `bare proxy, stream ${settings.chunks}`, target: 'bare', stream: true },
  { id: 'switchboard-stream', label: `Switchboard, stream ${settings.chunks}`, target: 'switchboard', stream: true },
  {
    id: 'switchboard-translated-stream',
    label: `Switchboard, Anthropic client on OpenAI upstream, stream ${settings.chunks}`,
    target: 'switchboard',
    stream: true,
    translated: true,
  },
  { id: 'shared', label: 'Switchboard on PostgreSQL + Redis', target: 'shared', stream: false },
  { id: 'shared-stream', label: `Switchboard on PostgreSQL + Redis, stream ${settings.chunks}`, target: 'shared', stream: true },
  { id: 'worker', label: `Switchboard Worker (${WORKER_HOST})`, target: 'worker', stream: false, rate: settings.workerRate },
  { id: 'worker-stream', label: `Switchboard Worker (${WORKER_HOST}), stream ${settings.chunks}`, target: 'worker', stream: true, rate: settings.workerRate },
];

/** One request before the load: right status, right shape, every frame, and no usage chunk the client did not ask for. */
async function smokeTest(url: string, stream: boolean, translated = false): Promise<void> {
  if (translated) {
    const res = await request(url, { method: 'POST', headers: TRANSLATED.headers, body: TRANSLATED.body });
    const text = await res.body.text();
    const deltas = text.split('event: content_block_delta').length - 1;
    if (res.statusCode !== 200 || !text.startsWith('event: message_start') || !text.trimEnd().endsWith('data: {"type":"message_stop"}') || deltas < settings.chunks - 2)
      throw new Error(`smoke test ${url} (translated): status ${res.statusCode}, ${deltas} text deltas: ${text.slice(0, 300)}`);
    return;
  }
  const res = await request(url, { method: 'POST', headers: HEADERS, body: stream ? BODY.stream : BODY.plain });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`smoke test ${url}: status ${res.statusCode}: ${text.slice(0, 300)}`);
  if (!stream) {
    const body = JSON.parse(text) as { object?: string; usage?: unknown };
    if (body.object !== 'chat.completion' || !body.usage) throw new Error(`smoke test ${url}: unexpected body ${text.slice(0, 300)}`);
    return;
  }
  const frames = text.split('\n\n').filter(Boolean);
  const ok = frames.length === settings.chunks + 1 && frames.at(-1) === 'data: [DONE]' && !text.includes('"choices":[]');
  if (!ok) throw new Error(`smoke test ${url}: expected ${settings.chunks} chunks and [DONE], got ${frames.length} frames`);
}

async function measure(scenario: (typeof SCENARIOS)[number], server: Child, fake: Child, everyone: Child[]): Promise<ScenarioResult> {
  const url = `${server.url}${scenario.translated ? TRANSLATED.path : '/v1/chat/completions'}`;
  const base = scenario.translated
    ? { url, body: TRANSLATED.body, headers: TRANSLATED.headers }
    : { url, body: scenario.stream ? BODY.stream : BODY.plain, headers: HEADERS };
  // Around each run: CPU time per request (unlike req/s, barely moved by other work on the
  // machine), the server's event-loop stalls, and how much CPU processes outside the bench took.
  const procs = server === fake ? [fake] : [server, ...(server.companions ?? []), fake];
  const ours = async () => (await Promise.all(everyone.map((p) => p.stats()))).map((s, i) => ({ name: everyone[i].name, ...s }));
  const self = () => {
    const { user, system } = process.cpuUsage();
    return user + system;
  };
  const priced = async <T extends { requests: number }>(run: () => Promise<T>): Promise<T & Priced> => {
    const [m0, c0, o0] = [ticks(), self(), await ours()];
    const result = await run();
    const [m1, c1, o1] = [ticks(), self(), await ours()];
    const oursMicros = c1 - c0 + o1.reduce((sum, s, i) => sum + s.cpuTotalMicros - o0[i].cpuTotalMicros, 0);
    const of = (name: string) => o1.find((s) => s.name === name)!;
    const cpuUsPerRequest = Object.fromEntries(procs.map((p) => [p.name, of(p.name).cpuMicros / Math.max(1, result.requests)]));
    return { ...result, cpuUsPerRequest, serverLoopDelayMs: of(server.name).loopDelayMs, foreignCpu: foreignShare(m0, m1, oursMicros) };
  };
  const step = (text: string) => process.stdout.write(text);

  await smokeTest(url, scenario.stream, scenario.translated);
  step(`${scenario.label}: warm-up...`);
  await runLoad({ ...base, connections: settings.connections, durationS: settings.warmupS });
  step(' max...');
  const max = await priced(() => runLoad({ ...base, connections: settings.connections, durationS: settings.durationS }));
  const rateValue = scenario.rate ?? settings.rate;
  step(` ${rps(max.reqPerSec)} req/s; ${rateValue}/s...`);
  const rate = await priced(() =>
    runLoad({ ...base, connections: settings.rateConnections, durationS: settings.durationS, overallRate: rateValue }),
  );
  step(` p50 ${ms(rate.p50)} ms; paced...`);
  const paced = await priced(() => runProbe({ ...base, rate: rateValue, durationS: settings.pacedS }));
  step(` p50 ${ms(paced.p50)} ms; sequential...`);
  const sequential = await priced(() => runSequential({ ...base, count: settings.sequential }));
  console.log(` p50 ${ms(sequential.p50)} ms`);
  return { label: scenario.label, server: server.name, url, ratePerSec: rateValue, max, rate, paced, sequential };
}

function problems(run: LoadResult | ProbeResult): number {
  // autocannon counts timeouts among its errors
  return run.errors + run.non2xx + ('mismatches' in run ? run.mismatches : 0);
}

function print(results: Record<string, ScenarioResult>, outcome: ReturnType<typeof compare>): void {
  const row = (r: ScenarioResult, load: string, run: (LoadResult | ProbeResult) & Priced) => [
    load,
    rps(run.reqPerSec),
    ms(run.p50),
    ms(run.p99),
    problems(run),
    Math.round(run.cpuUsPerRequest[r.server] ?? NaN),
    ms(run.serverLoopDelayMs.max, 1),
    `${Math.round(run.foreignCpu * 100)}%`,
  ];
  const rows = Object.values(results).flatMap((r) => [
    [r.label, ...row(r, `max, c=${settings.connections}`, r.max)],
    ['', ...row(r, `${r.ratePerSec}/s autocannon`, r.rate)],
    ['', ...row(r, `${r.ratePerSec}/s paced`, r.paced)],
    ['', ...row(r, 'sequential', r.sequential)],
  ]);
  const headers = ['scenario', 'load', 'req/s', 'p50 ms', 'p99 ms', 'errors/non-2xx', 'server CPU us/req', 'server max stall ms', 'other procs CPU'];
  console.log(`\n${table(headers, rows, 2)}`);
  const noisy = Object.values(results).some((r) => [r.max, r.rate, r.paced, r.sequential].some((run) => run.foreignCpu > 0.1));
  if (noisy) console.log('WARNING: processes outside the bench took over 10% of the CPU during some runs (last column); rerun when the machine is quiet.');

  const { comparison, targets } = outcome;
  console.log(`\nSwitchboard's added latency, p50 / p99 (autocannon at ${settings.rate}/s | paced ${settings.rate}/s | sequential):`);
  const line = (label: string, d: (typeof comparison.added)['vsDirect']) => {
    const pair = (x?: { p50: number; p99: number }) => (x ? `${signedMs(x.p50)} / ${signedMs(x.p99)}` : '-');
    if (d.rate || d.paced || d.sequential) console.log(`  ${label.padEnd(28)} ${pair(d.rate)} | ${pair(d.paced)} | ${pair(d.sequential)}`);
  };
  line('vs direct', comparison.added.vsDirect);
  line('vs bare proxy', comparison.added.vsBare);
  line('stream vs bare proxy stream', comparison.added.streamVsBare);
  line('translated stream vs bare stream', comparison.added.translatedStreamVsBare);
  line('PostgreSQL + Redis vs SQLite', comparison.added.sharedVsSqlite);
  line('  the same, stream', comparison.added.sharedStreamVsSqlite);
  line('Worker vs Node (sequential)', comparison.added.workerVsNode);
  line('  the same, stream', comparison.added.workerStreamVsNode);
  const pct = (v?: number) => (v === undefined ? '-' : `${(v * 100).toFixed(0)}%`);
  const { throughputRatio: t, cpuRatio: c } = comparison;
  console.log(`Throughput vs bare proxy at c=${settings.connections}: ${pct(t.vsBare)}; stream ${pct(t.streamVsBare)}`);
  console.log(`CPU per request, bare / Switchboard (the ratio if each had a core to itself): ${pct(c.vsBare)}; stream ${pct(c.streamVsBare)}`);
  if (t.sharedVsSqlite !== undefined || t.sharedStreamVsSqlite !== undefined)
    console.log(`Throughput on PostgreSQL + Redis vs SQLite at c=${settings.connections}: ${pct(t.sharedVsSqlite)}; stream ${pct(t.sharedStreamVsSqlite)}`);
  if (t.workerVsNode !== undefined || t.workerStreamVsNode !== undefined)
    console.log(`Throughput of the Worker under wrangler dev vs Node at c=${settings.connections}: ${pct(t.workerVsNode)}; stream ${pct(t.workerStreamVsNode)}`);
  const us = (v?: number) => (v === undefined || !Number.isFinite(v) ? '-' : `${Math.round(v)} us`);
  for (const [label, w] of [['', comparison.workerCpuUsPerRequest.plain], ['stream, ', comparison.workerCpuUsPerRequest.stream]] as const)
    if (w)
      console.log(
        `CPU per request at c=${settings.connections}, ${label}Worker: workerd ${us(w.workerd)} (what Workers bill) + the dev host ${us(w.wrangler)} (wrangler's Node and proxy workerd, dev only); Node process ${us(w.node)}`,
      );

  console.log('\nTargets:');
  const a = targets.addedP50VsDirect;
  if (a)
    console.log(
      `  added p50 vs direct at ${settings.rate} req/s <= ${TARGETS.addedP50Ms} ms: ${verdict(a.pass)} (${signedMs(a.ms)}) ` +
        `[paced ${signedMs(a.pacedMs ?? NaN)}, sequential ${signedMs(a.sequentialMs ?? NaN)}]`,
    );
  const b = targets.throughputVsBare;
  if (b) console.log(`  throughput >= ${TARGETS.throughputRatio * 100}% of bare proxy: ${verdict(b.pass)} (${pct(b.ratio)})`);
  const tr = targets.translatedStream;
  if (tr)
    console.log(
      `  translated stream added p50 <= ${TARGETS.translatedFactor}x pass-through stream's (paced ${settings.rate}/s, vs bare stream): ` +
        `${verdict(tr.pass)} (${signedMs(tr.translatedMs)} vs ${signedMs(tr.passThroughMs)}; sequential ${signedMs(tr.sequentialTranslatedMs ?? NaN)} vs ${signedMs(tr.sequentialPassThroughMs ?? NaN)})`,
    );
}

async function main(): Promise<void> {
  const date = new Date();
  const profile = (process.env.BENCH_PROFILE ?? '').split(',').filter(Boolean);
  const profileDir = profile.length ? mkdtempSync(join(tmpdir(), 'switchboard-bench-prof-')) : undefined;
  const nodeArgs = (name: string) => (profileDir && profile.includes(name) ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []);
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-bench-'));
  process.once('exit', () => rmSync(dataDir, { recursive: true, force: true }));
  const only = (process.env.BENCH_ONLY ?? '').split(',').filter(Boolean);
  const scenarios = only.length ? SCENARIOS.filter((s) => only.includes(s.id)) : SCENARIOS;

  const fake = await startChild('fake', './fake-upstream.ts', ['--chunks', String(settings.chunks)], { nodeArgs: nodeArgs('fake') });
  const bare = await startChild('bare', './bare-proxy.ts', [fake.url], { nodeArgs: nodeArgs('bare') });
  const switchboard = await startChild('switchboard', './switchboard.ts', [fake.url, dataDir, CLIENT_KEY], { nodeArgs: nodeArgs('switchboard') });
  // The replica on PostgreSQL + Redis only when a scenario needs it: it needs both servers running.
  let backends: SharedBackends | undefined;
  let shared: Child | undefined;
  if (scenarios.some((s) => s.target === 'shared')) {
    backends = await sharedBackends();
    const { storage, counters } = backends;
    shared = await startChild('shared', './switchboard.ts', [fake.url, dataDir, CLIENT_KEY, storage.url, JSON.stringify(counters)], { nodeArgs: nodeArgs('shared') });
  }
  // The Worker only when a scenario needs it: wrangler dev takes seconds to start and two processes of workerd.
  let worker: Child | undefined;
  let wrangler: Child | undefined;
  if (scenarios.some((s) => s.target === 'worker')) {
    ({ worker, wrangler } = await startWorker(fake.url, dataDir, CLIENT_KEY));
    worker.companions = [wrangler];
  }
  const servers: Partial<Record<Target, Child>> = { fake, bare, switchboard, shared, worker };
  const everyone = [fake, bare, switchboard, ...(shared ? [shared] : []), ...(worker && wrangler ? [worker, wrangler] : [])];

  const cpu = cpus();
  console.log(`Switchboard bench: node ${process.version}, ${cpu[0]?.model ?? 'unknown cpu'} x${cpu.length}, ${date.toISOString()}`);
  // The servers are idle now: whatever keeps the cores busy is someone else's.
  const before = await machineLoad();
  console.log(`machine before the run: ${(before.busy * 100).toFixed(0)}% of CPU busy, load average ${before.loadavg1m.toFixed(2)}`);
  if (before.busy > 0.15) console.log('WARNING: other processes are using the CPU; every figure below is skewed.');
  console.log(
    `max: ${settings.connections} connections, ${settings.warmupS}s warm-up + ${settings.durationS}s; ` +
      `${settings.rate}/s (the Worker ${settings.workerRate}/s): autocannon over ${settings.rateConnections} connections for ${settings.durationS}s, ` +
      `paced for ${settings.pacedS}s; sequential: ${settings.sequential} requests\n`,
  );

  const results: Record<string, ScenarioResult> = {};
  const reports: Record<string, Record<string, unknown>> = {};
  let after: Awaited<ReturnType<typeof machineLoad>>;
  try {
    for (const scenario of scenarios) results[scenario.id] = await measure(scenario, servers[scenario.target]!, fake, everyone);
    after = await machineLoad();
    for (const child of everyone.reverse()) reports[child.name] = await child.stop();
  } finally {
    // The schema and the Redis keys go even when the run fails.
    await backends?.close();
  }

  const outcome = compare(results);
  print(results, outcome);
  console.log(`Switchboard recorded (request_log rows by outcome, stream): ${JSON.stringify(reports.switchboard?.requestLog ?? [])}`);
  if (shared) console.log(`Switchboard on PostgreSQL + Redis recorded: ${JSON.stringify(reports.shared?.requestLog ?? [])}`);
  if (worker) console.log(`The Worker recorded (usage totals from its admin API): ${JSON.stringify(reports.worker?.recorded ?? null)}`);
  if (profileDir) console.log(`CPU profiles (${profile.join(', ')}): ${profileDir} (summarise with npx tsx bench/profile-top.ts <file>)`);

  const failures = Object.entries(results).flatMap(([id, r]) =>
    (['max', 'rate', 'paced', 'sequential'] as const)
      .filter((run) => problems(r[run]) > 0)
      .map((run) => `${id} ${run}: ${r[run].errors} errors, ${r[run].non2xx} non-2xx${'mismatches' in r[run] ? `, ${r[run].mismatches} mismatches` : ''}`),
  );
  const file = writeResults(
    {
      date: date.toISOString(),
      node: process.version,
      cpu: { model: cpu[0]?.model, cores: cpu.length },
      platform: `${process.platform} ${process.arch}`,
      machine: { before, after },
      settings,
      scenarios: results,
      ...outcome,
      switchboardRecorded: reports.switchboard?.requestLog,
      sharedRecorded: reports.shared?.requestLog,
      workerRecorded: reports.worker?.recorded,
      failures,
      ok: failures.length === 0,
    },
    date,
  );
  console.log(`\nResults: ${file} (and bench/results/latest.json)`);
  if (failures.length) throw new Error(`requests failed during the bench:\n  ${failures.join('\n  ')}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`\nBENCH FAILED: ${err instanceof Error ? err.message : String(err)}`);
    killAll();
    process.exit(1);
  },
);
