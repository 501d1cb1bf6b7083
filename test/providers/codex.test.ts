import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { onlyConfigLine, runCli } from '../helpers/cli.js';
import { ADMIN_KEY, startTestGateway, tempDir, TEST_KEY } from '../helpers/gateway.js';
import { FAKE_ACCOUNT_ID, FAKE_EMAIL, startFakeOpenAIAuth, type FakeOpenAIAuth } from '../fakes/openai-auth.js';
import { startFakeCodex } from '../fakes/codex.js';
import type { FakeUpstream } from '../fakes/server.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { openSqliteStore } from '../../src/platform/node/sqlite.js';
import { createSecretBox } from '../../src/policy/secrets.js';

const SECRET = 'test-secret-0000000000000000';
const DB_URL = `sqlite:${join(tempDir(), 'codex.db')}`;

const admin = (gw: NodeGateway, path: string, body?: unknown) =>
  fetch(`${gw.url}/admin/api${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

async function storedSecrets(gw: NodeGateway, upstream: string): Promise<Record<string, unknown>[]> {
  const creds = (await gw.ctx.store.upstreams.list()).find((u) => u.id === upstream)!.credentials;
  return Promise.all(creds.map(async (c) => JSON.parse(await gw.ctx.secrets.decrypt(c.secretEnc)) as Record<string, unknown>));
}

describe('codex upstream: ChatGPT sign-in, Codex backend, refresh', () => {
  let auth: FakeOpenAIAuth;
  let codex: FakeUpstream;
  let gw: NodeGateway;

  beforeAll(async () => {
    auth = await startFakeOpenAIAuth();
    codex = await startFakeCodex({ accountId: FAKE_ACCOUNT_ID, isLiveToken: (t) => auth.isLiveAccessToken(t) });
    gw = await startTestGateway({
      extra: {
        storage: { url: DB_URL },
        upstreams: [
          { id: 'mock', kind: 'mock', models: ['mock-model'] },
          { id: 'cx', kind: 'codex', baseUrl: codex.url, authUrl: auth.url },
          { id: 'cx2', kind: 'codex', baseUrl: codex.url, authUrl: auth.url },
        ],
        models: [
          { id: 'codex-model', routes: [{ upstream: 'cx', model: 'gpt-5-codex' }] },
          { id: 'codex-imported', routes: [{ upstream: 'cx2', model: 'gpt-5' }] },
        ],
      },
    });
  });
  afterAll(async () => {
    await gw?.close();
    await codex?.close();
    await auth?.close();
  });

  it('signs in with PKCE through the admin API', async () => {
    const start = await admin(gw, '/upstreams/cx/login/codex/start');
    expect(start.status).toBe(200);
    const login = (await start.json()) as { url: string; state: string; redirectUri: string };
    expect(login.redirectUri).toBe('http://localhost:1455/auth/callback');
    const url = new URL(login.url);
    expect(url.origin + url.pathname).toBe(`${auth.url}/oauth/authorize`);
    expect(url.searchParams.get('state')).toBe(login.state);
    expect(url.searchParams.get('scope')).toContain('offline_access');

    // A pasted URL from another sign-in is refused.
    const landed = auth.authorize(login.url);
    const wrongState = await admin(gw, '/upstreams/cx/login/codex/finish', { state: login.state, callback: landed.replace(/state=[^&]+/, 'state=other') });
    expect(wrongState.status).toBe(400);

    const finish = await admin(gw, '/upstreams/cx/login/codex/finish', { state: login.state, callback: landed });
    expect(finish.status).toBe(201);
    const done = (await finish.json()) as { credential: { label: string } };
    expect(done.credential.label).toBe(`codex ${FAKE_EMAIL}`);
    const [secret] = await storedSecrets(gw, 'cx');
    expect(secret).toMatchObject({ account_id: FAKE_ACCOUNT_ID });
    expect(typeof secret!.refresh_token).toBe('string');

    // The state is used up.
    const again = await admin(gw, '/upstreams/cx/login/codex/finish', { state: login.state, callback: landed });
    expect(again.status).toBe(400);
  });

  it('a wrong PKCE verifier is refused by the sign-in server (502 naming it)', async () => {
    const first = (await (await admin(gw, '/upstreams/cx/login/codex/start')).json()) as { url: string; state: string };
    const second = (await (await admin(gw, '/upstreams/cx/login/codex/start')).json()) as { url: string; state: string };
    // The code was issued for the first sign-in's challenge; finishing the second with it sends the wrong verifier.
    const code = new URL(auth.authorize(first.url)).searchParams.get('code')!;
    const res = await admin(gw, '/upstreams/cx/login/codex/finish', { state: second.state, callback: code });
    expect(res.status).toBe(502);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('code_verifier');
  });

  it('serves a Responses client (streamed and not) through the Codex backend', async () => {
    const client = new OpenAI({ apiKey: TEST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const res = await client.responses.create({ model: 'codex-model', input: 'Say hi' });
    expect(res.output_text).toBeTruthy();
    const call = codex.calls[codex.calls.length - 1]!;
    expect(call.path).toBe('/responses');
    expect(call.headers['chatgpt-account-id']).toBe(FAKE_ACCOUNT_ID);
    expect(call.body).toMatchObject({ model: 'gpt-5-codex', stream: true, store: false });

    const stream = await client.responses.create({ model: 'codex-model', input: 'Say hi', stream: true });
    let text = '';
    for await (const event of stream) if (event.type === 'response.output_text.delta') text += event.delta;
    expect(text).toBe(res.output_text);
  });

  it('stores responses the backend cannot keep, and chains them, for a key with stored responses', async () => {
    const tester = [...gw.ctx.catalog.current().keysById.values()].find((k) => k.name === 'tester')!;
    const patched = await fetch(`${gw.url}/admin/api/keys/${tester.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ responses: { store: true, retentionDays: 1 } }),
    });
    expect(patched.status).toBe(200);
    const client = new OpenAI({ apiKey: TEST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const stream = await client.responses.create({ model: 'codex-model', input: 'codex first', stream: true });
    let id = '';
    for await (const event of stream) if (event.type === 'response.completed') id = event.response.id;
    // The backend's final event carries no output (unstored); the stored copy has the items it streamed.
    const stored = await client.responses.retrieve(id);
    expect(JSON.stringify(stored.output)).toContain('echo: codex first');

    const next = await client.responses.create({ model: 'codex-model', input: 'codex second', previous_response_id: id });
    expect(next.output_text).toBe('echo: codex second');
    const sent = JSON.stringify(codex.calls.at(-1)!.body.input);
    expect(sent).toContain('codex first');
    expect(sent).toContain('echo: codex first');
    await fetch(`${gw.url}/admin/api/keys/${tester.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ responses: null }),
    });
  });

  it('serves an Anthropic client through translation', async () => {
    const client = new Anthropic({ apiKey: TEST_KEY, baseURL: gw.url, maxRetries: 0 });
    const message = await client.messages.create({ model: 'codex-model', max_tokens: 100, messages: [{ role: 'user', content: 'Say hi' }] });
    expect(message.content[0]?.type).toBe('text');
    const stream = client.messages.stream({ model: 'codex-model', max_tokens: 100, messages: [{ role: 'user', content: 'Say hi' }] });
    const final = await stream.finalMessage();
    expect(final.content[0]).toMatchObject({ type: 'text' });
    expect(codex.calls[codex.calls.length - 1]!.body.stream).toBe(true);
  });

  it("imports the Codex CLI's auth.json", async () => {
    const tokens = auth.mint();
    const res = await admin(gw, '/upstreams/cx2/import-codex', { OPENAI_API_KEY: null, tokens, last_refresh: new Date().toISOString() });
    expect(res.status).toBe(201);
    const bad = await admin(gw, '/upstreams/cx2/import-codex', { tokens: { access_token: 'x' } });
    expect(bad.status).toBe(400);
    const wrongKind = await admin(gw, '/upstreams/mock/import-codex', { tokens });
    expect(wrongKind.status).toBe(400);

    const client = new OpenAI({ apiKey: TEST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const chat = await client.chat.completions.create({ model: 'codex-imported', messages: [{ role: 'user', content: 'Say hi' }] });
    expect(chat.choices[0]?.message.content).toBeTruthy();
    expect(codex.calls[codex.calls.length - 1]!.headers.authorization).toBe(`Bearer ${tokens.access_token}`);
  });

  it('refreshes an expiring token once, stores the rotated tokens, and they survive a restart', async () => {
    // A credential whose access token expires within the refresh margin.
    const tokens = auth.mint(60);
    const before = auth.refreshCount();
    expect((await admin(gw, '/upstreams/cx2/credentials', { key: JSON.stringify({ ...tokens, account_id: FAKE_ACCOUNT_ID }), id: 'cx2-expiring' })).status).toBe(201);
    await gw.ctx.store.upstreams.deleteCredential('cx2', (await gw.ctx.store.upstreams.list()).find((u) => u.id === 'cx2')!.credentials.find((c) => c.id !== 'cx2-expiring')!.id);
    await gw.ctx.catalog.reload();

    const client = new OpenAI({ apiKey: TEST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const answers = await Promise.all(
      [1, 2, 3].map(() => client.responses.create({ model: 'codex-imported', input: 'Say hi' })),
    );
    for (const a of answers) expect(a.output_text).toBeTruthy();
    expect(auth.refreshCount()).toBe(before + 1);

    // Read back from the database with a fresh secret box, as a restarted gateway would.
    const store = await openSqliteStore(DB_URL);
    try {
      const box = await createSecretBox(SECRET);
      const row = (await store.upstreams.list()).find((u) => u.id === 'cx2')!.credentials.find((c) => c.id === 'cx2-expiring')!;
      const saved = JSON.parse(await box.decrypt(row.secretEnc)) as { access_token: string; refresh_token: string; expires_at: number };
      expect(saved.refresh_token).not.toBe(tokens.refresh_token);
      expect(saved.access_token).not.toBe(tokens.access_token);
      expect(auth.isLiveAccessToken(saved.access_token)).toBe(true);
      expect(saved.expires_at).toBeGreaterThan(Date.now() + 30 * 60_000);
    } finally {
      await store.close();
    }
    const used = codex.calls[codex.calls.length - 1]!.headers.authorization;
    expect(used).not.toBe(`Bearer ${tokens.access_token}`);
  });

  it('refreshes after a 401 and retries once', async () => {
    auth.setAccessTtl(3600);
    // Tokens the backend no longer accepts although they have not expired by their claim.
    const tokens = auth.mint(3600);
    const stale = { ...tokens, access_token: tokens.access_token.replace(/\.[^.]+$/, '.revoked'), account_id: FAKE_ACCOUNT_ID };
    const before = auth.refreshCount();
    await gw.ctx.store.upstreams.putCredential({
      ...(await gw.ctx.store.upstreams.list()).find((u) => u.id === 'cx2')!.credentials[0]!,
      secretEnc: await gw.ctx.secrets.encrypt(JSON.stringify(stale)),
    });
    await gw.ctx.catalog.reload();
    const client = new OpenAI({ apiKey: TEST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const res = await client.responses.create({ model: 'codex-imported', input: 'Say hi' });
    expect(res.output_text).toBeTruthy();
    expect(auth.refreshCount()).toBe(before + 1);
  });

  it('syncs its model list from the backend, leaving hidden models out', async () => {
    const res = await admin(gw, '/upstreams/cx2/sync-models');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ upstream: 'cx2', models: ['gpt-5-codex', 'gpt-5'] });
    expect(codex.calls[codex.calls.length - 1]!.path).toMatch(/^\/models\?client_version=/);
  });
});


describe('switchboard upstream login codex / import-codex', () => {
  let auth: FakeOpenAIAuth;
  const dir = tempDir();
  const dbUrl = `sqlite:${join(dir, 'cli.db')}`;
  const configFile = join(dir, 'switchboard.yaml');

  beforeAll(async () => {
    auth = await startFakeOpenAIAuth();
    writeFileSync(configFile, `secret: ${SECRET}\nstorage: { url: "${dbUrl}" }\nupstreams:\n  - { id: cx, kind: codex, authUrl: "${auth.url}" }\n`);
  });
  afterAll(async () => {
    await auth?.close();
  });

  async function storedAccounts(): Promise<string[]> {
    const store = await openSqliteStore(dbUrl);
    try {
      const box = await createSecretBox(SECRET);
      const creds = (await store.upstreams.list()).find((u) => u.id === 'cx')!.credentials;
      return Promise.all(creds.map(async (c) => (JSON.parse(await box.decrypt(c.secretEnc)) as { account_id: string }).account_id));
    } finally {
      await store.close();
    }
  }

  it('prints the sign-in URL, reads the pasted redirect URL and stores the tokens', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'upstream', 'login', 'codex', '--upstream', 'cx', '--config', configFile], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const url = /(http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?\S+)/.exec(out)?.[1];
        if (url && out.includes('Paste') && !child.stdin.writableEnded) child.stdin.end(`${auth.authorize(url)}\n`);
      });
      child.on('close', resolve);
    });
    expect(err).toBe(onlyConfigLine(configFile));
    expect(code).toBe(0);
    expect(out).toContain(`Signed in as codex ${FAKE_EMAIL}`);
    expect(await storedAccounts()).toEqual([FAKE_ACCOUNT_ID]);
  });

  it("imports the Codex CLI's auth.json from a file", async () => {
    const file = join(dir, 'auth.json');
    writeFileSync(file, JSON.stringify({ OPENAI_API_KEY: null, tokens: auth.mint(), last_refresh: new Date().toISOString() }));
    const res = await runCli(['upstream', 'import-codex', '--upstream', 'cx', '--file', file, '--config', configFile]);
    expect(res.stderr).toBe(onlyConfigLine(configFile));
    expect(res.code).toBe(0);
    expect(await storedAccounts()).toEqual([FAKE_ACCOUNT_ID, FAKE_ACCOUNT_ID]);
  });
});
