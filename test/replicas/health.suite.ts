import { expect, it } from 'vitest';
import type { FakeCall } from '../fakes/index.js';
import { eventually } from '../helpers/gateway.js';
import { ADMIN_KEY } from './cluster.js';
import type { Part, Rig } from './rig.js';
import { admin, chat } from './traffic.js';

// A credential one replica benched is benched for the other too.

const HEALTH_KEY = 'sk-sb-replicas-health-00000000000000000000';
/** The two credentials of the `pool` upstream, as the fake knows them. */
const POOL_KEYS = ['sk-pool-good', 'sk-pool-bad'];

export const healthPart: Part = {
  fakeKeys: POOL_KEYS,
  upstreams: (fakeUrl) => [
    {
      id: 'pool',
      kind: 'openai',
      baseUrl: `${fakeUrl}/v1`,
      credentials: [
        { id: 'good', key: POOL_KEYS[0] },
        { id: 'bad', key: POOL_KEYS[1] },
      ],
    },
  ],
  models: [{ id: 'gpt-pool', routes: [{ upstream: 'pool', model: 'gpt-upstream' }] }],
  keys: [{ name: 'health', key: HEALTH_KEY }],
};

export function healthTests(rig: () => Rig): void {
  it('a credential benched by A is skipped by B', async () => {
    const { cluster, fake } = rig();
    const [a, b] = cluster.urls();
    const usesBad = (call: FakeCall) => call.headers.authorization === `Bearer ${POOL_KEYS[1]}`;
    fake.failNext({ kind: 'status', status: 401 }, 1000, usesBad);
    // Round robin reaches `bad` within two requests; A retries on `good`, so its clients see no failure.
    for (let i = 0; i < 2; i++) expect((await chat(a, HEALTH_KEY, { model: 'gpt-pool', text: `a ${i}` })).status).toBe(200);
    expect(fake.calls.filter(usesBad)).toHaveLength(1);

    // B hears of it, then never tries `bad`.
    await eventually(async () => {
      const health = await admin(b, ADMIN_KEY, 'GET', '/upstreams/pool/health');
      expect(health.body.credentials.find((c: { id: string }) => c.id === 'bad').state).toBe('disabled');
    }, 3000);
    for (let i = 0; i < 6; i++) expect((await chat(b, HEALTH_KEY, { model: 'gpt-pool', text: `b ${i}` })).status).toBe(200);
    expect(fake.calls.filter(usesBad)).toHaveLength(1);
  });
}
