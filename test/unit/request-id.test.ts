import { describe, expect, it } from 'vitest';
import { newRequestId } from '../../src/gateway/request-id.js';

describe('request ids', () => {
  it('are UUID version 7 with the time in their first 48 bits', () => {
    const at = Date.UTC(2026, 11, 6, 16, 0, 0, 123);
    const id = newRequestId(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(at);
  });

  it('sort by time, and differ within one millisecond', () => {
    const ids = [1_000, 2_000, 1_700_000_000_000, 1_800_000_000_000].map(newRequestId);
    expect([...ids].reverse().sort()).toEqual(ids);
    expect(newRequestId(2_000)).not.toBe(newRequestId(2_000));
  });
});
