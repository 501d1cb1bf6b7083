import { describe, expect, it } from 'vitest';
import { costOf } from '../../src/usage/cost.js';
import { priceSchema } from '../../src/config/schema.js';
import { ZERO_USAGE } from '../../src/translate/ir.js';

const price = (p: unknown) => priceSchema.parse(p);

describe('the cost of units', () => {
  it('prices images by quality and size, then size, then quality, then *, or one number', () => {
    const table = price({ image: { 'hd 1024x1024': 0.08, '1024x1024': 0.04, hd: 0.1, '*': 0.02 } });
    expect(costOf(ZERO_USAGE, table, { images: 2, imageSize: '1024x1024', imageQuality: 'hd' })).toBe(0.16);
    expect(costOf(ZERO_USAGE, table, { images: 2, imageSize: '1024x1024', imageQuality: 'standard' })).toBe(0.08);
    expect(costOf(ZERO_USAGE, table, { images: 1, imageSize: '512x512', imageQuality: 'hd' })).toBe(0.1);
    expect(costOf(ZERO_USAGE, table, { images: 3, imageSize: '256x256' })).toBe(0.06);
    expect(costOf(ZERO_USAGE, price({ image: 0.05 }), { images: 3, imageSize: '256x256' })).toBe(0.15);
  });

  it('prices audio by the minute, speech by the million characters, rerank by the search', () => {
    expect(costOf(ZERO_USAGE, price({ audioMinute: 0.006 }), { audioSeconds: 90 })).toBe(0.009);
    expect(costOf(ZERO_USAGE, price({ characters: 15 }), { characters: 2000 })).toBe(0.03);
    expect(costOf(ZERO_USAGE, price({ search: 0.002 }), { searches: 5 })).toBe(0.01);
    // Web searches the gateway ran are priced per 1,000.
    expect(costOf(ZERO_USAGE, price({ webSearch: 10 }), { webSearches: 3 })).toBe(0.03);
    expect(costOf(ZERO_USAGE, price({ search: 0.002 }), { webSearches: 1 })).toBeNull();
  });

  it('adds tokens and units when a model bills both', () => {
    const both = price({ input: 5, output: 40, image: { '1024x1024': 0.04 } });
    const usage = { ...ZERO_USAGE, inputTokens: 1000, outputTokens: 0 };
    expect(costOf(usage, both, { images: 1, imageSize: '1024x1024' })).toBe(0.045);
  });

  it('is unknown (null), never zero, when a unit was used that the price does not cover', () => {
    expect(costOf(ZERO_USAGE, null, { images: 1 })).toBeNull();
    expect(costOf(ZERO_USAGE, price({ input: 1, output: 1 }), { audioSeconds: 3 })).toBeNull();
    expect(costOf(ZERO_USAGE, price({ image: { '1024x1024': 0.04 } }), { images: 1, imageSize: '512x512' })).toBeNull();
    expect(costOf(ZERO_USAGE, price({ search: 0.002 }), { searches: 1, characters: 10 })).toBeNull();
  });

  it('takes unit-only prices, and refuses a price with one token price or none at all', () => {
    expect(priceSchema.safeParse({ image: 0.04 }).success).toBe(true);
    expect(priceSchema.safeParse({ search: 0.002, input: 0, output: 0 }).success).toBe(true);
    expect(priceSchema.safeParse({}).error?.issues[0].path).toEqual(['input']);
    expect(priceSchema.safeParse({ output: 1, image: 0.04 }).error?.issues[0].path).toEqual(['input']);
    expect(priceSchema.safeParse({ image: { '1024x1024': -1 } }).success).toBe(false);
  });

  it('does not price tokens with a unit-only price (unknown, not free)', () => {
    expect(costOf({ ...ZERO_USAGE, inputTokens: 10 }, price({ image: 0.04 }), { images: 1 })).toBeNull();
  });

  it('costs nothing when nothing was used, and leaves token-only pricing as it was', () => {
    expect(costOf(ZERO_USAGE, null, {})).toBe(0);
    expect(costOf(ZERO_USAGE, null, null)).toBe(0);
    expect(costOf({ ...ZERO_USAGE, inputTokens: 1_000_000 }, price({ input: 2, output: 8 }), undefined)).toBe(2);
  });
});
