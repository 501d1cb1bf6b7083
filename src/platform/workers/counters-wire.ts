/**
 * What durable-counters.ts sends a bucket's object (counters-object.ts) and
 * what it answers, as JSON. Times are epoch ms; JSON has no Infinity, so a
 * period that never ends travels as null.
 */

export type WireLasting = { kind: 'window'; ms: number } | { kind: 'until'; resetAt: number | null } | { kind: 'lease'; id: string; ms: number };

/** A settle: the change (real minus reserved) to the count of `window` (a fixed window's start) or of the period (null). */
export interface WireSettle {
  window: number | null;
  change: number;
}

export type WireOp =
  | { op: 'take'; amount: number; limit: number; lasts: WireLasting }
  /** The ends of requests on this bucket, batched: settles, and lease ids to release. */
  | { op: 'finish'; settles: WireSettle[]; releases: string[] }
  | { op: 'renew'; ids: string[]; ms: number }
  | { op: 'seed'; amount: number; resetAt: number | null; replace: boolean }
  | { op: 'peek'; lasts: WireLasting };

export interface WireTaken {
  allowed: boolean;
  used: number;
  resetAt: number | null;
  /** The fixed window's start (window takes only). */
  window?: number;
}

/** The answer to `peek`. */
export interface WireCount {
  used: number;
}

export const toWire = (at: number): number | null => (Number.isFinite(at) ? at : null);
export const fromWire = (at: number | null): number => (at === null ? Infinity : at);
