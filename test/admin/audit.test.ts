// The audit log over real HTTP: admin writes made through /admin/api are read
// back from GET /admin/api/audit with who, what, which target, when, from
// where and how it ended, every secret masked; wrong admin keys are failed
// sign-ins; reads leave no row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { auditPageView } from '../../src/admin/audit.js';
import { SIGN_IN_HEADER } from '../../src/admin/audit-trail.js';
import { ADMIN_KEY, eventually, startTestGateway } from '../helpers/gateway.js';

const CREDENTIAL = 'sk-audit-credential-do-not-log-1234';
const SECOND_CREDENTIAL = 'sk-audit-second-credential-5678';
const HEADER_SECRET = 'x-secret-header-value-0000000000';

let gw: NodeGateway;

beforeAll(async () => {
  gw = await startTestGateway({ webDir: false });
});
afterAll(async () => {
  await gw?.close();
});

interface Reply {
  status: number;
  body: any;
  text: string;
}

async function admin(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const res = await fetch(`${gw.url}/admin/api${path}`, {
    method,
    headers: {
      authorization: `Bearer ${ADMIN_KEY}`,
      ...(body === undefined ? {} : { 'content-type': typeof body === 'string' ? 'application/yaml' : 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, text };
}

/** The audit page for a query, checked against the documented shape. */
async function audit(query = ''): Promise<{ data: any[]; hasMore: boolean; text: string }> {
  const reply = await admin('GET', `/audit${query}`);
  expect(reply.status).toBe(200);
  const page = auditPageView.parse(reply.body);
  return { ...page, text: reply.text };
}

/** Rows are written after the answer: waits until the row for an action and target is there. */
async function rowFor(action: string, target: string | null): Promise<any> {
  return eventually(async () => {
    const { data } = await audit(`?action=${encodeURIComponent(action)}&limit=500`);
    const row = data.find((r) => r.action === action && r.target === target);
    expect(row, `${action} ${target}`).toBeDefined();
    return row;
  });
}

describe('audit log of admin writes', () => {
  it('records an upstream, its credentials and its deletion with the route, target and a masked summary', async () => {
    const before = Date.now();
    const created = await admin('POST', '/upstreams', {
      id: 'audited',
      kind: 'openai',
      baseUrl: 'https://user:hunter2@api.example.com/v1',
      headers: { 'x-api-key': HEADER_SECRET, 'x-team': 'blue' },
      credentials: [{ key: CREDENTIAL, label: 'main' }],
    });
    expect(created.status).toBe(201);
    expect((await admin('POST', '/upstreams/audited/credentials', { key: SECOND_CREDENTIAL })).status).toBe(201);
    expect((await admin('PATCH', '/upstreams/audited', { enabled: false })).status).toBe(200);
    expect((await admin('DELETE', '/upstreams/audited')).status).toBe(200);

    const create = await rowFor('POST /upstreams', 'audited');
    expect(create).toMatchObject({ actor: { kind: 'admin-key' }, status: 201, outcome: 'ok', address: '127.0.0.1' });
    expect(create.at).toBeGreaterThanOrEqual(before);
    const summary = JSON.parse(create.summary);
    expect(summary.body).toMatchObject({
      id: 'audited',
      kind: 'openai',
      baseUrl: 'https://***@api.example.com/v1',
      headers: { 'x-api-key': '***', 'x-team': 'blue' },
      credentials: '***',
    });
    expect(await rowFor('POST /upstreams/{id}/credentials', 'audited')).toMatchObject({ status: 201 });
    expect(JSON.parse((await rowFor('PATCH /upstreams/{id}', 'audited')).summary)).toEqual({ body: { enabled: false } });
    expect(await rowFor('DELETE /upstreams/{id}', 'audited')).toMatchObject({ summary: null, outcome: 'ok' });

    const everything = await audit('?limit=500');
    for (const secret of [CREDENTIAL, SECOND_CREDENTIAL, HEADER_SECRET, 'hunter2']) expect(everything.text).not.toContain(secret);
  });

  it('records a new client key by its id, and never the key itself', async () => {
    const made = await admin('POST', '/keys', { name: 'audited-key', group: 'team-x', models: ['mock-model'] });
    expect(made.status).toBe(201);
    const row = await rowFor('POST /keys', made.body.id);
    expect(JSON.parse(row.summary)).toEqual({ body: { name: 'audited-key', group: 'team-x', models: ['mock-model'] } });
    expect((await admin('POST', `/keys/${made.body.id}/revoke`)).status).toBe(200);
    await rowFor('POST /keys/{id}/revoke', made.body.id);
    expect((await audit('?limit=500')).text).not.toContain(made.body.key);
  });

  it('records settings, prices, limits, cache purges and config imports, whatever route they take', async () => {
    expect((await admin('PATCH', '/settings', { logging: { bodies: 'metadata' } })).status).toBe(200);
    expect((await admin('PUT', '/prices/mock-model', { input: 1, output: 2 })).status).toBe(201);
    expect((await admin('PUT', '/limits/groups/team-x', { limits: { rpm: 5 } })).status).toBe(201);
    expect((await admin('DELETE', '/cache?model=mock-model&cacheKey=my-private-cache-key')).status).toBe(200);
    const yaml = `upstreams:\n  - id: imported\n    kind: openai\n    baseUrl: https://api.example.com/v1\n    credentials:\n      - key: ${CREDENTIAL}\n`;
    expect((await admin('POST', '/config?dryRun=true', yaml)).status).toBe(200);

    expect(JSON.parse((await rowFor('PATCH /settings', null)).summary)).toEqual({ body: { logging: { bodies: 'metadata' } } });
    expect(await rowFor('PUT /prices/{model}', 'mock-model')).toMatchObject({ status: 201 });
    expect(await rowFor('PUT /limits/groups/{id}', 'team-x')).toMatchObject({ status: 201 });
    expect(JSON.parse((await rowFor('DELETE /cache', null)).summary)).toEqual({ query: { model: 'mock-model', cacheKey: '***' } });
    const imported = JSON.parse((await rowFor('POST /config', null)).summary);
    expect(imported).toEqual({ query: { dryRun: 'true' }, body: { upstreams: [{ id: 'imported', kind: 'openai', baseUrl: 'https://api.example.com/v1', credentials: '***' }] } });
    expect((await audit('?limit=500')).text).not.toContain(CREDENTIAL);
  });

  it('records refused writes with their status and outcome, and no reads', async () => {
    const { data: before } = await audit('?limit=500');
    await admin('GET', '/upstreams');
    await admin('GET', '/keys');
    const invalid = await admin('POST', '/models', { id: 'no-routes' });
    expect(invalid.status).toBe(400);
    expect((await admin('DELETE', '/models/never-made')).status).toBe(404);

    expect(await rowFor('POST /models', 'no-routes')).toMatchObject({ status: 400, outcome: 'rejected' });
    expect(await rowFor('DELETE /models/{id}', 'never-made')).toMatchObject({ status: 404, outcome: 'rejected' });
    const { data: after } = await audit('?limit=500');
    expect(after.length).toBe(before.length + 2);
    expect(after.some((r) => r.action.startsWith('GET'))).toBe(false);
  });
});

describe('audit log of sign-ins', () => {
  it('records a wrong admin key as a failed sign-in from its address, and nothing for a missing one', async () => {
    const wrong = await fetch(`${gw.url}/admin/api/keys`, { headers: { authorization: 'Bearer sb-admin-wrong-guess-000000' } });
    expect(wrong.status).toBe(401);
    const missing = await fetch(`${gw.url}/admin/api/upstreams`, { method: 'POST' });
    expect(missing.status).toBe(401);

    const failed = await rowFor('sign-in.failed', null);
    expect(failed).toMatchObject({ actor: { kind: 'anonymous' }, status: 401, outcome: 'denied', address: '127.0.0.1' });
    expect(failed.summary).not.toContain('wrong-guess');
    expect((await audit('?actor=anonymous')).data.every((r) => r.action === 'sign-in.failed')).toBe(true);
    expect((await audit('?action=POST%20/upstreams&outcome=denied')).data).toEqual([]);
  });

  it("records the dashboard's sign-in with the admin key", async () => {
    expect((await admin('GET', '/keys', undefined, { [SIGN_IN_HEADER]: 'dashboard' })).status).toBe(200);
    expect(await rowFor('sign-in', null)).toMatchObject({ actor: { kind: 'admin-key' }, status: 200, outcome: 'ok', summary: '{"body":{"via":"admin-key"}}' });
  });
});

describe('audit log of users', () => {
  const PASSWORD = 'audit-user-password-0001';

  async function session(method: string, path: string, cookie: string, csrf: string, body?: unknown): Promise<Response> {
    return fetch(`${gw.url}/admin/api${path}`, {
      method,
      headers: { cookie, 'x-csrf-token': csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  it('records a password sign-in by its user, a wrong one by the name tried, their changes, and the sign-out; never a password', async () => {
    const made = await admin('POST', '/users', { name: 'olga', password: PASSWORD, role: 'admin' });
    expect(made.status).toBe(201);
    const signIn = (password: string) =>
      fetch(`${gw.url}/admin/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'olga', password }) });

    expect((await signIn('not-her-password-at-all')).status).toBe(401);
    const ok = await signIn(PASSWORD);
    expect(ok.status).toBe(200);
    const cookie = (ok.headers.get('set-cookie') ?? '').split(';')[0];
    const { csrfToken } = (await ok.json()) as { csrfToken: string };
    expect((await session('PUT', '/limits/groups/by-olga', cookie, csrfToken, { limits: { rpm: 7 } })).status).toBe(201);
    expect((await session('PUT', '/session/password', cookie, csrfToken, { current: PASSWORD, password: 'olga-new-password-0002' })).status).toBe(200);
    const again = await signIn('olga-new-password-0002');
    const cookie2 = (again.headers.get('set-cookie') ?? '').split(';')[0];
    expect((await session('DELETE', '/session', cookie2, ((await again.json()) as { csrfToken: string }).csrfToken)).status).toBe(200);

    const olga = { kind: 'user', userId: made.body.id, name: 'olga' };
    const failed = await eventually(async () => {
      const row = (await audit('?action=sign-in.failed')).data.find((r) => r.summary?.includes('olga'));
      expect(row).toBeDefined();
      return row;
    });
    expect(failed).toMatchObject({ actor: { kind: 'anonymous' }, status: 401, outcome: 'denied', summary: '{"body":{"via":"password","name":"olga"}}' });
    expect(await rowFor('PUT /limits/groups/{id}', 'by-olga')).toMatchObject({ actor: olga, status: 201 });
    expect(JSON.parse((await rowFor('PUT /session/password', null)).summary)).toEqual({ body: { current: '***', password: '***' } });
    expect(await rowFor('sign-out', null)).toMatchObject({ actor: olga, status: 200 });
    const signIns = (await audit('?actor=olga&action=sign-in')).data.filter((r) => r.action === 'sign-in');
    expect(signIns).toHaveLength(2);
    expect(signIns[0]).toMatchObject({ actor: olga, status: 200, outcome: 'ok', summary: '{"body":{"via":"password","name":"olga"}}' });

    const everything = await audit('?limit=500');
    for (const secret of [PASSWORD, 'olga-new-password-0002', 'not-her-password-at-all', csrfToken, cookie.split('=')[1]]) expect(everything.text).not.toContain(secret);
  });

  it("records a member's refused admin write as denied, by the member", async () => {
    const made = await admin('POST', '/users', { name: 'max', password: PASSWORD });
    const ok = await fetch(`${gw.url}/admin/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'max', password: PASSWORD }) });
    const cookie = (ok.headers.get('set-cookie') ?? '').split(';')[0];
    const { csrfToken } = (await ok.json()) as { csrfToken: string };
    expect((await session('DELETE', '/upstreams/mock', cookie, csrfToken)).status).toBe(403);
    expect(await rowFor('DELETE /upstreams/{id}', 'mock')).toMatchObject({ actor: { kind: 'user', userId: made.body.id, name: 'max' }, status: 403, outcome: 'denied' });
  });
});

describe('GET /admin/api/audit', () => {
  it('filters by actor, action, target, outcome and time, newest first, in pages', async () => {
    for (const id of ['page-a', 'page-b', 'page-c']) expect((await admin('PUT', `/aliases/${id}`, { targets: [{ model: 'mock-model' }] })).status).toBe(201);
    await rowFor('PUT /aliases/{id}', 'page-c');

    const aliases = await audit('?action=put%20/aliases');
    expect(aliases.data.map((r) => r.target)).toEqual(['page-c', 'page-b', 'page-a']);
    const times = aliases.data.map((r) => r.at);
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    const first = await audit('?action=/aliases/&limit=2');
    expect(first.data.map((r) => r.target)).toEqual(['page-c', 'page-b']);
    expect(first.hasMore).toBe(true);
    const second = await audit('?action=/aliases/&limit=2&offset=2');
    expect(second.data.map((r) => r.target)).toEqual(['page-a']);
    expect(second.hasMore).toBe(false);

    expect((await audit('?target=page-b')).data.map((r) => r.action)).toEqual(['PUT /aliases/{id}']);
    expect((await audit('?target=page')).data).toEqual([]);
    expect((await audit('?target=audited')).data.map((r) => r.action)).toContain('POST /upstreams/{id}/credentials');
    expect((await audit('?actor=admin-key&outcome=rejected')).data.length).toBeGreaterThanOrEqual(2);
    expect((await audit('?actor=someone-else')).data).toEqual([]);

    const newest = aliases.data[0].at;
    expect((await audit(`?action=/aliases/&from=${newest}`)).data.map((r) => r.target)).toContain('page-c');
    expect((await audit(`?action=/aliases/&to=${aliases.data[2].at}`)).data).toEqual([]);
    expect((await audit(`?action=/aliases/&from=${new Date(newest + 1).toISOString()}`)).data).toEqual([]);
  });

  it('answers a bad filter with a 400 naming it', async () => {
    const bad = await admin('GET', '/audit?outcome=maybe&from=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/outcome: .*; from: /);
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${gw.url}/admin/api/openapi.json`)).json()) as any;
    const op = doc.paths['/audit'].get;
    expect(op.tags).toEqual(['audit']);
    expect(op.parameters.map((p: { name: string }) => p.name)).toEqual(['actor', 'action', 'target', 'outcome', 'from', 'to', 'limit', 'offset']);
    expect(doc.components.schemas.AuditPage.properties.data.items.properties.actor).toBeDefined();
  });
});
