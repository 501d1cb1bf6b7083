import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import type { AdminDeps } from '../../src/admin/deps.js';
import { createAdminApp } from '../../src/admin/app.js';
import { ADMIN_KEY, startTestGateway } from '../helpers/gateway.js';

/**
 * The authorization walk: every operation of the admin API's own OpenAPI
 * document (the real /admin/api/openapi.json, so routes other parts add are
 * walked too), called by each principal (anonymous, the admin key, an admin
 * user, member A, member B), with its path parameters filled by real ids of
 * things that exist: A's, B's and the admins'. Every answer is checked:
 * anonymous gets 401; a member gets 403 on admin routes, 404 for another's
 * thing (ids are not confirmed), and on their own routes never sees another's
 * keys, logs or bodies; a write signed in by the cookie without its CSRF token
 * is refused. An operation without an access rule fails the walk.
 */

type Access = 'admin' | 'member' | 'public';
interface Operation {
  method: string;
  path: string;
  access: Access;
}
interface Caller {
  name: string;
  headers: Record<string, string>;
  csrf?: string;
  userId?: string;
}

let gw: NodeGateway;
let operations: Operation[];
const callers: Record<'anonymous' | 'adminKey' | 'adminUser' | 'memberA' | 'memberB', Caller> = {
  anonymous: { name: 'anonymous', headers: {} },
  adminKey: { name: 'admin key', headers: { authorization: `Bearer ${ADMIN_KEY}` } },
  adminUser: { name: 'admin user', headers: {} },
  memberA: { name: 'member A', headers: {} },
  memberB: { name: 'member B', headers: {} },
};

/** The things each owner has, by path parameter kind. */
interface Owned {
  keyId: string;
  keyName: string;
  keyPlain: string;
  requestId: string;
  keyRequestId: string;
  userId: string;
}
const owned: Partial<Record<'A' | 'B' | 'admin', Owned>> = {};

const PASSWORD = 'correct horse battery staple';

