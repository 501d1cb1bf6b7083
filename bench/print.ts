import type { Priced, ScenarioResult } from './compare.js';
import type { ProbeResult } from './probe.js';
import { ms, rps, signedMs, table, type RunRecord } from './report.js';
import { STORAGE_LABEL, tally, type Verdict } from './targets.js';
import type { WrkResult } from './wrk.js';

/** The run on the terminal: every scenario's runs, the gateway against its baselines, and the targets. */
export function printRun(run: RunRecord): void {
  console.log(`\n${scenarioTable(run)}`);
  const noisy = Object.values(run.scenarios).some((r) => [r.max, r.paced, r.sequential].some((x) => x.foreignCpu > 0.1));
  if (noisy) console.log('WARNING: processes outside the bench took over 10% of the CPU during some runs (last column); rerun when the machine is quiet.');

  console.log('\nSwitchboard against the bare proxy (wrk) and direct to the fake (paced):');
  const us = (v?: number) => (v === undefined || !Number.isFinite(v) ? '-' : `${Math.round(v)}`);
  for (const p of run.pairings) {
    const g = run.scenarios[p.gateway];
    const b = run.scenarios[p.bare];
    const ratio = p.throughputRatio === undefined ? '-' : `${p.throughputRatio.toFixed(2)}x`;
    const cpu = `CPU us/req ${g.server} ${us(g.max.cpuUsPerRequest[g.server])}${b ? `, bare ${us(b.max.cpuUsPerRequest[b.server])}` : ''}, fake ${us(g.max.cpuUsPerRequest.fake)}, wrk ${us(g.max.cpuUsPerRequest.wrk)}`;
    const added = (a?: { p50: number; p99: number; ttfb: number }) => (a ? `p50 ${signedMs(a.p50)}, p99 ${signedMs(a.p99)}, first byte ${signedMs(a.ttfb)}` : '-');
    console.log(b ? `  ${p.gateway}: ${ratio} of ${p.bare} (${cpu}; bare/gateway CPU ${p.cpuRatio?.toFixed(2) ?? '-'})` : `  ${p.gateway} (${cpu}; ${p.bare} not run)`);
    const over = [p.addedVsDirect && `over ${p.direct}: ${added(p.addedVsDirect)}`, p.addedVsBare && `over ${p.bare}: ${added(p.addedVsBare)}`].filter(Boolean);
    if (over.length) console.log(`    added ${over.join('; ')}`);
  }
  for (const [id, why] of Object.entries(run.skipped)) console.log(`  ${id}: skipped (${why.slice(0, 160)})`);
  for (const note of run.notes.slice(1)) console.log(`  note: ${note}`);
  const recorded = Object.entries(run.recorded).filter(([, v]) => v !== undefined);
  for (const [name, rows] of recorded) console.log(`  ${name} recorded (request_log rows by outcome): ${JSON.stringify(rows)}`);

  console.log(`\nTargets:\n${targetTable(run.verdicts)}`);
  const counts = tally(run.verdicts);
  console.log(`${counts.pass} pass, ${counts.fail} fail, ${counts['not run']} not run`);
}

function scenarioTable(run: RunRecord): string {
  const client = (x: Priced) => x.cpuUsPerRequest.wrk ?? x.cpuUsPerRequest.bench;
  const row = (r: ScenarioResult, load: string, x: (WrkResult | ProbeResult) & Priced, rss?: number) => [
    load,
    rps(x.reqPerSec),
    ms(x.p50),
    ms(x.p99),
    'ttfb' in x ? ms(x.ttfb.p50) : '',
    x.errors + x.non2xx,
    Math.round(x.cpuUsPerRequest[r.server] ?? NaN),
    r.server === 'fake' ? '' : Math.round(x.cpuUsPerRequest.fake ?? NaN),
    Math.round(client(x) ?? NaN),
    ms(x.serverLoopDelayMs.max, 1),
    rss === undefined ? '' : Math.round(rss),
    `${Math.round(x.foreignCpu * 100)}%`,
  ];
  const s = run.settings;
  const rows = Object.values(run.scenarios).flatMap((r) => [
    [r.label, ...row(r, `wrk c=${s.connections}`, r.max)],
    ['', ...row(r, `paced ${r.ratePerSec}/s`, r.paced, r.paced.rssMb.peakMb)],
    ['', ...row(r, 'sequential', r.sequential)],
  ]);
  const headers = ['scenario', 'load', 'req/s', 'p50 ms', 'p99 ms', '1st byte p50', 'errors', 'CPU us/req: target', 'fake', 'wrk/probe', 'max stall ms', 'peak RSS MB', 'other procs'];
  return table(headers, rows, 2);
}

/** One row per target: its figure and verdict on SQLite and on PostgreSQL + Redis. */
export function targetTable(verdicts: Verdict[]): string {
  const ids = [...new Set(verdicts.map((v) => v.id))];
  const cell = (v?: Verdict) => (v ? (v.outcome === 'not run' ? 'not run' : `${v.outcome.toUpperCase()} ${v.value}`) : '');
  const rows = ids.map((id) => {
    const of = (storage: 'sqlite' | 'shared') => verdicts.find((v) => v.id === id && v.storage === storage);
    const any = of('sqlite') ?? of('shared')!;
    return [any.what, any.target, cell(of('sqlite')), cell(of('shared'))];
  });
  return table(['target', 'limit', STORAGE_LABEL.sqlite, STORAGE_LABEL.shared], rows, 99);
}
