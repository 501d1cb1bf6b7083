import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { ADMIN_KEY, startTestGateway } from '../helpers/gateway.js';
import { closesWithin, openRaw, type RawClient } from '../helpers/raw-socket.js';

/**
 * server.maxConnectionsPerAddress: one address holding its share of
 * connections gets further ones closed at once (counted in the security
 * report), while another address is served as before.
 */

const CAP = 8;
let gw: NodeGateway;
let port: string;
const held: RawClient[] = [];

beforeAll(async () => {
  // Listening on every interface (IPv6 and IPv4): 127.0.0.1 and ::1 are two client addresses.
  gw = await startTestGateway({ extra: { server: { host: '::', port: 0, maxConnectionsPerAddress: CAP } } });
  port = new URL(gw.url).port;
});
afterAll(async () => {
  for (const c of held) c.socket.destroy();
  await gw?.close();
});

const v4 = () => `http://127.0.0.1:${port}`;
const v6 = () => `http://[::1]:${port}`;

describe('per-address connection cap', () => {
  it('closes connections past the cap at once, counts them, and serves another address meanwhile', async () => {
    for (let i = 0; i < CAP; i++) held.push(await openRaw(v4()));
    // Each held connection is live: one of them answers a request.
    held[0].socket.write('GET /healthz HTTP/1.1\r\nHost: gateway\r\n\r\n');
    await expect.poll(() => held[0].received()).toMatch(/^HTTP\/1\.1 200/);

    const extra = await openRaw(v4());
    extra.socket.write('GET /healthz HTTP/1.1\r\nHost: gateway\r\n\r\n');
    expect(await closesWithin(extra, 1000)).toBe(true);
    expect(extra.received()).toBe('');
    await expect(fetch(`${v4()}/healthz`)).rejects.toThrow();

    // Another address is not held back by the first one's connections.
    const other = await fetch(`${v6()}/admin/api/security`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(other.status).toBe(200);
    const report = (await other.json()) as { connectionCapped: number; bySource: { address: string; connectionCapped: number }[]; recent: { kind: string; address: string; reason: string }[] };
    expect(report.connectionCapped).toBe(2);
    expect(report.bySource.find((s) => s.address === '127.0.0.1')).toMatchObject({ connectionCapped: 2 });
    expect(report.recent[0]).toMatchObject({ kind: 'connectionCapped', address: '127.0.0.1', reason: `more than ${CAP} connections open` });
  });

  it('takes a new connection from the address once one of its own closes', async () => {
    const gone = held.pop()!;
    gone.socket.destroy();
    await gone.closed;
    await expect.poll(async () => (await fetch(`${v4()}/healthz`).catch(() => null))?.status, { timeout: 2000 }).toBe(200);
  });
});
