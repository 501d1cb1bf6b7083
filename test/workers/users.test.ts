import { describe, expect, it } from 'vitest';
import { admin, chat, target } from './client.js';

// Users on the Worker: the password hash (WebCrypto PBKDF2 at 100,000 iterations, the most Workers allows),
// sessions in D1, the CSRF token on a cookie's writes, and a member's view narrowed to their own keys.

async function asUser(method: string, path: string, session: { cookie: string; csrf?: string }, body?: unknown) {
  const res = await fetch(`${target().url}/admin/api${path}`, {
    method,
    headers: { cookie: session.cookie, ...(session.csrf ? { 'x-csrf-token': session.csrf } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as any };
}

describe('users and sessions', () => {
  it('signs a member in, lets them make a key of their own inside their caps, and signs them out', async () => {
    const name = `worker-member-${Date.now()}`;
    const made = await admin('POST', '/users', { name, password: 'member password', caps: { maxKeys: 2 } });
    expect(made.status).toBe(201);
    const signIn = await fetch(`${target().url}/admin/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, password: 'member password' }),
    });
    expect(signIn.status).toBe(200);
    const session = { cookie: signIn.headers.get('set-cookie')!.split(';')[0], csrf: ((await signIn.json()) as { csrfToken: string }).csrfToken };

    expect((await asUser('POST', '/keys', { cookie: session.cookie }, { name: `${name}-key` })).status).toBe(403);
    const key = await asUser('POST', '/keys', session, { name: `${name}-key` });
    expect(key.status).toBe(201);
    expect((await chat(key.body.key)).status).toBe(200);
    const listed = await asUser('GET', '/keys', session);
    expect(listed.body.data.map((k: { name: string }) => k.name)).toEqual([`${name}-key`]);
    expect((await asUser('GET', '/upstreams', session)).status).toBe(403);

    expect((await asUser('DELETE', '/session', session)).status).toBe(200);
    expect((await asUser('GET', '/keys', session)).status).toBe(401);
  });
});
