import { expect, it } from 'vitest';
import { eventually } from '../helpers/gateway.js';
import { ADMIN_KEY } from './cluster.js';
import type { Part, Rig } from './rig.js';
import { admin, chat, countStatuses, type Answer } from './traffic.js';

/**
 * PostgreSQL or Redis going away under load, played by cutting the TCP proxy
 * the replicas reach it through (every connection reset, new ones refused)
 * and restoring it: the replicas must not crash, must say what they cannot
 * do in the client's own error shape, and must pick up again by themselves.
 */
const KEY = 'sk-sb-replicas-outage-00000000000000000000';

// A limit, so every request of this key goes through the counters.
export const outagePart: Part = { keys: [{ name: 'outage', key: KEY, limits: { rpm: 1_000_000 } }] };

// Every answer a client had: what the key's usage totals come to in the end (refusals are recorded too).
let answered = 0;
async function everyReplica(rig: Rig): Promise<Answer[]> {
  const answers = await Promise.all(rig.cluster.urls().map((url) => chat(url, KEY)));
  answered += answers.length;
  return answers;
}
const alive = (rig: Rig) => rig.cluster.replicas.map((r) => r.child.exitCode === null && r.child.signalCode === null);

export function redisOutageTests(rig: () => Rig): void {
  it('Redis cut: 503 in the client shape while it is away, served again once it is back, no restart', async () => {
    const redis = rig().backends.proxies!.redis;
    expect(countStatuses(await everyReplica(rig()))).toEqual({ 200: 2 });
    await redis.cut();
    try {
      const during = await eventually(async () => {
        const answers = await everyReplica(rig());
        expect(countStatuses(answers)).toEqual({ 503: 2 });
        return answers;
      }, 3000);
      for (const answer of during) expect(answer.body.error.code).toBe('limits_unavailable'); // OpenAI's shape, saying why
    } finally {
      await redis.restore();
    }
    await eventually(async () => expect(countStatuses(await everyReplica(rig()))).toEqual({ 200: 2 }), 5000);
    expect(alive(rig())).toEqual([true, true]);
  });
}

export function postgresOutageTests(rig: () => Rig): void {
  it('PostgreSQL cut: requests are still served and recorded once it is back; the admin API says what failed', async () => {
    const postgres = rig().backends.proxies!.postgres;
    const url = rig().cluster.urls()[0];
    await postgres.cut();
    try {
      // The request path reads the in-memory snapshot, never the database: traffic goes on.
      const during: Answer[] = [];
      for (let i = 0; i < 10; i++) during.push(...(await everyReplica(rig())));
      expect(countStatuses(during)).toEqual({ 200: 20 });
      // What needs the database fails at once, in the admin API's error shape, rather than hanging.
      const keys = await admin(url, ADMIN_KEY, 'GET', '/keys');
      expect(keys.status).toBeGreaterThanOrEqual(500);
      expect(typeof keys.body.error.message).toBe('string');
    } finally {
      await postgres.restore();
    }
    // The rows queued during the outage are written once it is back: none lost.
    await eventually(async () => expect(await recorded(url)).toBe(answered), 8000);
    expect((await admin(url, ADMIN_KEY, 'GET', '/keys')).status).toBe(200);
    expect(alive(rig())).toEqual([true, true]);
  });
}

/** The key's requests in the usage totals. */
async function recorded(url: string): Promise<number> {
  const usage = await admin(url, ADMIN_KEY, 'GET', '/usage?by=key');
  return usage.body.rows.find((r: { name: string }) => r.name === 'outage')?.requests ?? 0;
}
