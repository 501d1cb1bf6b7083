import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Pairing, ScenarioResult, Workloads } from './compare.js';
import { machineLoad, type MachineLoad } from './machine.js';
import type { Pinning } from './pin.js';
import type { Figures, Verdict } from './targets.js';
import { wrkVersion } from './wrk.js';

/** Plain-text tables and the results file; no measuring here. */
export type Cell = string | number;

export function table(headers: string[], rows: Cell[][], rightAlignFrom = 1): string {
  const text = rows.map((row) => row.map(String));
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((row) => row[i]?.length ?? 0)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i >= rightAlignFrom ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...text.map(line)].join('\n');
}

export const ms = (v: number, digits = 2) => (Number.isFinite(v) ? v.toFixed(digits) : '-');
export const signedMs = (v: number) => (Number.isFinite(v) ? `${v >= 0 ? '+' : ''}${v.toFixed(2)} ms` : '-');
export const rps = (v: number) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '-');

/** Everything one run measured, as bench/results/<time>.json keeps it and the docs are written from. */
export interface RunRecord {
  date: string;
  /** The command with its environment overrides, as a reader would type it. */
  command: string;
  argv: string[];
  env: Record<string, string>;
  machine: Machine;
  pinning: Pinning;
  settings: Record<string, number>;
  scenarios: Record<string, ScenarioResult>;
  /** Optional scenarios whose route was refused, and why. */
  skipped: Record<string, string>;
  pairings: Pairing[];
  workloads: Workloads;
  figures: Figures;
  verdicts: Verdict[];
  /** request_log rows by outcome after each gateway stopped. */
  recorded: Record<string, unknown>;
  notes: string[];
  failures: string[];
  ok: boolean;
}

export interface Machine {
  cpu: { model: string; cores: number };
  node: string;
  platform: string;
  kernel: string;
  wrk: string;
  loadavg: number[];
  /** How busy the cores were for a second before the run, with the servers idle. */
  before: MachineLoad;
}

export async function describeMachine(): Promise<Machine> {
  const cpu = cpus();
  return {
    cpu: { model: cpu[0]?.model.trim() ?? 'unknown', cores: cpu.length },
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    kernel: release(),
    wrk: wrkVersion() ?? 'not found',
    loadavg: loadavg(),
    before: await machineLoad(),
  };
}

const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));

/** Writes `bench/results/<timestamp>.json` and `bench/results/latest.json`; returns the first path. */
export function writeResults(data: unknown, date: Date): string {
  mkdirSync(RESULTS, { recursive: true });
  const json = `${JSON.stringify(data, null, 2)}\n`;
  const file = join(RESULTS, `${date.toISOString().replace(/:/g, '-')}.json`);
  writeFileSync(file, json);
  writeFileSync(join(RESULTS, 'latest.json'), json);
  return file;
}
