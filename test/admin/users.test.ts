import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { ADMIN_KEY, startTestGateway } from '../helpers/gateway.js';
import { hashPassword, verifyPassword } from '../../src/policy/passwords.js';

/**
 * Users and sessions end to end: signing in, the cookie's attributes, caps on
 * a member's keys, key requests from asking to the secret shown once, and
 * every way a session ends (sign-out, password change, disabling).
 */

let gw: NodeGateway;
const PASSWORD = 'a long enough password';

interface Session {
  cookie: string;
  csrf: string;
  body: any;
}

async function api(method: string, path: string, options: { session?: Session; body?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.session) {
    headers.cookie = options.session.cookie;
    headers['x-csrf-token'] = options.session.csrf;
  } else if (!headers.cookie && !('authorization' in headers)) headers.authorization = `Bearer ${ADMIN_KEY}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${gw.url}/admin/api${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
}

async function signIn(name: string, password = PASSWORD, headers: Record<string, string> = {}): Promise<Session> {
  const res = await fetch(`${gw.url}/admin/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ name, password }) });
  const body = await res.json();
  if (res.status !== 200) throw Object.assign(new Error(`sign-in ${res.status}`), { status: res.status, body, headers: res.headers });
  return { cookie: res.headers.get('set-cookie')!.split(';')[0], csrf: body.csrfToken, body: { ...body, setCookie: res.headers.get('set-cookie') } };
}

beforeAll(async () => {
  gw = await startTestGateway({ extra: { security: { trustProxy: true }, prices: { 'mock-model': { input: 1, output: 2 } } } });
  const caps = { models: ['mock-model'], rpm: 60, maxKeys: 1, group: 'team-m', budget: { usd: 5, period: 'month' } };
  expect((await api('POST', '/users', { body: { name: 'mia', password: PASSWORD, caps } })).status).toBe(201);
  expect((await api('POST', '/users', { body: { name: 'ops', password: PASSWORD, role: 'admin' } })).status).toBe(201);
}, 20_000);
afterAll(() => gw?.close());

