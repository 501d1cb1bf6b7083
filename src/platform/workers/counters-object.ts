import { windowAt } from '../../store/counters.js';
import type { DurableObjectState, DurableObjectStorage } from './bindings.js';
import { fromWire, type WireCount, type WireLasting, type WireOp, type WireSettle, type WireTaken } from './counters-wire.js';

/** A fixed window's count (storage key `w`): one window at a time, a newer one replaces it. */
interface WindowCount {
  start: number;
  end: number;
  used: number;
}

/** A period's count (storage key `u`); resetAt is Infinity for running totals. */
interface PeriodCount {
  used: number;
  resetAt: number;
}

/** Each lease is its own storage key, so taking a slot writes one small value, not the whole set. */
const LEASE = 'l:';

/** The most keys one put or delete may name (the documented limit of the storage API). */
const KEYS_PER_CALL = 128;

/**
 * One counter bucket, named as the bucket (`key:k1:rpm`,
 * `group:team-a:usd:month@…`): a fixed window's count, a period's count, or
 * the leases of a concurrency bucket. durable-counters.ts talks to it in
 * JSON (counters-wire.ts).
 *
 * Every operation is exact under concurrency without locks: the state is
 * loaded into memory once, before the first request (blockConcurrencyWhile),
 * and each operation then reads and changes it with no await in between, so
 * the object's requests, which it handles one at a time between awaits, never
 * interleave. Writes to storage are not awaited: the runtime holds each
 * answer until the writes before it are durable (the output gate), and an
 * object whose write failed is restarted rather than answering. An evicted
 * object loads what it had from storage, so budgets survive.
 *
 * The clock is the object's own Date.now(): every isolate asking one bucket
 * sees the same window boundaries. Windows, periods and leases that have
 * ended are dropped when next touched, and by an alarm set for when they end,
 * so an object that nobody asks again leaves no storage behind.
 *
 * It uses only the key-value storage calls, which both SQLite-backed and
 * key-value-backed objects have.
 */
export class CounterBucket {
  private readonly storage: DurableObjectStorage;
  private window: WindowCount | undefined;
  private period: PeriodCount | undefined;
  /** Lease id -> when it expires. */
  private readonly leases = new Map<string, number>();
  /** When the alarm is set for; null when none is. */
  private alarmAt: number | null = null;

  constructor(state: DurableObjectState, _env: unknown) {
    this.storage = state.storage;
    void state.blockConcurrencyWhile(async () => {
      const stored = await this.storage.list();
      for (const [key, value] of stored) {
        if (key === 'w') this.window = value as WindowCount;
        else if (key === 'u') this.period = value as PeriodCount;
        else if (key.startsWith(LEASE)) this.leases.set(key.slice(LEASE.length), value as number);
      }
      this.alarmAt = await this.storage.getAlarm();
    });
  }

  async fetch(request: Request): Promise<Response> {
    let op: WireOp;
    try {
      op = (await request.json()) as WireOp;
    } catch {
      return new Response('the body is not JSON', { status: 400 });
    }
    // From here on nothing awaits until the answer: the operation is atomic.
    const at = Date.now();
    switch (op.op) {
      case 'take':
        return Response.json(this.take(op.amount, op.limit, op.lasts, at));
      case 'finish':
        this.finish(op.settles, op.releases, at);
        return Response.json({});
      case 'renew':
        this.renew(op.ids, op.ms, at);
        return Response.json({});
      case 'seed':
        this.seed(op.amount, fromWire(op.resetAt), op.replace, at);
        return Response.json({});
      case 'peek':
        return Response.json({ used: this.peek(op.lasts, at) } satisfies WireCount);
      default:
        return new Response(`unknown operation ${(op as { op: unknown }).op}`, { status: 400 });
    }
  }

  /** Drops what has ended; sets the alarm again for what is left. */
  async alarm(): Promise<void> {
    const at = Date.now();
    this.alarmAt = null;
    if (this.window && this.window.end <= at) this.dropWindow();
    if (this.period && this.period.resetAt <= at) this.dropPeriod();
    this.liveLeases(at);
    let last = 0;
    for (const end of [this.window?.end ?? 0, this.period?.resetAt ?? 0, ...this.leases.values()]) if (Number.isFinite(end) && end > last) last = end;
    this.wakeAt(last);
  }

