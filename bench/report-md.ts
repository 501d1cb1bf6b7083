import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chartSvg } from './chart-svg.js';
import type { RunRecord } from './report.js';
import { STORAGE_LABEL, tally, type Verdict } from './targets.js';

/**
 * docs/performance.md and docs/performance.svg from one run's record: the
 * machine, the command, every target with its verdict, every scenario.
 * Written by the bench after a full run; `npx tsx bench/report-md.ts
 * bench/results/<file>.json` writes them again from a kept run.
 */
const DOCS = fileURLToPath(new URL('../docs/', import.meta.url));

const cell = (text: string) => text.replace(/\|/g, '\\|');
const row = (cells: (string | number)[]) => `| ${cells.map((c) => cell(String(c))).join(' | ')} |`;
const header = (cells: string[], align: string[]) => `${row(cells)}\n| ${align.join(' | ')} |`;
const fix = (v: number | undefined, digits = 2) => (v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(digits));
const whole = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '-' : Math.round(v).toLocaleString('en-US'));

function verdictCell(v?: Verdict): string {
  if (!v) return '';
  if (v.outcome === 'not run') return 'not run';
  return `${v.value} **${v.outcome}**`;
}

export function renderMarkdown(run: RunRecord): string {
  const m = run.machine;
  const counts = tally(run.verdicts);
  const ids = [...new Set(run.verdicts.map((v) => v.id))];
  const targets = ids.map((id) => {
    const of = (storage: 'sqlite' | 'shared') => run.verdicts.find((v) => v.id === id && v.storage === storage);
    const any = of('sqlite') ?? of('shared')!;
    return row([any.what, any.target, verdictCell(of('sqlite')), verdictCell(of('shared'))]);
  });
  const scenarios = Object.entries(run.scenarios).map(([id, r]) =>
    row([
      `${r.label} (\`${id}\`)`,
      whole(r.max.reqPerSec),
      `${fix(r.max.p50)} / ${fix(r.max.p99)}`,
      `${fix(r.paced.p50)} / ${fix(r.paced.p99)}`,
      fix(r.paced.ttfb.p50),
      whole(r.max.cpuUsPerRequest[r.server]),
      r.server === 'fake' ? '' : whole(r.max.cpuUsPerRequest.fake),
      whole(r.max.cpuUsPerRequest.wrk),
      whole(r.paced.rssMb.peakMb),
      r.max.errors + r.max.non2xx + r.paced.errors + r.paced.non2xx,
    ]),
  );
  const ratios = run.pairings
    .filter((p) => p.throughputRatio !== undefined)
    .map((p) => row([`\`${p.gateway}\` / \`${p.bare}\``, fix(p.throughputRatio), fix(p.cpuRatio), `${fix(p.addedVsDirect?.p50)} / ${fix(p.addedVsDirect?.p99)}`, fix(p.addedVsDirect?.ttfb)]));
  const s = run.settings;
  return `# Performance

Written by \`npm run bench\` (bench/run.ts) from its latest full run; the run's JSON is
\`bench/results/${run.date.replace(/:/g, '-')}.json\`. Switchboard runs with auth, limits, usage
accounting and logging on, against a fake upstream that answers at once, beside a bare Node proxy
(node:http in, an undici Pool out: the floor cost of one Node hop). Throughput is wrk (C) at ${s.connections}
connections; latency is an evenly paced probe at ${s.rate} req/s. The targets are in bench/targets.ts.

- Machine: ${m.cpu.model}, ${m.cpu.cores} cores, ${m.platform}, kernel ${m.kernel}; Node ${m.node}; ${m.wrk}
- Load average at the start: ${m.loadavg.map((l) => l.toFixed(2)).join(' ')}; ${Math.round(m.before.busy * 100)} % of the CPU busy before the run
${run.notes.map((n) => `- ${n[0].toUpperCase()}${n.slice(1)}`).join('\n')}
- Command: \`${run.command}\`
- Date: ${run.date}${run.ok ? '' : `\n- **Requests failed during this run**: ${run.failures.join('; ')}`}

![Throughput against the bare proxy, and added latency against the targets](performance.svg)

## Targets

${counts.pass} pass, ${counts.fail} fail, ${counts['not run']} not run.

${header(['target', 'limit', STORAGE_LABEL.sqlite, STORAGE_LABEL.shared], ['---', '---', '---', '---'])}
${targets.join('\n')}

## Against the bare proxy

Throughput ratio (wrk), the bare proxy's CPU per request over Switchboard's (the ratio if each had a
core of its own), and what Switchboard adds over direct to the fake, paced (ms).

${header(['gateway / bare', 'throughput', 'CPU ratio', 'added p50 / p99', 'added first byte'], ['---', '---:', '---:', '---:', '---:'])}
${ratios.join('\n')}

## Scenarios

req/s and latency (ms) under wrk; latency and time to first body byte paced at ${s.rate} req/s; CPU time
per request (µs, all threads) of the process under test, the fake upstream and wrk; peak RSS of the
process under test during the paced run (each scenario's first, so the gateway's first scenario
meets a process that has seen only its warm-up); errors and non-2xx answers of both runs.

${header(
  ['scenario', 'req/s', 'wrk p50 / p99', `paced p50 / p99`, 'paced first byte p50', 'CPU µs/req', 'fake µs/req', 'wrk µs/req', 'peak RSS MB', 'errors'],
  ['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:'],
)}
${scenarios.join('\n')}
${workloads(run)}`;
}

