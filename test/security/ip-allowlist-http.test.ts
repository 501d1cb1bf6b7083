import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { ADMIN_KEY, LIMITED_KEY, TEST_KEY, logRows, startTestGateway } from '../helpers/gateway.js';

/** The data plane's IP allowlists (global and per key) and X-Forwarded-For trust, through the real server. */

const chat = (gw: NodeGateway, key = TEST_KEY, headers: Record<string, string> = {}) =>
  fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'mock-model', messages: [{ role: 'user', content: 'hi' }] }),
  });

const admin = async (gw: NodeGateway, method: string, path: string, body?: unknown) => {
  const res = await fetch(`${gw.url}/admin/api${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as any };
};

const setSecurity = async (gw: NodeGateway, security: { ipAllowlist?: string[]; trustProxy?: boolean | number | string[] }) => {
  const res = await admin(gw, 'PATCH', '/settings', { security });
  expect(res.status, JSON.stringify(res.json)).toBe(200);
};

describe('IPv4: gateway bound to 127.0.0.1', () => {
  let gw: NodeGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ extra: { security: { ipAllowlist: ['10.0.0.0/8'] } } });
  });
  afterAll(() => gw?.close());

  it('refuses an address off the config file\'s list with a 403 in each client\'s shape, logged and counted', async () => {
    const openai = new OpenAI({ apiKey: TEST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const err = await openai.chat.completions.create({ model: 'mock-model', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(403);
    expect((err as InstanceType<typeof OpenAI.APIError>).message).toMatch(/127\.0\.0\.1 .*not allowed by the gateway's IP allowlist/);

    const anthropic = new Anthropic({ apiKey: TEST_KEY, baseURL: gw.url, maxRetries: 0 });
    const aerr = await anthropic.messages.create({ model: 'mock-model', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(aerr).toBeInstanceOf(Anthropic.PermissionDeniedError);
    expect((aerr as { error: unknown }).error).toMatchObject({ type: 'error', error: { type: 'permission_error' } });

    const rows = (await logRows(gw)).filter((r) => r.status === 403);
    expect(rows.length).toBe(2);
    expect(rows[0].error).toMatch(/IP allowlist/);
    const report = (await admin(gw, 'GET', '/security')).json;
    expect(report.ipBlocked).toBe(2);
    expect(report.bySource[0]).toMatchObject({ address: '127.0.0.1', ipBlocked: 2 });

    // The model list is behind the same allowlist.
    const models = await openai.models.list().catch((e: unknown) => e);
    expect(models).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((await admin(gw, 'GET', '/security')).json.ipBlocked).toBe(3);
  });

  it('allows it once the list (changed through the admin API) holds it, and applies a key\'s own list', async () => {
    await setSecurity(gw, { ipAllowlist: ['127.0.0.0/8', '2001:db8::/32'] });
    expect((await chat(gw)).status).toBe(200);

    const keys = (await admin(gw, 'GET', '/keys')).json.data as { id: string; name: string }[];
    const tester = keys.find((k) => k.name === 'tester')!;
    const patched = await admin(gw, 'PATCH', `/keys/${tester.id}`, { ipAllowlist: ['192.0.2.0/24'] });
    expect(patched.status).toBe(200);
    expect(patched.json.ipAllowlist).toEqual(['192.0.2.0/24']);
    const refused = await chat(gw);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as any).error.message).toMatch(/key tester's IP allowlist/);
    expect((await chat(gw, LIMITED_KEY)).status).toBe(200); // other keys are not affected

    expect((await admin(gw, 'PATCH', `/keys/${tester.id}`, { ipAllowlist: ['127.0.0.1'] })).status).toBe(200);
    expect((await chat(gw)).status).toBe(200);
    expect((await admin(gw, 'PATCH', `/keys/${tester.id}`, { ipAllowlist: ['not-a-cidr'] })).status).toBe(400);
    expect((await admin(gw, 'PATCH', `/keys/${tester.id}`, { ipAllowlist: null })).json.ipAllowlist).toBeNull();
  });

  it('reads X-Forwarded-For only when told to trust proxies, from the right', async () => {
    await setSecurity(gw, { ipAllowlist: ['203.0.113.0/24'], trustProxy: false });
    // Not trusted: the header is ignored and the socket address (127.0.0.1) is refused.
    expect((await chat(gw, TEST_KEY, { 'x-forwarded-for': '203.0.113.5' })).status).toBe(403);

    await setSecurity(gw, { trustProxy: true });
    expect((await chat(gw, TEST_KEY, { 'x-forwarded-for': '203.0.113.5' })).status).toBe(200);
    expect((await chat(gw, TEST_KEY, { 'x-forwarded-for': '198.51.100.1' })).status).toBe(403);
    // A client cannot forge its way in by adding entries on the left.
    expect((await chat(gw, TEST_KEY, { 'x-forwarded-for': '203.0.113.5, 198.51.100.1' })).status).toBe(403);
    expect((await chat(gw)).status).toBe(403); // no header: the socket address

    // Trusted proxies by address: every trusted hop from the right is skipped.
    await setSecurity(gw, { trustProxy: ['127.0.0.1/32', '10.0.0.0/8'] });
    expect((await chat(gw, TEST_KEY, { 'x-forwarded-for': '198.51.100.1, 203.0.113.9, 10.1.1.1' })).status).toBe(200);
    expect((await chat(gw, TEST_KEY, { 'x-forwarded-for': '203.0.113.9, 198.51.100.1, 10.1.1.1' })).status).toBe(403);

    await setSecurity(gw, { trustProxy: 1, ipAllowlist: ['2001:db8::/32'] });
    expect((await chat(gw, TEST_KEY, { 'x-forwarded-for': '2001:db8::5' })).status).toBe(200);
    expect((await chat(gw, TEST_KEY, { 'x-forwarded-for': '2001:db9::5' })).status).toBe(403);

    expect((await admin(gw, 'PATCH', '/settings', { security: { ipAllowlist: ['300.1.1.1/8'] } })).status).toBe(400);
    await setSecurity(gw, { ipAllowlist: [], trustProxy: false });
    expect((await chat(gw)).status).toBe(200);
  });
});

describe('IPv6: gateway bound to ::1', () => {
  let gw: NodeGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ host: '::1', extra: { security: { ipAllowlist: ['::1/128'] } } });
  });
  afterAll(() => gw?.close());

  it('matches the IPv6 socket address', async () => {
    expect(gw.url).toMatch(/^http:\/\/\[::1\]:\d+$/);
    expect((await chat(gw)).status).toBe(200);
    await setSecurity(gw, { ipAllowlist: ['127.0.0.0/8'] });
    const refused = await chat(gw);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as any).error.message).toMatch(/requests from ::1 /);
  });

  it('trusts an IPv6 proxy by CIDR and reads the IPv6 client behind it', async () => {
    await setSecurity(gw, { ipAllowlist: ['2001:db8:1::/48'], trustProxy: ['::1/128'] });
    expect((await chat(gw, TEST_KEY, { 'x-forwarded-for': '2001:db8:1::42' })).status).toBe(200);
    expect((await chat(gw, TEST_KEY, { 'x-forwarded-for': '2001:db8:2::42' })).status).toBe(403);
  });
});

describe('IPv4-mapped IPv6: gateway bound to :: (dual stack), reached over IPv4', () => {
  let gw: NodeGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ host: '::', extra: { security: { ipAllowlist: ['127.0.0.1/32'] } } });
  });
  afterAll(() => gw?.close());

  it('sees ::ffff:127.0.0.1, matches it against an IPv4 list, and reports it as 127.0.0.1', async () => {
    const port = new URL(gw.url).port;
    const viaV4 = { ...gw, url: `http://127.0.0.1:${port}` } as NodeGateway;
    expect((await chat(viaV4)).status).toBe(200);
    await setSecurity(viaV4, { ipAllowlist: ['10.0.0.0/8'] });
    const refused = await chat(viaV4);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as any).error.message).toMatch(/requests from 127\.0\.0\.1 /);
  });
});
