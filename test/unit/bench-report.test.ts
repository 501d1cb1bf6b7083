import { describe, expect, it } from 'vitest';
import { chartSvg, niceStep } from '../../bench/chart-svg.js';
import type { RunRecord } from '../../bench/report.js';
import { renderMarkdown } from '../../bench/report-md.js';
import { judge } from '../../bench/targets.js';

/** A run that measured nothing but the paced memory, as a subset run leaves it. */
function run(): RunRecord {
  const figures = { sqlite: { pacedRssMb: 120, addedP99Ms: 40 } };
  return {
    date: '2026-12-06T16:00:00.000Z',
    command: 'BENCH_ONLY=switchboard npm run bench',
    argv: [],
    env: { BENCH_ONLY: 'switchboard' },
    machine: { cpu: { model: 'Test CPU', cores: 2 }, node: 'v20', platform: 'linux x64', kernel: '6', wrk: 'wrk 4.1', loadavg: [0.1, 0.2, 0.3], before: { busy: 0.01, loadavg1m: 0.1 } },
    pinning: { target: '1', load: '0' },
    settings: { connections: 32, rate: 500, bigRequests: 200, slowChunks: 50, slowDelayMs: 100 },
    scenarios: {},
    skipped: {},
    pairings: [],
    workloads: {},
    figures,
    verdicts: judge(figures),
    recorded: {},
    notes: ['pinned: the process under test on CPU 1'],
    failures: [],
    ok: true,
  };
}

describe('bench docs', () => {
  it('writes every target, those not run included, with the machine and the command', () => {
    const md = renderMarkdown(run());
    expect(md).toContain('| memory at steady 500 req/s | <= 150 MB RSS | 120 MB **pass** | not run |');
    expect(md).toContain('+40.00 ms **fail**');
    expect(md).toContain('`BENCH_ONLY=switchboard npm run bench`');
    expect(md).toContain('Test CPU, 2 cores');
    expect(md).toContain('1 pass, 1 fail,');
  });

  it('draws an SVG whose tags have each attribute once, a figure past the scale cut at the top', () => {
    const svg = chartSvg(run());
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    for (const tag of svg.match(/<[a-z]+ [^>]*>/g) ?? []) {
      const names = [...tag.matchAll(/ ([a-z-]+)="/g)].map((m) => m[1]);
      expect(new Set(names).size, tag).toBe(names.length);
    }
    expect(svg).toContain('>40.0</text>');
    expect(svg).toContain('not run');
  });

  it('steps the axis at 1, 2 or 5 times a power of ten', () => {
    expect([0.3, 1.25, 1285, 5000, 0].map(niceStep)).toEqual([0.5, 2, 2000, 5000, 1]);
  });
});