  private take(amount: number, limit: number, lasts: WireLasting, at: number): WireTaken {
    switch (lasts.kind) {
      case 'window': {
        const { start, end } = windowAt(at, lasts.ms);
        const used = this.window?.start === start ? this.window.used : 0;
        if (used >= limit) return { allowed: false, used, resetAt: end, window: start };
        this.window = { start, end, used: used + amount };
        void this.storage.put('w', this.window);
        this.wakeAt(end);
        return { allowed: true, used: this.window.used, resetAt: end, window: start };
      }
      case 'until': {
        const resetAt = fromWire(lasts.resetAt);
        const used = this.period && this.period.resetAt > at ? this.period.used : 0;
        if (used >= limit) return { allowed: false, used, resetAt: lasts.resetAt };
        // The caller names the period; its word on when it ends is the latest.
        this.period = { used: used + amount, resetAt };
        void this.storage.put('u', this.period);
        this.wakeAt(resetAt);
        return { allowed: true, used: this.period.used, resetAt: lasts.resetAt };
      }
      case 'lease': {
        const used = this.liveLeases(at);
        if (used >= limit) return { allowed: false, used, resetAt: null };
        this.leases.set(lasts.id, at + lasts.ms);
        void this.storage.put(LEASE + lasts.id, at + lasts.ms);
        this.wakeAt(at + lasts.ms);
        return { allowed: true, used: this.leases.size, resetAt: null };
      }
      default:
        return lasts satisfies never;
    }
  }

  /** Settles (never below zero; a window or period that has ended is left alone) and releases. */
  private finish(settles: WireSettle[], releases: string[], at: number): void {
    for (const { window, change } of settles) {
      if (window !== null && this.window?.start === window && this.window.end > at) {
        this.window.used = Math.max(0, this.window.used + change);
        void this.storage.put('w', this.window);
      } else if (window === null && this.period && this.period.resetAt > at) {
        this.period.used = Math.max(0, this.period.used + change);
        void this.storage.put('u', this.period);
      }
    }
    const gone = releases.filter((id) => this.leases.delete(id));
    this.deleteLeases(gone);
  }

  /** Extends leases still live; one that expired stays gone (its slot may have been taken since). */
  private renew(ids: string[], ms: number, at: number): void {
    const renewed = ids.filter((id) => {
      const expiresAt = this.leases.get(id);
      return expiresAt !== undefined && expiresAt > at;
    });
    for (const id of renewed) this.leases.set(id, at + ms);
    for (const chunk of chunks(renewed)) void this.storage.put(Object.fromEntries(chunk.map((id) => [LEASE + id, at + ms])));
  }

  private seed(amount: number, resetAt: number, replace: boolean, at: number): void {
    if (resetAt <= at) return;
    if (!replace && this.period && this.period.resetAt > at) return;
    this.period = { used: amount, resetAt };
    void this.storage.put('u', this.period);
    this.wakeAt(resetAt);
  }

  private peek(lasts: WireLasting, at: number): number {
    switch (lasts.kind) {
      case 'window':
        return this.window?.start === windowAt(at, lasts.ms).start && this.window.end > at ? this.window.used : 0;
      case 'until':
        return this.period && this.period.resetAt > at ? this.period.used : 0;
      case 'lease':
        return this.liveLeases(at);
      default:
        return lasts satisfies never;
    }
  }

  /** Drops leases past their time; answers how many are left. */
  private liveLeases(at: number): number {
    const expired = [...this.leases].filter(([, expiresAt]) => expiresAt <= at).map(([id]) => id);
    for (const id of expired) this.leases.delete(id);
    this.deleteLeases(expired);
    return this.leases.size;
  }

  private deleteLeases(ids: string[]): void {
    for (const chunk of chunks(ids)) void this.storage.delete(chunk.map((id) => LEASE + id));
  }

  private dropWindow(): void {
    this.window = undefined;
    void this.storage.delete('w');
  }

  private dropPeriod(): void {
    this.period = undefined;
    void this.storage.delete('u');
  }

  /** Makes sure an alarm comes by `end` (once it is there, alarm() moves it on to whatever is left). */
  private wakeAt(end: number): void {
    if (!Number.isFinite(end) || end <= 0 || this.alarmAt !== null) return;
    this.alarmAt = end;
    void this.storage.setAlarm(end);
  }
}

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += KEYS_PER_CALL) out.push(items.slice(i, i + KEYS_PER_CALL));
  return out;
}
