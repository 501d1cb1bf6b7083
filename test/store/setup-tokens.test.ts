import { expect, it } from 'vitest';
import { describeStores } from './stores.js';
import { T0 } from './records.js';

describeStores('store setup tokens', ({ store, another }) => {
  const token = (id: string, expiresAt: number) => ({ id, sealed: `sealed-${id}`, expiresAt });

  it('serves a token once, and not after it expires', async () => {
    await store().setupTokens.put(token('t-1', T0 + 900_000), T0);
    await store().setupTokens.put(token('t-2', T0 + 900_000), T0);
    expect(await store().setupTokens.take('t-1', T0 + 1)).toEqual(token('t-1', T0 + 900_000));
    expect(await store().setupTokens.take('t-1', T0 + 2)).toBeUndefined();
    expect(await store().setupTokens.take('t-other', T0)).toBeUndefined();
    expect(await store().setupTokens.take('t-2', T0 + 900_000)).toBeUndefined();
    expect(await store().settings.revision()).toBe(0);
  });

  it('clears expired tokens when a new one is put', async () => {
    await store().setupTokens.put(token('old', T0 + 10), T0);
    await store().setupTokens.put(token('new', T0 + 900_000), T0 + 20);
    // Even read with a clock from before it expired, the old one is gone.
    expect(await store().setupTokens.take('old', T0)).toBeUndefined();
    expect(await store().setupTokens.take('new', T0 + 20)).toBeDefined();
  });

  it('gives a token taken through two replicas at once to one of them', async () => {
    const other = await another();
    for (let i = 0; i < 5; i++) {
      await store().setupTokens.put(token(`race-${i}`, T0 + 900_000), T0);
      const both = await Promise.all([store().setupTokens.take(`race-${i}`, T0 + 1), other.setupTokens.take(`race-${i}`, T0 + 1)]);
      expect(both.filter((t) => t !== undefined)).toHaveLength(1);
    }
  });
});
