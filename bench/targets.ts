/**
 * The performance targets and their verdicts. Pure: the bench's
 * figures in, one verdict per target and storage out; a figure the run did
 * not produce is "not run", never a pass.
 */
export const TARGETS = {
  /** Switchboard's max req/s over the bare proxy's, 32 connections: chat pass-through and 50-chunk streams. */
  throughputRatio: 0.8,
  /** Added over direct to the upstream, evenly paced at 500 req/s. */
  addedP50Ms: 0.45,
  addedP99Ms: 2,
  /** Added time to a stream's first body byte over direct, paced. */
  addedTtfbMs: 1,
  addedTtfbTranslatedMs: 1.5,
  /** A 280 KB Claude-Code-sized request translated to OpenAI Chat, over the same request passed through. */
  bigRequestAddedMs: 1,
  /** Peak RSS of the gateway during the paced run. */
  pacedRssMb: 150,
  slowStreamsRssMb: 300,
  /** First to last minute of the soak. */
  soakDrift: 0.1,
  /** PostgreSQL + Redis over SQLite with in-memory counters: the Redis round trip. */
  sharedAddedP50Ms: 0.3,
} as const;

export type Storage = 'sqlite' | 'shared';
export const STORAGE_LABEL: Record<Storage, string> = { sqlite: 'SQLite', shared: 'PostgreSQL + Redis' };

export interface SoakMinute {
  p50: number;
  p99: number;
  rssMb: number;
  errors: number;
  requests: number;
}

/** What one run measured for one storage; absent means not measured. */
export interface StorageFigures {
  throughputRatio?: number;
  streamThroughputRatio?: number;
  addedP50Ms?: number;
  addedP99Ms?: number;
  addedTtfbMs?: number;
  addedTtfbTranslatedMs?: number;
  bigRequestAddedMs?: number;
  pacedRssMb?: number;
  slowStreams?: { count: number; completed: number; failed: number; peakRssMb: number; recorded?: number };
  soak?: { minutes: SoakMinute[] };
  /** Only for shared: its paced p50 over SQLite's. */
  addedP50OverSqliteMs?: number;
}

export type Figures = Partial<Record<Storage, StorageFigures>>;

export type Outcome = 'pass' | 'fail' | 'not run';

export interface Verdict {
  id: string;
  what: string;
  storage: Storage;
  /** The target as written in the issue. */
  target: string;
  /** The figure as shown, or '-'. */
  value: string;
  outcome: Outcome;
}

type Check = { id: string; what: string; target: string; judge: (f: StorageFigures) => { value: string; pass: boolean } | undefined; only?: Storage };

