import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { ADMIN_KEY, startTestGateway } from '../helpers/gateway.js';

/**
 * Wrong admin keys from one address: a few are free, then that address gets
 * 429 with a Retry-After that doubles with each further wrong key, while a
 * right key from another address is served as ever. /metrics, which the
 * admin key opens too, shares the count. Clients are told apart by address:
 * the gateway listens on every interface and is called over 127.0.0.1 and ::1.
 */

let gw: NodeGateway;
let port: string;
let clock = Date.parse('2026-03-01T12:00:00Z');

beforeAll(async () => {
  gw = await startTestGateway({ now: () => clock, extra: { server: { host: '::', port: 0 }, metrics: { enabled: true } } });
  port = new URL(gw.url).port;
});
afterAll(() => gw?.close());

const v4 = (path: string, key: string) => fetch(`http://127.0.0.1:${port}${path}`, { headers: { authorization: `Bearer ${key}` } });
const v6 = (path: string, key: string) => fetch(`http://[::1]:${port}${path}`, { headers: { authorization: `Bearer ${key}` } });
const statuses = async (calls: Promise<Response>[]) => (await Promise.all(calls)).map((r) => r.status);

describe('failed admin sign-ins', () => {
  it('answers 429 with a growing Retry-After after a few wrong keys, and never slows another address', async () => {
    const wrong = (i: number) => `sb-admin-guess-${i}`;
    const tries: number[] = [];
    for (let i = 0; i < 5; i++) tries.push((await v4('/admin/api/keys', wrong(i))).status);
    expect(tries).toEqual([401, 401, 401, 401, 401]);

    const shut = await v4('/admin/api/keys', wrong(5));
    expect(shut.status).toBe(429);
    expect(shut.headers.get('retry-after')).toBe('1');
    expect(await shut.json()).toMatchObject({ error: { type: 'rate_limit_error', code: 'too_many_failed_attempts' } });
    // While shut out, even the right key is not looked at from that address…
    expect((await v4('/admin/api/keys', ADMIN_KEY)).status).toBe(429);
    // …but another address signs in as ever, and its own wrong keys count on their own.
    expect(await statuses([v6('/admin/api/keys', ADMIN_KEY), v6('/admin/api/keys', wrong(99))])).toEqual([200, 401]);

    // Each further wrong key doubles the wait.
    const waits: string[] = [];
    for (let i = 0; i < 4; i++) {
      clock += Number(waits.at(-1) ?? '1') * 1000;
      expect((await v4('/admin/api/keys', wrong(10 + i))).status).toBe(401);
      const res = await v4('/admin/api/keys', wrong(20 + i));
      expect(res.status).toBe(429);
      waits.push(res.headers.get('retry-after')!);
    }
    expect(waits).toEqual(['2', '4', '8', '16']);

    // Once the wait is over, the right key gets in and clears the address.
    clock += 16_000;
    expect((await v4('/admin/api/keys', ADMIN_KEY)).status).toBe(200);
    expect((await v4('/admin/api/keys', wrong(30))).status).toBe(401);
    expect((await v4('/admin/api/keys', ADMIN_KEY)).status).toBe(200);

    const report = (await (await v6('/admin/api/security', ADMIN_KEY)).json()) as { bySource: { address: string; failedAdminAuth: number }[]; recent: { reason: string }[] };
    expect(report.bySource.find((s) => s.address === '127.0.0.1')?.failedAdminAuth).toBeGreaterThanOrEqual(15);
    expect(report.recent.some((r) => /^throttled: too many wrong keys/.test(r.reason))).toBe(true);
  });

  it('counts wrong /metrics tokens with wrong admin keys, since the admin key opens /metrics too', async () => {
    clock += 2 * 60 * 60_000; // long quiet: every address starts afresh
    expect(await statuses(Array.from({ length: 5 }, (_, i) => v4('/metrics', `guess-${i}`)))).toEqual([401, 401, 401, 401, 401]);
    expect((await v4('/metrics', 'guess-5')).status).toBe(429);
    expect((await v4('/admin/api/keys', ADMIN_KEY)).status).toBe(429);
    expect((await v6('/metrics', ADMIN_KEY)).status).toBe(200);
  });
});
