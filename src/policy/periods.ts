import type { KeyBudget } from '../config/schema.js';

/** A window of time: [start, end); `end` is Infinity for a running total. */
export interface Window {
  start: number;
  end: number;
}

export const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** The clock minute `now` falls in: rpm and tpm count in fixed minutes. */
export function minuteOf(now: number): Window {
  const start = Math.floor(now / MINUTE_MS) * MINUTE_MS;
  return { start, end: start + MINUTE_MS };
}

/**
 * A budget's current period, in UTC: the day, the week (Monday to Monday,
 * as ISO 8601 counts weeks), the calendar month, or all time.
 */
export function periodOf(period: KeyBudget['period'], now: number): Window {
  const d = new Date(now);
  const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  switch (period) {
    case 'day':
      return { start: day, end: day + DAY_MS };
    case 'week': {
      const sinceMonday = (d.getUTCDay() + 6) % 7;
      const start = day - sinceMonday * DAY_MS;
      return { start, end: start + 7 * DAY_MS };
    }
    case 'month':
      return { start: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), end: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) };
    case 'total':
      return { start: 0, end: Infinity };
    default:
      return period satisfies never;
  }
}