const fixed = (v: number, digits = 2) => v.toFixed(digits);
const signed = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(2)} ms`;
const known = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v);
const atMost = (v: number | undefined, limit: number, show: (v: number) => string) => (known(v) ? { value: show(v), pass: v <= limit } : undefined);
const atLeast = (v: number | undefined, limit: number, show: (v: number) => string) => (known(v) ? { value: show(v), pass: v >= limit } : undefined);
const ratio = (v: number) => `${fixed(v)}x`;

/** Last minute against the first, as a signed share of the first. */
export function drift(minutes: SoakMinute[], field: 'p50' | 'p99' | 'rssMb'): number | undefined {
  if (minutes.length < 2) return undefined;
  const first = minutes[0][field];
  const last = minutes[minutes.length - 1][field];
  return first > 0 && Number.isFinite(last) ? (last - first) / first : undefined;
}

const flat = (field: 'p50' | 'p99' | 'rssMb') => (f: StorageFigures) => {
  const minutes = f.soak?.minutes ?? [];
  const d = drift(minutes, field);
  if (d === undefined) return undefined;
  const unit = field === 'rssMb' ? ' MB' : ' ms';
  const show = (m: SoakMinute) => `${fixed(m[field], field === 'rssMb' ? 0 : 2)}${unit}`;
  return { value: `${show(minutes[0])} -> ${show(minutes[minutes.length - 1])} (${d >= 0 ? '+' : ''}${Math.round(d * 100)} %)`, pass: Math.abs(d) <= TARGETS.soakDrift };
};

const CHECKS: Check[] = [
  {
    id: 'throughput',
    what: 'throughput, OpenAI chat pass-through, 32 connections',
    target: `>= ${TARGETS.throughputRatio}x the bare proxy`,
    judge: (f) => atLeast(f.throughputRatio, TARGETS.throughputRatio, ratio),
  },
  {
    id: 'stream-throughput',
    what: 'throughput, 50-chunk streams, pass-through',
    target: `>= ${TARGETS.throughputRatio}x the bare proxy`,
    judge: (f) => atLeast(f.streamThroughputRatio, TARGETS.throughputRatio, ratio),
  },
  { id: 'added-p50', what: 'added p50 at 500 req/s, evenly paced', target: `<= ${TARGETS.addedP50Ms} ms over direct`, judge: (f) => atMost(f.addedP50Ms, TARGETS.addedP50Ms, signed) },
  { id: 'added-p99', what: 'added p99 at 500 req/s, evenly paced', target: `<= ${TARGETS.addedP99Ms} ms over direct`, judge: (f) => atMost(f.addedP99Ms, TARGETS.addedP99Ms, signed) },
  { id: 'ttfb', what: 'added time to first byte of a stream, pass-through', target: `<= ${TARGETS.addedTtfbMs} ms`, judge: (f) => atMost(f.addedTtfbMs, TARGETS.addedTtfbMs, signed) },
  {
    id: 'ttfb-translated',
    what: 'added time to first byte of a stream, translated',
    target: `<= ${TARGETS.addedTtfbTranslatedMs} ms`,
    judge: (f) => atMost(f.addedTtfbTranslatedMs, TARGETS.addedTtfbTranslatedMs, signed),
  },
  {
    id: 'big-request',
    what: 'a 280 KB Claude-Code-sized request translated to OpenAI Chat',
    target: `<= ${TARGETS.bigRequestAddedMs} ms added over pass-through`,
    judge: (f) => atMost(f.bigRequestAddedMs, TARGETS.bigRequestAddedMs, signed),
  },
  { id: 'paced-rss', what: 'memory at steady 500 req/s', target: `<= ${TARGETS.pacedRssMb} MB RSS`, judge: (f) => atMost(f.pacedRssMb, TARGETS.pacedRssMb, (v) => `${fixed(v, 0)} MB`) },
  {
    id: 'slow-streams-rss',
    what: '2,000 concurrent slow streams: memory',
    target: `<= ${TARGETS.slowStreamsRssMb} MB RSS`,
    judge: (f) => atMost(f.slowStreams?.peakRssMb, TARGETS.slowStreamsRssMb, (v) => `${fixed(v, 0)} MB`),
  },
  {
    id: 'slow-streams-complete',
    what: '2,000 concurrent slow streams: all complete',
    target: 'all complete',
    judge: ({ slowStreams: s }) => s && { value: `${s.completed} of ${s.count}${s.failed ? `, ${s.failed} failed` : ''}`, pass: s.completed === s.count && s.failed === 0 },
  },
  {
    id: 'slow-streams-recorded',
    what: '2,000 concurrent slow streams: all recorded',
    target: 'all recorded',
    judge: ({ slowStreams: s }) => (s?.recorded === undefined ? undefined : { value: `${s.recorded} of ${s.count}`, pass: s.recorded === s.count }),
  },
  { id: 'soak-rss', what: 'soak at 500 req/s: RSS flat', target: `+-${TARGETS.soakDrift * 100} % first to last minute`, judge: flat('rssMb') },
  { id: 'soak-p50', what: 'soak at 500 req/s: p50 flat', target: `+-${TARGETS.soakDrift * 100} % first to last minute`, judge: flat('p50') },
  { id: 'soak-p99', what: 'soak at 500 req/s: p99 flat', target: `+-${TARGETS.soakDrift * 100} % first to last minute`, judge: flat('p99') },
  {
    id: 'soak-errors',
    what: 'soak at 500 req/s: errors',
    target: '0 errors',
    judge: (f) => {
      const minutes = f.soak?.minutes;
      if (!minutes?.length) return undefined;
      const errors = minutes.reduce((sum, m) => sum + m.errors, 0);
      const requests = minutes.reduce((sum, m) => sum + m.requests, 0);
      return { value: `${errors} of ${requests}`, pass: errors === 0 };
    },
  },
  {
    id: 'shared-added-p50',
    what: 'added p50 of PostgreSQL + Redis over SQLite (the Redis round trip)',
    target: `<= ${TARGETS.sharedAddedP50Ms} ms`,
    judge: (f) => atMost(f.addedP50OverSqliteMs, TARGETS.sharedAddedP50Ms, signed),
    only: 'shared',
  },
];

export function judge(figures: Figures): Verdict[] {
  const out: Verdict[] = [];
  for (const storage of ['sqlite', 'shared'] as const)
    for (const check of CHECKS) {
      if (check.only && check.only !== storage) continue;
      const result = check.judge(figures[storage] ?? {});
      out.push({
        id: check.id,
        what: check.what,
        storage,
        target: check.target,
        value: result?.value ?? '-',
        outcome: result ? (result.pass ? 'pass' : 'fail') : 'not run',
      });
    }
  return out;
}

/** Counts by outcome, for the summary line. */
export function tally(verdicts: Verdict[]): Record<Outcome, number> {
  const counts: Record<Outcome, number> = { pass: 0, fail: 0, 'not run': 0 };
  for (const v of verdicts) counts[v.outcome]++;
  return counts;
}