async function call(caller: Caller, method: string, path: string, options: { body?: unknown; csrf?: boolean } = {}) {
  const headers: Record<string, string> = { ...caller.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.csrf !== false && caller.csrf) headers['x-csrf-token'] = caller.csrf;
  const res = await fetch(`${gw.url}/admin/api${path}`, { method: method.toUpperCase(), headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  // A stream of events (live requests) does not end: its status and headers are the answer.
  if (res.headers.get('content-type')?.startsWith('text/event-stream')) {
    await res.body?.cancel();
    return { status: res.status, text: '', json: undefined };
  }
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

async function signIn(caller: Caller, name: string): Promise<void> {
  const res = await fetch(`${gw.url}/admin/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password: PASSWORD }),
  });
  expect(res.status).toBe(200);
  const cookie = res.headers.get('set-cookie')!;
  expect(cookie).toMatch(/HttpOnly/);
  expect(cookie).toMatch(/SameSite=Strict/);
  expect(cookie).toMatch(/Path=\/admin\/api/);
  const body = (await res.json()) as { csrfToken: string; user: { id: string } };
  caller.headers = { cookie: cookie.split(';')[0] };
  caller.csrf = body.csrfToken;
  caller.userId = body.user.id;
}

async function chat(key: string): Promise<string> {
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'mock-model', messages: [{ role: 'user', content: `hello from ${key.slice(-6)}` }] }),
  });
  expect(res.status).toBe(200);
  await res.text();
  return res.headers.get('x-request-id')!;
}

async function ownedBy(caller: Caller, label: string, userId: string): Promise<Owned> {
  const made = await call(caller, 'post', '/keys', { body: { name: `key-of-${label}`, models: ['mock-model'] } });
  expect(made.status, made.text).toBe(201);
  const requestId = await chat(made.json.key);
  const asked = await call(caller === callers.adminKey ? callers.adminUser : caller, 'post', '/key-requests', { body: { name: `wanted-by-${label}`, reason: 'more tokens' } });
  expect(asked.status, asked.text).toBe(201);
  return { keyId: made.json.id, keyName: made.json.name, keyPlain: made.json.key, requestId, keyRequestId: asked.json.id, userId };
}

beforeAll(async () => {
  gw = await startTestGateway({ extra: { logging: { bodies: 'full' }, prices: { 'mock-model': { input: 1, output: 2 } } } });
  const doc = (await (await fetch(`${gw.url}/admin/api/openapi.json`)).json()) as {
    paths: Record<string, Record<string, { 'x-switchboard-access'?: Access }>>;
  };
  operations = Object.entries(doc.paths).flatMap(([path, byMethod]) =>
    Object.entries(byMethod).map(([method, op]) => ({ method, path, access: op['x-switchboard-access'] as Access })),
  );

  const users: Record<string, string> = {};
  for (const [name, role] of [['ada', 'admin'], ['amy', 'member'], ['bob', 'member']] as const) {
    const res = await call(callers.adminKey, 'post', '/users', { body: { name, password: PASSWORD, role } });
    expect(res.status, res.text).toBe(201);
    users[name] = res.json.id;
  }
  await signIn(callers.adminUser, 'ada');
  await signIn(callers.memberA, 'amy');
  await signIn(callers.memberB, 'bob');

  owned.A = await ownedBy(callers.memberA, 'A', users.amy);
  owned.B = await ownedBy(callers.memberB, 'B', users.bob);
  owned.admin = await ownedBy(callers.adminKey, 'admin', users.ada);
  // The recorder writes log rows after the answer, in batches.
  await gw.ctx.recorder.flush();
  for (const o of Object.values(owned)) expect((await call(callers.adminKey, 'get', `/logs/${o!.requestId}`)).status).toBe(200);
}, 30_000);
afterAll(() => gw?.close());

/** Ids for a member route's parameters, of the given owner; undefined: the walk does not know this parameter. */
function idsOf(path: string, owner: Owned): Record<string, string> | undefined {
  if (path.startsWith('/keys/')) return { id: owner.keyId };
  if (path.startsWith('/logs/')) return { id: owner.requestId };
  if (path.startsWith('/key-requests/')) return { id: owner.keyRequestId };
  if (path.startsWith('/users/')) return { id: owner.userId };
  return undefined;
}

/** Ids for admin routes, which no member reaches whatever the id: ids that exist where known. */
function adminIds(path: string, name: string): string {
  if (name === 'credentialId') return 'c1';
  if (name === 'model') return 'mock-model';
  if (path.startsWith('/models/')) return 'mock-model';
  if (path.startsWith('/limits/groups/')) return 'team-a';
  const known = idsOf(path, owned.admin!);
  return known?.[name] ?? 'mock';
}

function fill(path: string, ids: (name: string) => string): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(ids(name)));
}

const hasParams = (op: Operation) => /\{\w+\}/.test(op.path);
const isWrite = (op: Operation) => op.method !== 'get';
/** Operations a generic call must not make: signing out would end the walk's own session. */
const skipInWalk = (op: Operation) => op.method === 'delete' && op.path === '/session';

/** Everything of `owner` that must never show in another member's answers. */
function secretsOf(owner: Owned): string[] {
  return [owner.keyId, owner.keyName, owner.requestId, owner.keyRequestId, `hello from ${owner.keyPlain.slice(-6)}`];
}

describe('the authorization walk over the OpenAPI document', () => {
  it('finds an access rule on every operation, and every route of the admin app in the document', () => {
    const missing = operations.filter((op) => !['admin', 'member', 'public'].includes(op.access));
    expect(missing.map((op) => `${op.method} ${op.path}`), 'operations without x-switchboard-access').toEqual([]);
    const routes = new Set(
      createAdminApp({} as AdminDeps)
        .routes.filter((r) => r.method !== 'ALL')
        .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)(\{[^}]*\})?/g, '{$1}')}`),
    );
    const documented = new Set(operations.map((op) => `${op.method} ${op.path}`));
    expect([...routes].filter((r) => !documented.has(r)), 'routes missing from the document').toEqual([]);
    expect(operations.length).toBeGreaterThan(60);
  });

  it('answers 401 to anonymous callers on every guarded operation', async () => {
    for (const op of operations) {
      if (op.access === 'public') continue;
      const res = await call(callers.anonymous, op.method, fill(op.path, (name) => adminIds(op.path, name)), { body: isWrite(op) ? {} : undefined });
      expect(res.status, `anonymous ${op.method} ${op.path}: ${res.text}`).toBe(401);
    }
  });

  it('refuses a member every admin-only operation with 403, whatever the ids', async () => {
    for (const member of [callers.memberA, callers.memberB])
      for (const op of operations.filter((o) => o.access === 'admin')) {
        for (const owner of [owned.A!, owned.B!, owned.admin!]) {
          const ids = idsOf(op.path, owner);
          const res = await call(member, op.method, fill(op.path, (name) => ids?.[name] ?? adminIds(op.path, name)), { body: isWrite(op) ? {} : undefined });
          expect(res.status, `${member.name} ${op.method} ${op.path}: ${res.text}`).toBe(403);
          expect(res.json?.error?.code, `${member.name} ${op.method} ${op.path}`).toBe('admin_only');
          if (!hasParams(op)) break;
        }
      }
  });

  it("answers a member 404 for another's things and the admins' on every member operation with an id", async () => {
    const pairs = [
      [callers.memberA, [owned.B!, owned.admin!]],
      [callers.memberB, [owned.A!, owned.admin!]],
    ] as const;
    for (const [member, others] of pairs)
      for (const op of operations.filter((o) => o.access === 'member' && hasParams(o) && !skipInWalk(o)))
        for (const other of others) {
          const ids = idsOf(op.path, other);
          expect(ids, `teach the walk which ids fill the parameters of ${op.method} ${op.path}`).toBeDefined();
          const res = await call(member, op.method, fill(op.path, (name) => ids![name]), { body: isWrite(op) ? {} : undefined });
          expect(res.status, `${member.name} ${op.method} ${op.path} of another: ${res.text}`).toBe(404);
          for (const secret of secretsOf(other)) if (secret !== ids!.id) expect(res.text).not.toContain(secret);
        }
  });

  it("shows a member only their own things on every member read, and never another's keys, logs or bodies", async () => {
    const pairs = [
      [callers.memberA, owned.A!, [owned.B!, owned.admin!]],
      [callers.memberB, owned.B!, [owned.A!, owned.admin!]],
    ] as const;
    for (const [member, own, others] of pairs)
      for (const op of operations.filter((o) => o.access === 'member' && o.method === 'get')) {
        const ids = hasParams(op) ? idsOf(op.path, own) : {};
        expect(ids, `teach the walk which ids fill the parameters of ${op.method} ${op.path}`).toBeDefined();
        const path = fill(op.path, (name) => ids![name]);
        // Export in JSON lines and a long usage range, so every row they could see is in the answer.
        const query = op.path === '/logs/export' ? '?format=jsonl' : op.path === '/usage' ? '?from=0' : '';
        const res = await call(member, 'get', path + query);
        expect(res.status, `${member.name} GET ${path}: ${res.text}`).toBe(200);
        for (const other of others) for (const secret of secretsOf(other)) expect(res.text, `${member.name} GET ${path} shows ${secret}`).not.toContain(secret);
      }
    // And their own things are there to see (the filters filter, they do not hide everything).
    const a = callers.memberA;
    expect((await call(a, 'get', '/keys')).json.data.map((k: { id: string }) => k.id)).toEqual([owned.A!.keyId]);
    expect((await call(a, 'get', '/logs')).json.data.map((r: { id: string }) => r.id)).toEqual([owned.A!.requestId]);
    const detail = await call(a, 'get', `/logs/${owned.A!.requestId}`);
    expect(detail.json.bodies.request).toContain(`hello from ${owned.A!.keyPlain.slice(-6)}`);
    expect((await call(a, 'get', '/usage?from=0')).json.rows.map((r: { value: string }) => r.value)).toEqual([owned.A!.keyId]);
    expect((await call(a, 'get', '/logs/export?format=jsonl')).text).toContain(owned.A!.requestId);
    expect((await call(a, 'get', '/key-requests')).json.data.map((r: { id: string }) => r.id)).toEqual([owned.A!.keyRequestId]);
    // A member naming another's key in a filter hears what an unknown key says.
    const filtered = await call(a, 'get', `/logs?key=${owned.B!.keyId}`);
    expect(filtered.status).toBe(400);
    expect(filtered.text).not.toContain(owned.B!.keyName);
  });

  it('lets the admin key and an admin user read every operation, everyone\'s things included', async () => {
    for (const admin of [callers.adminKey, callers.adminUser])
      for (const op of operations.filter((o) => o.method === 'get' && o.access !== 'public')) {
        for (const owner of [owned.A!, owned.B!, owned.admin!]) {
          const ids = idsOf(op.path, owner);
          const res = await call(admin, 'get', fill(op.path, (name) => ids?.[name] ?? adminIds(op.path, name)));
          expect([401, 403], `${admin.name} GET ${op.path}: ${res.text}`).not.toContain(res.status);
          if (ids && op.access === 'member') expect(res.status, `${admin.name} GET ${op.path}`).toBe(200);
          if (!hasParams(op)) break;
        }
      }
    const keys = (await call(callers.adminUser, 'get', '/keys')).json.data.map((k: { id: string }) => k.id);
    expect(keys).toEqual(expect.arrayContaining([owned.A!.keyId, owned.B!.keyId, owned.admin!.keyId]));
  });

  it('refuses every write signed in by the cookie without the CSRF token, and lets the bearer key write without one', async () => {
    for (const user of [callers.adminUser, callers.memberA, callers.memberB])
      for (const op of operations.filter((o) => isWrite(o) && o.access !== 'public')) {
        const own = user === callers.memberA ? owned.A! : user === callers.memberB ? owned.B! : owned.admin!;
        const ids = idsOf(op.path, own);
        const res = await call(user, op.method, fill(op.path, (name) => ids?.[name] ?? adminIds(op.path, name)), { body: {}, csrf: false });
        expect(res.status, `${user.name} ${op.method} ${op.path} without CSRF: ${res.text}`).toBe(403);
        expect(res.json?.error?.code).toBe('csrf_token_missing');
      }
    // A wrong token is no token.
    const wrong = await call({ ...callers.memberA, csrf: 'not-the-token' }, 'post', '/keys', { body: { name: 'x' } });
    expect(wrong.status).toBe(403);
    // Bearer writes carry no CSRF token and need none.
    const patched = await call(callers.adminKey, 'patch', `/keys/${owned.admin!.keyId}`, { body: { group: 'team-z' } });
    expect(patched.status, patched.text).toBe(200);
  });

  it('lets a member write their own things (with the CSRF token)', async () => {
    const a = callers.memberA;
    const writes = operations.filter((o) => o.access === 'member' && isWrite(o) && hasParams(o));
    for (const op of writes) {
      const ids = idsOf(op.path, owned.A!);
      expect(ids, `teach the walk which ids fill the parameters of ${op.method} ${op.path}`).toBeDefined();
      const res = await call(a, op.method, fill(op.path, (name) => ids![name]), { body: {} });
      // Allowed through to the handler: any answer but a refusal of who is calling (a pending request cannot be claimed: 409).
      expect([401, 403, 404], `member A ${op.method} ${op.path}: ${res.text}`).not.toContain(res.status);
    }
  });

  it('ends the session on sign-out: the cookie opens nothing afterwards', async () => {
    const b = callers.memberB;
    expect((await call(b, 'delete', '/session')).status).toBe(200);
    const after = await call(b, 'get', '/keys');
    expect(after.status).toBe(401);
    expect(after.json.error.code).toBe('session_expired');
  });
});
