import { describe, expect, it } from 'vitest';
import { PoolHealth } from '../../src/routing/credential-health.js';
import type { SharedHealth } from '../../src/routing/shared-health.js';
import type { CredentialHealthRecord } from '../../src/store/types.js';

const SETTINGS = { failuresBeforeCooling: 1, cooldownMs: 1000, maxCooldownMs: 8000, probeIntervalMs: 0 };
const T = 1_000_000;

/** A shared copy in a Map, whose fetches can be held back to play one still under way. */
function sharedMap() {
  const records = new Map<string, CredentialHealthRecord>();
  let hold: Promise<void> | null = null;
  const shared: SharedHealth = {
    publish: async (r) => void records.set(r.credentialId, r),
    async fetch() {
      const snapshot = [...records.values()];
      await hold;
      return snapshot;
    },
  };
  return { records, shared, holdFetches: (until: Promise<void>) => (hold = until) };
}

describe('PoolHealth.refresh: the working copy follows the shared one', () => {
  it("takes in another replica's changes; a missing record is no news", async () => {
    const { records, shared } = sharedMap();
    const mine = new PoolHealth(SETTINGS, shared, () => {});
    records.set('k1', { credentialId: 'k1', state: 'cooling', reason: 'rate limited (429): x', since: T, until: T + 5000, setBy: 'gateway' });
    await mine.refresh();
    expect(mine.usable('k1', T + 1)).toBe(false);
    expect(mine.usable('k1', T + 5000)).toBe(true);

    records.clear();
    await mine.refresh();
    expect(mine.state('k1').state).toBe('cooling');
  });

  it('keeps its own change over a fetch that began before it', async () => {
    const { records, shared, holdFetches } = sharedMap();
    const mine = new PoolHealth(SETTINGS, shared, () => {});
    records.set('k1', { credentialId: 'k1', state: 'healthy', reason: 'answered again', since: T - 10, until: null, setBy: 'gateway' });
    let release!: () => void;
    holdFetches(new Promise((r) => (release = r)));
    const refreshing = mine.refresh();
    mine.set('k1', 'disabled', 'refused the credential (401)', 'gateway', T);
    release();
    await refreshing;
    expect(mine.state('k1').state).toBe('disabled');
  });

  it("never replaces an admin's disable with the gateway's own state", async () => {
    const { records, shared } = sharedMap();
    const mine = new PoolHealth(SETTINGS, shared, () => {});
    mine.set('k1', 'disabled', 'by hand', 'admin', T);
    mine.failed('k1', { kind: 'rate-limited', reason: 'rate limited (429): x', retryAfterMs: 1000 }, T + 1);
    expect(mine.state('k1')).toMatchObject({ state: 'disabled', setBy: 'admin' });
    await Promise.resolve();
    expect(records.get('k1')).toMatchObject({ state: 'disabled', setBy: 'admin' });
  });
});
