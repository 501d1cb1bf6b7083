import type { HealthSettings } from '../config/schema.js';
import type { CredentialHealthRecord, CredentialState } from '../store/types.js';
import { RATE_LIMITED_REASON, type Failure } from './verdict.js';

/** What one process has seen of a credential since it started. */
export interface CredentialStats {
  /** Tries sent with this credential. */
  requests: number;
  /** Tries that failed (any cause the credential or upstream owned). */
  errors: number;
  inFlight: number;
  /** Tokens of the requests it served (input, cache and output). */
  tokens: number;
  lastError: string | null;
  lastErrorAt: number | null;
  lastUsedAt: number | null;
  /** Time to first byte, exponentially weighted; null until the first answer. */
  ttfbEwmaMs: number | null;
  /** Failures in a row that count toward a cooldown (5xx, timeouts, connect errors). */
  failuresInARow: number;
  /** Cooldowns in a row without a success between them (the backoff exponent). */
  cooldownsInARow: number;
}

/** A credential's state as the pool sees it now, with its counters. */
export interface CredentialHealth extends CredentialHealthRecord {
  stats: CredentialStats;
}

/** The longest an upstream's reset time may bench a rate-limited credential (longer: a probe decides). */
const MAX_RATE_LIMIT_COOLDOWN_MS = 3_600_000;

/** How much the newest time-to-first-byte moves the average (0..1). */
const EWMA_WEIGHT = 0.3;

/**
 * The pools' memory: each credential's state (healthy, cooling until a time,
 * disabled) and its counters. Requests read it synchronously; state changes
 * are handed to `persist` (the Store, fire and forget) so the admin API, the
 * CLI and the next start see them, and are written to the process log.
 */
export class PoolHealth {
  private readonly states = new Map<string, CredentialHealthRecord>();
  private readonly counters = new Map<string, CredentialStats>();

  constructor(
    private readonly settings: HealthSettings,
    private readonly persist: (record: CredentialHealthRecord) => void,
    private readonly log: (message: string) => void,
  ) {}

  /** Takes in what was persisted before (at start). */
  load(records: CredentialHealthRecord[]): void {
    for (const r of records) this.states.set(r.credentialId, r);
  }

  /** The state record, healthy when nothing was learned. */
  state(credentialId: string): CredentialHealthRecord {
    return this.states.get(credentialId) ?? { credentialId, state: 'healthy', reason: null, since: 0, until: null, setBy: 'gateway' };
  }

  stats(credentialId: string): CredentialStats {
    let s = this.counters.get(credentialId);
    if (!s) {
      s = {
        requests: 0,
        errors: 0,
        inFlight: 0,
        tokens: 0,
        lastError: null,
        lastErrorAt: null,
        lastUsedAt: null,
        ttfbEwmaMs: null,
        failuresInARow: 0,
        cooldownsInARow: 0,
      };
      this.counters.set(credentialId, s);
    }
    return s;
  }

  view(credentialId: string): CredentialHealth {
    return { ...this.state(credentialId), stats: { ...this.stats(credentialId) } };
  }

  /** Healthy, or cooling with its cooldown over (it gets a try; a success makes it healthy again). */
  usable(credentialId: string, now: number): boolean {
    const s = this.states.get(credentialId);
    if (!s || s.state === 'healthy') return true;
    return s.state === 'cooling' && (s.until ?? 0) <= now;
  }

  /** A try starts: counts it and holds an in-flight slot until `end` is called. */
  begin(credentialId: string, now: number): void {
    const s = this.stats(credentialId);
    s.requests++;
    s.inFlight++;
    s.lastUsedAt = now;
  }

  end(credentialId: string): void {
    const s = this.stats(credentialId);
    s.inFlight = Math.max(0, s.inFlight - 1);
  }

  /** The upstream answered with success: the credential is healthy again. */
  succeeded(credentialId: string, ttfbMs: number, now: number): void {
    const s = this.stats(credentialId);
    s.ttfbEwmaMs = s.ttfbEwmaMs === null ? ttfbMs : s.ttfbEwmaMs + EWMA_WEIGHT * (ttfbMs - s.ttfbEwmaMs);
    s.failuresInARow = 0;
    s.cooldownsInARow = 0;
    const current = this.states.get(credentialId);
    if (current && current.state === 'cooling') this.set(credentialId, 'healthy', 'answered again', 'gateway', now);
  }

