import { expect, it } from 'vitest';
import { describeStores } from './stores.js';
import { T0 } from './records.js';

describeStores('store sign-ins', ({ store }) => {
  const signIn = (id: string, expiresAt: number) => ({ id, upstreamId: 'cx', sealed: `sealed-${id}`, expiresAt });

  it('keeps a started sign-in until it expires or is finished', async () => {
    await store().signIns.put(signIn('state-1', T0 + 600_000), T0);
    expect(await store().signIns.get('state-1', T0 + 1)).toEqual(signIn('state-1', T0 + 600_000));
    expect(await store().signIns.get('state-1', T0 + 600_000)).toBeUndefined();
    expect(await store().signIns.get('state-other', T0)).toBeUndefined();
    expect(await store().signIns.delete('state-1')).toBe(true);
    expect(await store().signIns.delete('state-1')).toBe(false);
    expect(await store().signIns.get('state-1', T0)).toBeUndefined();
  });

  it('clears expired sign-ins when a new one starts, and bumps no revision', async () => {
    await store().signIns.put(signIn('old', T0 + 10), T0);
    await store().signIns.put(signIn('new', T0 + 600_000), T0 + 20);
    expect(await store().signIns.delete('old')).toBe(false);
    expect(await store().signIns.get('new', T0 + 20)).toBeDefined();
    expect(await store().settings.revision()).toBe(0);
  });
});
