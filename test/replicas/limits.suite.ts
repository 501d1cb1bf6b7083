import { expect, it } from 'vitest';
import { eventually } from '../helpers/gateway.js';
import { ADMIN_KEY, START_MS } from './cluster.js';
import { LEASE_MS, type Part, type Rig } from './rig.js';
import { admin, chat, countStatuses, type Answer } from './traffic.js';

// Limits over two replicas: the counters are Redis's, so two processes enforce one limit.

const RPM_KEY = 'sk-sb-replicas-rpm-000000000000000000000';
const BUDGET_KEY = 'sk-sb-replicas-budget-0000000000000000000';
const SLOTS_KEY = 'sk-sb-replicas-slots-00000000000000000000';
// $1000 per million output tokens, nothing for input: the fake's 7 output tokens make each request cost $0.007,
// and a request asking for max_tokens 7 reserves exactly that.
const COST = 0.007;
const BUDGET_REQUESTS = 40;

export const limitsPart: Part = {
  prices: { 'gpt-upstream': { input: 0, output: 1000, cacheRead: 0, cacheWrite: 0 } },
  keys: [
    { name: 'rpm', key: RPM_KEY, limits: { rpm: 50 } },
    { name: 'budget', key: BUDGET_KEY, budget: { usd: BUDGET_REQUESTS * COST, period: 'day' } },
    { name: 'slots', key: SLOTS_KEY, limits: { concurrent: 2 } },
  ],
};

export function limitsTests(rig: () => Rig): void {
  // It may wait up to half a minute for a fresh clock minute.
  it('rpm 50: of 200 concurrent requests spread over both replicas, exactly 50 pass', { timeout: 50_000 }, async () => {
    const { balancer } = rig();
    await awayFromMinuteEdge();
    const servedBefore = [...balancer.served.values()];
    const startedAt = Date.now();
    const answers = await Promise.all(Array.from({ length: 200 }, () => chat(balancer.url, RPM_KEY)));
    expect(Math.floor(Date.now() / 60_000), 'the requests stayed within one clock minute').toBe(Math.floor(startedAt / 60_000));
    expect([...balancer.served.values()].map((n, i) => n - (servedBefore[i] ?? 0))).toEqual([100, 100]);
    expect(countStatuses(answers)).toEqual({ 200: 50, 429: 150 });
    const refused = answers.find((a) => a.status === 429)!;
    expect(refused.body.error.code).toBe('rate_limit_exceeded'); // OpenAI's shape
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('a USD budget overshoots by at most what was in flight', async () => {
    const { cluster } = rig();
    // Eight clients, four per replica, each sending until refused: at most eight requests are in flight at once.
    const clients = 8;
    const admitted: Answer[] = [];
    await Promise.all(
      Array.from({ length: clients }, async (_, i) => {
        const url = cluster.urls()[i % 2];
        for (;;) {
          const answer = await chat(url, BUDGET_KEY, { maxTokens: 7 });
          if (answer.status !== 200) return expect(answer.status).toBe(429);
          admitted.push(answer);
        }
      }),
    );
    const spent = await eventually(async () => {
      const usage = await admin(cluster.urls()[0], ADMIN_KEY, 'GET', '/usage?by=key');
      const row = usage.body.rows.find((r: { name: string }) => r.name === 'budget');
      expect(row.requests - row.errors).toBe(admitted.length);
      return row.costUsd as number;
    });
    expect(spent).toBeCloseTo(admitted.length * COST, 6);
    // Two replicas each enforcing the budget on its own would let about twice as much through.
    expect(spent).toBeGreaterThanOrEqual(BUDGET_REQUESTS * COST - 1e-9);
    expect(spent).toBeLessThanOrEqual((BUDGET_REQUESTS + clients) * COST + 1e-9);
  });

  // Its time is mostly the restart's.
  it('concurrency slots held by a replica killed with SIGKILL are free again within their lease', { timeout: START_MS + 20_000 }, async () => {
    const { cluster, fake } = rig();
    const holding = (call: { body: unknown }) => JSON.stringify(call.body).includes('hold the slot');
    fake.failNext({ kind: 'hang' }, 2, holding);
    // Both slots taken on replica 0, by requests that never end on their own.
    const hanging = [0, 1].map(() => chat(cluster.replicas[0].url, SLOTS_KEY, { text: 'hold the slot' }).catch((err: unknown) => err));
    await eventually(() => expect(fake.calls.filter(holding)).toHaveLength(2));
    // Replica 1 sees them: no third slot.
    expect((await chat(cluster.replicas[1].url, SLOTS_KEY)).status).toBe(429);

    await cluster.kill(0);
    const killedAt = Date.now();
    await Promise.all(hanging); // their clients saw the connection drop
    // Right after the kill they are still held: the lease frees them, not the kill.
    expect((await chat(cluster.replicas[1].url, SLOTS_KEY)).status).toBe(429);
    await eventually(async () => expect((await chat(cluster.replicas[1].url, SLOTS_KEY)).status).toBe(200), LEASE_MS * 3);
    expect(Date.now() - killedAt).toBeLessThanOrEqual(LEASE_MS + 1000);
    await cluster.restart(0);
  });
}

/**
 * An rpm window is a clock minute: 200 requests that straddle the turn of a
 * minute may rightly pass 50 in each. They take seconds on a busy machine,
 * so when less than half a minute is left, wait for the next one.
 */
async function awayFromMinuteEdge(): Promise<void> {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 30_000) await new Promise((r) => setTimeout(r, 60_000 - intoMinute + 200));
}