/** The workloads' own figures: the 280 KB request, the slow streams, the soak minute by minute. */
function workloads(run: RunRecord): string {
  const w = run.workloads;
  const storages = (['sqlite', 'shared'] as const).filter((s) => w.bigRequest?.[s] || w.slowStreams?.[s] || w.soak?.[s]);
  if (!storages.length) return '';
  const out = ['\n## Workloads\n'];
  const big = storages.filter((s) => w.bigRequest?.[s]);
  if (big.length) {
    out.push(`A ${whole(w.bigRequest![big[0]]!.bodyBytes)}-byte Claude Code request, ${run.settings.bigRequests} times each way, ms:\n`);
    out.push(header(['storage', 'pass-through p50', 'translated p50', 'added p50'], ['---', '---:', '---:', '---:']));
    for (const s of big) {
      const b = w.bigRequest![s]!;
      out.push(row([STORAGE_LABEL[s], fix(b.passThrough.p50), fix(b.translated.p50), fix(b.addedP50Ms)]));
    }
    out.push('');
  }
  const slow = storages.filter((s) => w.slowStreams?.[s]);
  if (slow.length) {
    out.push(`Concurrent slow streams (${run.settings.slowChunks} chunks ${run.settings.slowDelayMs} ms apart), on a fresh gateway:\n`);
    out.push(header(['storage', 'streams', 'complete', 'failed', 'recorded', 'peak RSS MB', 'seconds'], ['---', '---:', '---:', '---:', '---:', '---:', '---:']));
    for (const s of slow) {
      const r = w.slowStreams![s]!;
      out.push(row([STORAGE_LABEL[s], r.count, r.completed, r.failed, r.recorded ?? '-', whole(r.peakRssMb), fix(r.seconds, 1)]));
    }
    out.push('');
  }
  for (const s of storages.filter((x) => w.soak?.[x])) {
    const soak = w.soak![s]!;
    out.push(`Soak on ${STORAGE_LABEL[s]} at ${run.settings.rate} req/s (chat, stream, translated stream, Anthropic in turn), on a fresh gateway, by ${soak.bucketS} s; ${soak.recorded ?? '-'} rows recorded:\n`);
    out.push(header(['from s', 'requests', 'errors', 'p50 ms', 'p99 ms', 'peak RSS MB'], ['---:', '---:', '---:', '---:', '---:', '---:']));
    soak.minutes.forEach((m, i) => out.push(row([i * soak.bucketS, m.requests, m.errors, fix(m.p50), fix(m.p99), whole(m.rssMb)])));
    out.push('');
  }
  return out.join('\n');
}

/** Writes docs/performance.md and docs/performance.svg; returns their paths. */
export function writeDocs(run: RunRecord): string[] {
  const md = `${DOCS}performance.md`;
  const svg = `${DOCS}performance.svg`;
  writeFileSync(md, renderMarkdown(run));
  writeFileSync(svg, chartSvg(run));
  return [md, svg];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: tsx bench/report-md.ts bench/results/<run>.json');
  console.log(writeDocs(JSON.parse(readFileSync(file, 'utf8')) as RunRecord).join('\n'));
}
