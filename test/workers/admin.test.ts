import { describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { admin, chat, eventually, rowOf, target } from './client.js';
import { FAKE_KEYS } from './suite.js';

// The admin API through HTTP: keys made, used and revoked, upstreams and their sealed
// credentials, and the request log and usage report of what was sent.

describe('client keys', () => {
  it('creates a key shown once, lists it without its secret, and the key works at once', async () => {
    const created = await admin('POST', '/keys', { name: 'made-by-admin', group: 'admins' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'made-by-admin', group: 'admins', source: 'admin', revokedAt: null });
    expect(created.body.key).toMatch(/^sk-/);

    const list = await admin('GET', '/keys');
    expect(list.status).toBe(200);
    const listed = list.body.data.find((k: { name: string }) => k.name === 'made-by-admin');
    expect(listed).toMatchObject({ id: created.body.id, prefix: created.body.prefix });
    expect(JSON.stringify(list.body)).not.toContain(created.body.key);
    // The keys of the config file are there too.
    expect(list.body.data.map((k: { name: string }) => k.name)).toEqual(expect.arrayContaining(['shapes', 'rpm', 'budget']));

    const answer = await chat(created.body.key, { text: 'a fresh key' });
    expect(answer.status).toBe(200);
    expect(answer.body.choices[0].message.content).toBe('echo: a fresh key');
    expect(await rowOf(answer.headers.get('x-request-id'))).toMatchObject({ keyId: created.body.id, group: 'admins', status: 200 });
  });

  it('refuses a revoked key within a second, in the client protocol\'s shape', async () => {
    const created = await admin('POST', '/keys', { name: 'to-revoke' });
    // The gateway has the key in memory before it is revoked.
    expect((await chat(created.body.key)).status).toBe(200);

    const revoked = await admin('POST', `/keys/${created.body.id}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toEqual(expect.any(Number));
    const revokedAt = Date.now();
    const refused = await eventually(async () => {
      const answer = await chat(created.body.key);
      expect(answer.status).toBe(401);
      return answer;
    }, 3000);
    expect(Date.now() - revokedAt).toBeLessThan(1000);
    expect(refused.body.error.code).toBe('invalid_api_key');
    const sdk = new OpenAI({ apiKey: created.body.key, baseURL: `${target().url}/v1`, maxRetries: 0 });
    await expect(sdk.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);

    const list = await admin('GET', '/keys?revoked=only');
    expect(list.body.data.map((k: { id: string }) => k.id)).toContain(created.body.id);
  });

  it('makes a one-line setup link with a key, served once (its row in D1 on Workers)', async () => {
    const created = await admin('POST', '/keys', { name: 'with-setup-link', setup: true });
    expect(created.status).toBe(201);
    const link: string = created.body.setup.url;
    expect(link).toMatch(/\/setup\/sbs_[A-Za-z0-9_-]{43}$/);
    expect(created.body.setup.commands.claude.sh).toBe(`curl -fsSL ${link}/claude.sh | sh`);
    const path = new URL(link).pathname;
    const first = await fetch(`${target().url}${path}/codex.sh`);
    expect(first.status).toBe(200);
    const script = await first.text();
    expect(script).toContain(created.body.key);
    expect(script).toContain(`base_url = "${target().url}/v1"`);
    const again = await fetch(`${target().url}${path}/codex.sh`);
    expect(again.status).toBe(404);
    expect(await again.text()).not.toContain(created.body.key);
  });

  it('refuses the admin API without the admin key', async () => {
    const res = await fetch(`${target().url}/admin/api/keys`, { headers: { authorization: 'Bearer sb-admin-wrong-0000000000000000' } });
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe('invalid_admin_key');
  });
});

describe('upstreams', () => {
  it('lists the config file\'s upstreams with their credentials masked', async () => {
    const list = await admin('GET', '/upstreams');
    expect(list.status).toBe(200);
    expect(list.body.data.map((u: { id: string }) => u.id).sort()).toEqual(['ant', 'gem', 'oai']);
    const text = JSON.stringify(list.body);
    for (const secret of Object.values(FAKE_KEYS)) expect(text).not.toContain(secret);
    const oai = list.body.data.find((u: { id: string }) => u.id === 'oai');
    expect(oai).toMatchObject({ kind: 'openai', enabled: true, speaks: ['chat', 'responses'] });
    expect(oai.credentials).toEqual([expect.objectContaining({ hint: expect.stringMatching(/…/), enabled: true })]);
  });

  it('adds an upstream with a sealed credential and a model on it, served at once', async () => {
    const secret = 'sk-mock-made-through-admin-4321';
    const created = await admin('POST', '/upstreams', { id: 'made-mock', kind: 'mock', credentials: [{ key: secret, label: 'first' }] });
    expect(created.status).toBe(201);
    expect(created.body.credentials).toEqual([expect.objectContaining({ hint: 'sk-…4321', label: 'first' })]);
    expect(JSON.stringify(created.body)).not.toContain(secret);
    const model = await admin('POST', '/models', { id: 'made-model', routes: [{ upstream: 'made-mock', model: 'mock-model' }] });
    expect(model.status).toBe(201);

    const created2 = await admin('POST', '/keys', { name: 'made-model-user' });
    const answer = await eventually(async () => {
      const reply = await chat(created2.body.key, { model: 'made-model', text: 'to the mock' });
      expect(reply.status).toBe(200);
      return reply;
    });
    expect(answer.body.object).toBe('chat.completion');
    expect(await rowOf(answer.headers.get('x-request-id'))).toMatchObject({ upstreamId: 'made-mock', model: 'made-model' });
  });
});

describe('request log and usage', () => {
  it('lists a key\'s rows newest first, shows one, and sums them in the usage report', async () => {
    const created = await admin('POST', '/keys', { name: 'logged' });
    const answers = [];
    for (const text of ['first', 'second', 'third']) answers.push(await chat(created.body.key, { text }));
    const ids = answers.map((a) => a.headers.get('x-request-id'));
    const rows = await eventually(async () => {
      const page = await admin('GET', '/logs?key=logged');
      expect(page.status).toBe(200);
      expect(page.body.data).toHaveLength(3);
      return page.body.data;
    });
    expect(rows.map((r: { id: string }) => r.id)).toEqual([...ids].reverse());
    const one = await admin('GET', `/logs/${ids[0]}`);
    expect(one.body).toMatchObject({ id: ids[0], keyId: created.body.id, model: 'gpt-pass', upstreamId: 'oai', status: 200, outcome: 'ok' });

    const usage = await admin('GET', '/usage?by=key');
    expect(usage.status).toBe(200);
    const row = usage.body.rows.find((r: { name: string }) => r.name === 'logged');
    // gpt-upstream is priced at $1 an output token (suite.ts); the fake answers 7.
    expect(row).toMatchObject({ requests: 3, errors: 0, inputTokens: 24, cacheReadTokens: 9, outputTokens: 21, costUsd: 21 });
  });
});