  /** A try failed; the failure's kind decides whether the credential cools down or is disabled. */
  failed(credentialId: string, failure: Failure, now: number): void {
    const s = this.stats(credentialId);
    s.errors++;
    s.lastError = failure.reason;
    s.lastErrorAt = now;
    switch (failure.kind) {
      case 'disable':
        if (this.states.get(credentialId)?.state === 'disabled') return;
        this.set(credentialId, 'disabled', failure.reason, 'gateway', now);
        return;
      case 'rate-limited':
        this.coolDown(credentialId, Math.min(failure.retryAfterMs ?? this.settings.cooldownMs, MAX_RATE_LIMIT_COOLDOWN_MS), failure.reason, now);
        return;
      case 'unavailable': {
        s.failuresInARow++;
        if (s.failuresInARow < this.settings.failuresBeforeCooling) return;
        s.failuresInARow = 0;
        const ms = Math.min(this.settings.cooldownMs * 2 ** s.cooldownsInARow, this.settings.maxCooldownMs);
        s.cooldownsInARow++;
        this.coolDown(credentialId, ms, `${this.settings.failuresBeforeCooling} failures in a row, last: ${failure.reason}`, now);
        return;
      }
      default:
        return failure satisfies never;
    }
  }

  /** Adds a served request's tokens to the credential's counters. */
  addTokens(credentialId: string, tokens: number): void {
    this.stats(credentialId).tokens += tokens;
  }

  /** Forgets what this process learned (states and counters); what was persisted stays in the database. */
  forgetAll(): void {
    this.states.clear();
    this.counters.clear();
  }

  /** When the first of these credentials comes back from a cooldown; null when none is cooling. */
  soonestBack(credentialIds: string[]): number | null {
    let soonest: number | null = null;
    for (const id of credentialIds) {
      const s = this.states.get(id);
      if (s?.state === 'cooling' && s.until !== null && (soonest === null || s.until < soonest)) soonest = s.until;
    }
    return soonest;
  }

  /**
   * True when the credentials that will come back by themselves are all
   * waiting out the upstream's 429s (and there is at least one): the pool
   * is rate limited, not broken. Disabled ones never come back by waiting,
   * so they do not count either way; a cooldown after 5xx or timeouts, or one
   * set by an admin, makes the pool broken.
   */
  onlyRateLimited(credentialIds: string[], now: number): boolean {
    let limited = 0;
    for (const id of credentialIds) {
      const s = this.states.get(id);
      if (!s || s.state !== 'cooling' || (s.until ?? 0) <= now) continue;
      if (s.setBy !== 'gateway' || !s.reason?.startsWith(RATE_LIMITED_REASON)) return false;
      limited++;
    }
    return limited > 0;
  }

  /** Sets a state by hand or from a probe; persisted and logged. */
  set(credentialId: string, state: CredentialState, reason: string | null, setBy: 'gateway' | 'admin', now: number, until: number | null = null): void {
    const record: CredentialHealthRecord = { credentialId, state, reason, since: now, until, setBy };
    this.states.set(credentialId, record);
    if (state === 'healthy') {
      const s = this.stats(credentialId);
      s.failuresInARow = 0;
    }
    const untilText = until === null ? '' : ` until ${new Date(until).toISOString()}`;
    this.log(`credential ${credentialId}: ${state}${untilText}${reason ? ` (${reason})` : ''}`);
    this.persist(record);
  }

  private coolDown(credentialId: string, ms: number, reason: string, now: number): void {
    // Many requests in flight see the same 429: only a later end moves the cooldown.
    const current = this.states.get(credentialId);
    if (current?.state === 'cooling' && (current.until ?? 0) >= now + ms) return;
    this.set(credentialId, 'cooling', reason, 'gateway', now, now + ms);
  }
}
