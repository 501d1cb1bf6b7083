import type { Runtime } from '../runtime/runtime.js';
import type { HealthSettings } from '../config/schema.js';
import type { CredentialHealthRecord, CredentialState } from '../store/types.js';
import { RATE_LIMITED_REASON, type Failure } from './verdict.js';
import type { CredentialQuota } from '../providers/provider.js';
import { heldByAdmin, sameHealth, type SharedHealth } from './shared-health.js';

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

/** A credential's state as the pool sees it now, with its counters and the quota its upstream last reported. */
export interface CredentialHealth extends CredentialHealthRecord {
  stats: CredentialStats;
  quota: CredentialQuota | null;
}

/** The longest an upstream's reset time may bench a rate-limited credential (longer: a probe decides). */
const MAX_RATE_LIMIT_COOLDOWN_MS = 3_600_000;

/** How much the newest time-to-first-byte moves the average (0..1). */
const EWMA_WEIGHT = 0.3;

/**
 * The pools' memory: each credential's state (healthy, cooling until a time,
 * disabled) and its counters. Requests read it synchronously. State changes
 * are published to `shared` (the Store, or Redis and the Store; fire and
 * forget) so the admin API, the CLI, the next start and the other replicas
 * see them, and are written to the process log; `refresh` (a job) takes in
 * what the others published. The counters are this process's own.
 */
export class PoolHealth {
  private readonly states = new Map<string, CredentialHealthRecord>();
  private readonly counters = new Map<string, CredentialStats>();
  /** What subscriptions last said of their usage limits, by credential (this process's answers; every replica reads the same account's). */
  private readonly quotas = new Map<string, CredentialQuota>();
  /** Local changes so far, and the count at each credential's latest one: a fetch that began before it is older news. */
  private changes = 0;
  private readonly changedAt = new Map<string, number>();
  /** Publishes not yet answered, by credential: until they land, what a fetch says of it is older. */
  private readonly unsettled = new Map<string, number>();

  constructor(
    private readonly settings: HealthSettings,
    private readonly shared: SharedHealth,
    private readonly log: Runtime['log'],
  ) {}

  /**
   * Takes in what was published, by this process before a restart or by the
   * others since the last refresh; run at start and by a job. A credential
   * this process changed while the fetch was under way keeps its own state
   * (the fetch may predate it); the next refresh settles it. `source`
   * other than the shared one: the Store's copy, read first at start.
   */
  async refresh(source: SharedHealth = this.shared): Promise<void> {
    const startedAt = this.changes;
    const records = await source.fetch();
    for (const record of records) {
      const id = record.credentialId;
      if ((this.unsettled.get(id) ?? 0) > 0 || (this.changedAt.get(id) ?? 0) > startedAt) continue;
      const mine = this.states.get(id);
      if (mine && sameHealth(mine, record)) continue;
      this.states.set(id, record);
      if (record.state === 'healthy') this.stats(id).failuresInARow = 0;
      if (mine) this.log(`credential ${id}: ${describe(record)}, as published elsewhere`);
    }
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
    return { ...this.state(credentialId), stats: { ...this.stats(credentialId) }, quota: this.quotas.get(credentialId) ?? null };
  }

  /** A subscription's answer told its usage limits (ProviderDeps.noteQuota). */
  noteQuota(credentialId: string, quota: CredentialQuota): void {
    this.quotas.set(credentialId, quota);
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
      case 'rate-limited': {
        const wait = failure.retryAfterMs ?? this.settings.cooldownMs;
        this.coolDown(credentialId, failure.untilReset ? wait : Math.min(wait, MAX_RATE_LIMIT_COOLDOWN_MS), failure.reason, now);
        return;
      }
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

  /** Makes every benched credential healthy again, as an admin would (published, so for every replica), and clears this process's counters. */
  resetAll(now: number): void {
    for (const [id, record] of this.states) if (record.state !== 'healthy') this.set(id, 'healthy', 'reset', 'admin', now);
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

  /**
   * Sets a state by hand or from what the gateway saw; published and logged.
   * The gateway never replaces an admin's disable (a request that was in
   * flight when the admin acted may still fail with the credential).
   */
  set(credentialId: string, state: CredentialState, reason: string | null, setBy: 'gateway' | 'admin', now: number, until: number | null = null): void {
    if (setBy === 'gateway' && heldByAdmin(this.states.get(credentialId))) return;
    const record: CredentialHealthRecord = { credentialId, state, reason, since: now, until, setBy };
    this.states.set(credentialId, record);
    if (state === 'healthy') {
      const s = this.stats(credentialId);
      s.failuresInARow = 0;
    }
    this.log(`credential ${credentialId}: ${describe(record)}`, state === 'healthy' ? 'info' : 'warn');
    this.publish(record);
  }

  private publish(record: CredentialHealthRecord): void {
    const id = record.credentialId;
    this.changedAt.set(id, ++this.changes);
    this.unsettled.set(id, (this.unsettled.get(id) ?? 0) + 1);
    this.shared
      .publish(record)
      .catch((err: unknown) => this.log(`saving credential health failed: ${String(err)}`, 'error'))
      .finally(() => {
        const left = (this.unsettled.get(id) ?? 1) - 1;
        if (left > 0) this.unsettled.set(id, left);
        else this.unsettled.delete(id);
      });
  }

  private coolDown(credentialId: string, ms: number, reason: string, now: number): void {
    // Many requests in flight see the same 429: only a later end moves the cooldown.
    const current = this.states.get(credentialId);
    if (current?.state === 'cooling' && (current.until ?? 0) >= now + ms) return;
    this.set(credentialId, 'cooling', reason, 'gateway', now, now + ms);
  }
}

/** `cooling until 2026-…Z (reason)`, for the process log. */
function describe(record: CredentialHealthRecord): string {
  const until = record.until === null ? '' : ` until ${new Date(record.until).toISOString()}`;
  return `${record.state}${until}${record.reason ? ` (${record.reason})` : ''}`;
}
