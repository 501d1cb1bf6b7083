import type { Runtime } from '../runtime/runtime.js';

/**
 * Refused requests, counted in memory (per process, since start): failed
 * admin-key and client-key checks, requests refused by an IP allowlist, and
 * connections closed for being past the per-address cap;
 * overall and by source address, plus the latest few. Written to the
 * process log at most once per kind per LOG_EVERY_MS, so a flood of bad
 * attempts cannot flood the log too.
 */
export type RefusalKind = 'failedAdminAuth' | 'failedClientAuth' | 'ipBlocked' | 'connectionCapped';

export interface Refusal {
  at: number;
  kind: RefusalKind;
  address: string | null;
  reason: string;
}

export interface SourceCounts {
  address: string;
  failedAdminAuth: number;
  failedClientAuth: number;
  ipBlocked: number;
  connectionCapped: number;
  lastAt: number;
}

export interface SecurityReport {
  since: number;
  failedAdminAuth: number;
  failedClientAuth: number;
  ipBlocked: number;
  connectionCapped: number;
  /** Sources with the most refusals first. */
  bySource: SourceCounts[];
  /** Newest first. */
  recent: Refusal[];
}

export interface AuthFailures {
  count(kind: RefusalKind, address: string | undefined, reason: string): void;
  report(): SecurityReport;
}

const LOG_EVERY_MS = 10_000;
const MAX_SOURCES = 1_000;
const MAX_RECENT = 50;
const KIND_WORDS: Record<RefusalKind, string> = {
  failedAdminAuth: 'failed admin auth',
  failedClientAuth: 'failed client auth',
  ipBlocked: 'refused by IP allowlist',
  connectionCapped: 'connection closed past the per-address cap',
};

export function createAuthFailures(deps: { now: () => number; log: Runtime['log'] }): AuthFailures {
  const since = deps.now();
  const totals: Record<RefusalKind, number> = { failedAdminAuth: 0, failedClientAuth: 0, ipBlocked: 0, connectionCapped: 0 };
  const sources = new Map<string, SourceCounts>();
  const recent: Refusal[] = [];
  const lastLogged: Partial<Record<RefusalKind, number>> = {};
  const unlogged: Record<RefusalKind, number> = { failedAdminAuth: 0, failedClientAuth: 0, ipBlocked: 0, connectionCapped: 0 };

  return {
    count(kind, address, reason) {
      const at = deps.now();
      totals[kind]++;
      const source = address ?? 'unknown';
      let counts = sources.get(source);
      if (!counts) {
        // Bounded: forget the source heard from longest ago (Map keeps insertion order; re-inserted on each hit).
        if (sources.size >= MAX_SOURCES) sources.delete(sources.keys().next().value!);
        counts = { address: source, failedAdminAuth: 0, failedClientAuth: 0, ipBlocked: 0, connectionCapped: 0, lastAt: at };
      } else sources.delete(source);
      counts[kind]++;
      counts.lastAt = at;
      sources.set(source, counts);
      recent.unshift({ at, kind, address: address ?? null, reason });
      if (recent.length > MAX_RECENT) recent.pop();

      const last = lastLogged[kind];
      if (last !== undefined && at - last < LOG_EVERY_MS) {
        unlogged[kind]++;
        return;
      }
      const more = unlogged[kind] > 0 ? ` (+${unlogged[kind]} more since the last line)` : '';
      deps.log(`security: ${KIND_WORDS[kind]} from ${source}: ${reason}${more}; ${totals[kind]} since start`, 'warn');
      lastLogged[kind] = at;
      unlogged[kind] = 0;
    },
    report() {
      const bySource = [...sources.values()]
        .map((s) => ({ ...s }))
        .sort((a, b) => total(b) - total(a) || b.lastAt - a.lastAt)
        .slice(0, 100);
      return { since, ...totals, bySource, recent: recent.map((r) => ({ ...r })) };
    },
  };
}

function total(s: SourceCounts): number {
  return s.failedAdminAuth + s.failedClientAuth + s.ipBlocked + s.connectionCapped;
}