describe('passwords', () => {
  it('hash with PBKDF2-SHA256 at 100,000 iterations and a salt of their own, and verify only the right one', async () => {
    const a = await hashPassword('secret-one');
    const b = await hashPassword('secret-one');
    expect(a).toMatch(/^pbkdf2-sha256\$100000\$[\w-]{22}\$[\w-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('secret-one', a)).toBe(true);
    expect(await verifyPassword('secret-two', a)).toBe(false);
    // The count is read from the hash: one made with another count still verifies.
    expect(await verifyPassword('x-y-z-w', await hashPassword('x-y-z-w', 1000))).toBe(true);
    expect(await verifyPassword('secret-one', 'garbage$$$')).toBe(false);
  });
});

describe('signing in', () => {
  it('sets an HttpOnly, SameSite=Strict cookie on /admin/api, Secure behind an https proxy, and says who you are', async () => {
    const plain = await signIn('mia');
    expect(plain.body.setCookie).toMatch(/^sb_session=[\w-]{43}; Path=\/admin\/api; Max-Age=43200; HttpOnly; SameSite=Strict$/);
    expect(plain.body).toMatchObject({ role: 'member', principal: { kind: 'user', name: 'mia', role: 'member' }, models: ['mock-model'] });
    expect(plain.body.caps).toMatchObject({ maxKeys: 1, rpm: 60 });
    const proxied = await signIn('mia', PASSWORD, { 'x-forwarded-proto': 'https' });
    expect(proxied.body.setCookie).toMatch(/; Secure$/);
    const me = await api('GET', '/session', { session: plain });
    expect(me.json).toMatchObject({ role: 'member', csrfToken: plain.csrf, user: { name: 'mia' } });
    expect(me.json.user).not.toHaveProperty('passwordHash');
    const key = await api('GET', '/session');
    expect(key.json).toMatchObject({ principal: { kind: 'admin-key' }, role: 'admin', csrfToken: null, caps: null });
  });

  it('refuses a wrong password or an unknown name alike, counts it, and throttles the address', async () => {
    const from = { 'x-forwarded-for': '203.0.113.9' };
    for (const name of ['mia', 'nobody']) {
      const err = await signIn(name, 'wrong password!', from).catch((e) => e);
      expect(err.status).toBe(401);
      expect(err.body.error.message).toBe('wrong name or password');
    }
    for (let i = 0; i < 3; i++) await signIn('mia', 'wrong password!', from).catch(() => {});
    const throttled = await signIn('mia', PASSWORD, from).catch((e) => e);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBeTruthy();
    const report = await api('GET', '/security');
    expect(report.json.bySource.find((s: { address: string }) => s.address === '203.0.113.9').failedAdminAuth).toBeGreaterThanOrEqual(5);
  });
});

describe("a member's keys and caps", () => {
  it('fills what the member left out from the caps, refuses a key past them naming the cap, and counts their keys', async () => {
    const mia = await signIn('mia');
    const past = await api('POST', '/keys', { session: mia, body: { name: 'mia-fast', limits: { rpm: 6000 } } });
    expect(past.status).toBe(403);
    expect(past.json.error).toMatchObject({ code: 'cap_exceeded', param: 'rpm' });
    expect(past.json.error.message).toMatch(/key-requests/);
    const otherModel = await api('POST', '/keys', { session: mia, body: { name: 'mia-other', models: ['gpt-4o'] } });
    expect(otherModel.json.error.param).toBe('models');
    const made = await api('POST', '/keys', { session: mia, body: { name: 'mia-1' } });
    expect(made.status).toBe(201);
    expect(made.json).toMatchObject({ models: ['mock-model'], limits: { rpm: 60 }, group: 'team-m', budget: { usd: 5, period: 'month' } });
    expect(made.json.ownerId).toBe(mia.body.user.id);
    const second = await api('POST', '/keys', { session: mia, body: { name: 'mia-2' } });
    expect(second.json.error.param).toBe('maxKeys');
    const raise = await api('PATCH', `/keys/${made.json.id}`, { session: mia, body: { limits: { rpm: 61 } } });
    expect(raise.json.error.param).toBe('rpm');
    expect((await api('PATCH', `/keys/${made.json.id}`, { session: mia, body: { limits: { rpm: 30 } } })).json.limits).toEqual({ rpm: 30 });
    // The key works on the data plane.
    const client = new OpenAI({ apiKey: made.json.key, baseURL: `${gw.url}/v1` });
    const answer = await client.chat.completions.create({ model: 'mock-model', messages: [{ role: 'user', content: 'hi' }] });
    expect(answer.choices[0].message.content).toMatch(/hi/);
  });

  it('lets a member ask for more; an admin approves with a note, and the member fetches the secret once', async () => {
    const mia = await signIn('mia');
    const asked = await api('POST', '/key-requests', { session: mia, body: { name: 'mia-batch', models: ['mock-model'], limits: { rpm: 6000 }, reason: 'nightly batch' } });
    expect(asked.status).toBe(201);
    expect(asked.json).toMatchObject({ state: 'pending', userName: 'mia', reason: 'nightly batch', claimed: false });
    const pending = await api('GET', '/key-requests?state=pending');
    expect(pending.json.data.map((r: { id: string }) => r.id)).toContain(asked.json.id);
    // The member may not approve their own.
    expect((await api('POST', `/key-requests/${asked.json.id}/approve`, { session: mia, body: {} })).status).toBe(403);
    const ops = await signIn('ops');
    const approved = await api('POST', `/key-requests/${asked.json.id}/approve`, { session: ops, body: { note: 'until March' } });
    expect(approved.json).toMatchObject({ state: 'approved', note: 'until March', decidedBy: 'user:ops' });
    expect((await api('POST', `/key-requests/${asked.json.id}/reject`, { body: {} })).json.error.code).toBe('already_decided');
    // An admin cannot fetch the member's secret.
    expect((await api('POST', `/key-requests/${asked.json.id}/claim`, { session: ops })).status).toBe(404);
    const claimed = await api('POST', `/key-requests/${asked.json.id}/claim`, { session: mia });
    expect(claimed.status).toBe(200);
    expect(claimed.json).toMatchObject({ name: 'mia-batch', limits: { rpm: 6000 }, ownerId: mia.body.user.id, source: 'request' });
    expect(claimed.json.key).toMatch(/^sk-sb-/);
    expect((await api('POST', `/key-requests/${asked.json.id}/claim`, { session: mia })).json.error.code).toBe('already_claimed');
    const client = new OpenAI({ apiKey: claimed.json.key, baseURL: `${gw.url}/v1` });
    expect((await client.chat.completions.create({ model: 'mock-model', messages: [{ role: 'user', content: 'hi' }] })).choices).toHaveLength(1);
    expect((await api('GET', `/key-requests/${asked.json.id}`, { session: mia })).json.claimed).toBe(true);

    const again = await api('POST', '/key-requests', { session: mia, body: { name: 'mia-huge', reason: 'more' } });
    const rejected = await api('POST', `/key-requests/${again.json.id}/reject`, { body: { note: 'no budget left' } });
    expect(rejected.json).toMatchObject({ state: 'rejected', note: 'no budget left', decidedBy: 'admin-key', keyId: null });
    expect((await api('POST', `/key-requests/${again.json.id}/claim`, { session: mia })).json.error.code).toBe('not_approved');
  });
});

describe('how sessions end', () => {
  it('ends on sign-out, on a changed password, when the user is disabled, and on an admin password reset', async () => {
    expect((await api('POST', '/users', { body: { name: 'sam', password: PASSWORD } })).status).toBe(201);
    const userId = (await api('GET', '/users')).json.data.find((u: { name: string }) => u.name === 'sam').id;
    const alive = async (s: Session) => (await api('GET', '/session', { session: s })).status;

    const first = await signIn('sam');
    expect((await api('DELETE', '/session', { session: first })).status).toBe(200);
    expect(await alive(first)).toBe(401);

    const a = await signIn('sam');
    const b = await signIn('sam');
    const wrong = await api('PUT', '/session/password', { session: a, body: { current: 'not it at all', password: 'a new password 1' } });
    expect(wrong.status).toBe(403);
    expect((await api('PUT', '/session/password', { session: a, body: { current: PASSWORD, password: 'a new password 1' } })).status).toBe(200);
    expect(await alive(a)).toBe(401);
    expect(await alive(b)).toBe(401);
    expect((await signIn('sam', PASSWORD).catch((e) => e)).status).toBe(401);

    const c = await signIn('sam', 'a new password 1');
    expect((await api('PATCH', `/users/${userId}`, { body: { disabled: true } })).json.disabled).toBe(true);
    expect(await alive(c)).toBe(401);
    expect((await signIn('sam', 'a new password 1').catch((e) => e)).status).toBe(403);
    await api('PATCH', `/users/${userId}`, { body: { disabled: false } });

    const d = await signIn('sam', 'a new password 1');
    expect((await api('PUT', `/users/${userId}/password`, { body: { password: 'reset by admin' } })).status).toBe(200);
    expect(await alive(d)).toBe(401);
    const e = await signIn('sam', 'reset by admin');
    expect((await api('DELETE', `/users/${userId}`)).status).toBe(200);
    expect(await alive(e)).toBe(401);
  });

  it('refuses a second user of the same name, and a short password', async () => {
    expect((await api('POST', '/users', { body: { name: 'mia', password: PASSWORD } })).status).toBe(409);
    const short = await api('POST', '/users', { body: { name: 'tia', password: 'short' } });
    expect(short.status).toBe(400);
    expect(short.json.error.param).toBe('password');
  });
});
