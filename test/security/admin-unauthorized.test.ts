import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import type { AdminDeps } from '../../src/admin/deps.js';
import { createAdminApp } from '../../src/admin/app.js';
import { ADMIN_KEY, TEST_KEY, startTestGateway } from '../helpers/gateway.js';

/**
 * Every operation of the admin API's own OpenAPI document, called without
 * the admin key and with wrong ones, answers 401 and changes nothing; and
 * every route the admin app has is in the document (none is left out of the walk).
 */

type Operation = { method: string; path: string; security?: unknown[] };

let gw: NodeGateway;
let operations: Operation[];
let ids: Record<string, string>;

beforeAll(async () => {
  // trustProxy: each wrong key below comes from an address of its own (X-Forwarded-For), so
  // the throttle of wrong admin keys (429 after a few) does not hide what the guard answers.
  gw = await startTestGateway({ extra: { security: { trustProxy: true }, prices: { 'mock-model': { input: 1, output: 2 } } } });
  const doc = (await (await fetch(`${gw.url}/admin/api/openapi.json`)).json()) as { paths: Record<string, Record<string, { security?: unknown[] }>> };
  operations = Object.entries(doc.paths).flatMap(([path, byMethod]) => Object.entries(byMethod).map(([method, op]) => ({ method, path, security: op.security })));

  // Real ids, so a write that slipped past the guard would change something the test can see.
  const chat = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'mock-model', messages: [{ role: 'user', content: 'hi' }] }),
  });
  const keys = (await admin('/keys')) as { data: { id: string }[] };
  ids = { id: 'mock', credentialId: 'c1', model: 'mock-model', requestId: chat.headers.get('x-request-id')!, keyId: keys.data[0].id };
});
afterAll(() => gw?.close());

async function admin(path: string): Promise<unknown> {
  const res = await fetch(`${gw.url}/admin/api${path}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  expect(res.status, path).toBe(200);
  return res.json();
}

/** The path with its parameters filled with ids that exist. */
function fill(path: string): string {
  const idFor = (name: string) => {
    if (name === 'credentialId' || name === 'model') return ids[name];
    if (path.startsWith('/keys/')) return ids.keyId;
    if (path.startsWith('/logs/')) return ids.requestId;
    if (path.startsWith('/models/')) return 'mock-model';
    if (path.startsWith('/limits/groups/')) return 'team-a';
    return ids.id;
  };
  return path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(idFor(name)));
}

/** Everything an admin could have changed, read with the right key. */
async function state(): Promise<unknown[]> {
  return Promise.all(['/config', '/keys', '/upstreams', '/models', '/prices', '/limits', '/settings', '/cache'].map(admin));
}

let forwarded = 0;
const ways: { name: string; headers: () => Record<string, string>; query?: string }[] = [
  { name: 'no key', headers: () => ({}) },
  { name: 'a wrong key', headers: () => ({ authorization: 'Bearer sb-admin-not-the-key', 'x-forwarded-for': `10.1.${forwarded >> 8}.${forwarded++ & 255}` }) },
  { name: 'the key in another scheme', headers: () => ({ authorization: `Basic ${ADMIN_KEY}` }) },
  { name: 'the key as x-api-key', headers: () => ({ 'x-api-key': ADMIN_KEY }) },
  { name: 'the key in the query', headers: () => ({}), query: `?key=${ADMIN_KEY}` },
  { name: 'a client key', headers: () => ({ authorization: `Bearer ${TEST_KEY}`, 'x-forwarded-for': `10.2.${forwarded >> 8}.${forwarded++ & 255}` }) },
];

describe('the admin API without the admin key', () => {
  it('documents every route the admin app has, and guards all but the document itself', () => {
    const routes = new Set(
      createAdminApp({} as AdminDeps)
        .routes.filter((r) => r.method !== 'ALL')
        .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)(\{[^}]*\})?/g, '{$1}')}`),
    );
    const documented = new Set(operations.map((op) => `${op.method} ${op.path}`));
    expect([...routes].filter((r) => !documented.has(r))).toEqual([]);
    expect([...documented].filter((r) => !routes.has(r))).toEqual([]);
    // The document itself, and signing in with a name and password (docs/users.md).
    expect(operations.filter((op) => op.security?.length === 0).map((op) => `${op.method} ${op.path}`)).toEqual(['get /openapi.json', 'post /session']);
    expect(operations.length).toBeGreaterThan(50);
  });

  it('answers 401 to every documented operation, however the key is missing, and changes nothing', async () => {
    const before = await state();
    const wrong: string[] = [];
    for (const op of operations.filter((o) => o.security?.length !== 0)) {
      for (const way of ways) {
        const write = op.method !== 'get' && op.method !== 'delete';
        const res = await fetch(`${gw.url}/admin/api${fill(op.path)}${way.query ?? ''}`, {
          method: op.method.toUpperCase(),
          headers: { ...way.headers(), ...(write ? { 'content-type': 'application/json' } : {}) },
          body: write ? JSON.stringify({ name: 'intruder', enabled: false, bodies: 'full' }) : undefined,
        });
        const body = (await res.json().catch(() => null)) as { error?: { type?: string } } | null;
        if (res.status !== 401 || body?.error?.type !== 'authentication_error' || !res.headers.get('www-authenticate'))
          wrong.push(`${op.method.toUpperCase()} ${op.path} with ${way.name}: ${res.status}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(await state()).toEqual(before);
  });

  it('guards /metrics too', async () => {
    for (const way of ways) expect((await fetch(`${gw.url}/metrics${way.query ?? ''}`, { headers: way.headers() })).status, way.name).toBe(401);
  });
});
