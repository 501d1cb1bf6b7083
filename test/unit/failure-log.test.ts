import { describe, expect, it } from 'vitest';
import { failureLog } from '../../src/runtime/failure-log.js';

describe('a failure that repeats', () => {
  it('is logged when it starts, then once a minute with the count, and once when it works again', () => {
    const lines: string[] = [];
    let t = 0;
    const failures = failureLog('reloading', (m) => lines.push(m), () => t);
    // Two failures a second for two and a half minutes: a database that is down.
    for (; t < 150_000; t += 500) failures.failed(new Error('database away'));
    expect(lines).toEqual([
      'reloading failed: Error: database away',
      'reloading failed (failing for a while: 120 more time(s) since the last line): Error: database away',
      'reloading failed (failing for a while: 120 more time(s) since the last line): Error: database away',
    ]);
    failures.succeeded();
    failures.succeeded();
    expect(lines.at(-1)).toBe('reloading works again, after 300 failures');
    expect(lines).toHaveLength(4);
    // A new outage starts over, logged at once.
    failures.failed(new Error('again'));
    expect(lines.at(-1)).toBe('reloading failed: Error: again');
  });

  it('says nothing about working again after a single failure, which its own line told', () => {
    const lines: string[] = [];
    const failures = failureLog('sync', (m) => lines.push(m), () => 0);
    failures.failed('timeout');
    failures.succeeded();
    expect(lines).toEqual(['sync failed: timeout']);
  });
});
