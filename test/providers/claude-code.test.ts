import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { onlyConfigLine, runCli } from '../helpers/cli.js';
import { ADMIN_KEY, startTestGateway, tempDir, TEST_KEY } from '../helpers/gateway.js';
import { CLAUDE_FAKE_EMAIL, startFakeAnthropicAuth, type FakeAnthropicAuth } from '../fakes/anthropic-auth.js';
import { CLAUDE_CODE_ONLY, startFakeAnthropic } from '../fakes/anthropic.js';
import type { FakeCall, FakeUpstream } from '../fakes/server.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { openSqliteStore } from '../../src/platform/node/sqlite.js';
import { createSecretBox } from '../../src/policy/secrets.js';

const SECRET = 'test-secret-0000000000000000';
const IDENTITY = "You are Claude Code, Anthropic's official CLI for Claude.";
const dir = tempDir();
const DB_URL = `sqlite:${join(dir, 'claude-code.db')}`;

const admin = (gw: NodeGateway, path: string, body?: unknown, method = 'POST') =>
  fetch(`${gw.url}/admin/api${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

interface HealthView {
  id: string;
  state: string;
  reason: string | null;
  until: number | null;
  quota: { status: string | null; binding: string | null; resetAt: number | null; windows: { name: string; utilization: number | null; resetAt: number | null }[] } | null;
}

async function credentialHealth(gw: NodeGateway, upstream: string): Promise<HealthView[]> {
  const res = await fetch(`${gw.url}/admin/api/upstreams/${upstream}/health`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  return ((await res.json()) as { credentials: HealthView[] }).credentials;
}

/** A credential's secret as a restarted gateway would read it: from the database, with a fresh secret box. */
async function storedSecret(upstream: string, credentialId?: string): Promise<Record<string, unknown>> {
  const store = await openSqliteStore(DB_URL);
  try {
    const box = await createSecretBox(SECRET);
    const creds = (await store.upstreams.list()).find((u) => u.id === upstream)!.credentials;
    const row = credentialId ? creds.find((c) => c.id === credentialId)! : creds[0]!;
    return JSON.parse(await box.decrypt(row.secretEnc)) as Record<string, unknown>;
  } finally {
    await store.close();
  }
}

const bearerOf = (call: FakeCall) => String(call.headers.authorization ?? '').replace(/^Bearer /, '');

describe('claude-code upstream: Claude sign-in, requests as Claude Code, refresh, quota', () => {
  let auth: FakeAnthropicAuth;
  let api: FakeUpstream;
  let gw: NodeGateway;
  let unified: Record<string, string> = {};
  const setupToken = `sk-ant-oat01-setup-${'x'.repeat(40)}`;

  beforeAll(async () => {
    auth = await startFakeAnthropicAuth();
    auth.register(setupToken, 365 * 86_400);
    api = await startFakeAnthropic({ subscription: { isLiveToken: (t) => auth.isLiveAccessToken(t), unifiedHeaders: () => unified } });
    const oauth = { authorizeUrl: `${auth.url}/oauth/authorize`, tokenUrl: `${auth.url}/v1/oauth/token` };
    gw = await startTestGateway({
      extra: {
        storage: { url: DB_URL },
        upstreams: [
          { id: 'mock', kind: 'mock', models: ['mock-model'] },
          { id: 'cc', kind: 'claude-code', baseUrl: api.url, oauth },
          { id: 'cc-setup', kind: 'claude-code', baseUrl: api.url, oauth, credentials: [{ id: 'setup', key: setupToken }] },
          { id: 'cc-refresh', kind: 'claude-code', baseUrl: api.url, oauth },
        ],
        models: [
          { id: 'claude-sub', routes: [{ upstream: 'cc', model: 'claude-sonnet-4-20250514' }] },
          { id: 'claude-setup', routes: [{ upstream: 'cc-setup', model: 'claude-sonnet-4-20250514' }] },
          { id: 'claude-refresh', routes: [{ upstream: 'cc-refresh', model: 'claude-sonnet-4-20250514' }] },
        ],
      },
    });
  });
  afterAll(async () => {
    await gw?.close();
    await api?.close();
    await auth?.close();
  });
  beforeEach(() => {
    unified = {};
  });

  it('signs in with PKCE through the admin API, the code pasted back as the page shows it', async () => {
    const start = await admin(gw, '/upstreams/cc/login/claude-code/start');
    expect(start.status).toBe(200);
    const login = (await start.json()) as { url: string; state: string; redirectUri: string };
    expect(login.redirectUri).toBe('https://console.anthropic.com/oauth/code/callback');
    const url = new URL(login.url);
    expect(url.origin + url.pathname).toBe(`${auth.url}/oauth/authorize`);
    expect(url.searchParams.get('code')).toBe('true');
    expect(url.searchParams.get('client_id')).toBe('9d1c250a-e61b-44d9-88ed-5944d1962f5e');
    expect(url.searchParams.get('scope')).toBe('org:create_api_key user:profile user:inference');
    expect(url.searchParams.get('state')).toBe(login.state);

    const shown = auth.authorize(login.url);
    const wrongState = await admin(gw, '/upstreams/cc/login/claude-code/finish', { state: login.state, code: `${shown.split('#')[0]}#other` });
    expect(wrongState.status).toBe(400);
    const wrongKind = await admin(gw, '/upstreams/mock/login/claude-code/start');
    expect(wrongKind.status).toBe(400);

    const finish = await admin(gw, '/upstreams/cc/login/claude-code/finish', { state: login.state, code: shown });
    expect(finish.status).toBe(201);
    expect(((await finish.json()) as { credential: { label: string } }).credential.label).toBe(`claude-code ${CLAUDE_FAKE_EMAIL}`);
    const secret = await storedSecret('cc');
    expect(auth.isLiveAccessToken(secret.access_token as string)).toBe(true);
    expect(secret.refresh_token).toMatch(/^sk-ant-ort01-/);
    expect(secret.expires_at).toBeGreaterThan(Date.now() + 60 * 60_000);

    // The state is used up.
    expect((await admin(gw, '/upstreams/cc/login/claude-code/finish', { state: login.state, code: shown })).status).toBe(400);
  });

  it('serves an Anthropic client, streamed and not, sending what Claude Code sends', async () => {
    const client = new Anthropic({ apiKey: TEST_KEY, baseURL: gw.url, maxRetries: 0, defaultHeaders: { 'anthropic-beta': 'context-1m-2025-08-07' } });
    const message = await client.messages.create({ model: 'claude-sub', max_tokens: 100, system: 'Be brief.', messages: [{ role: 'user', content: 'Say hi' }] });
    expect(message.content[0]).toMatchObject({ type: 'text' });
    const call = api.calls.at(-1)!;
    const { access_token } = await storedSecret('cc');
    expect(call.path).toBe('/v1/messages');
    expect(call.headers.authorization).toBe(`Bearer ${access_token as string}`);
    expect(call.headers['x-api-key']).toBeUndefined();
    expect(String(call.headers['anthropic-beta']).split(',')).toEqual(['claude-code-20250219', 'oauth-2025-04-20', 'context-1m-2025-08-07']);
    expect(call.headers['user-agent']).toMatch(/^claude-cli\/\S+ \(external, cli\)$/);
    expect(call.headers['x-app']).toBe('cli');
    expect(call.body.system).toEqual([{ type: 'text', text: IDENTITY }, { type: 'text', text: 'Be brief.' }]);

    const stream = client.messages.stream({ model: 'claude-sub', max_tokens: 100, messages: [{ role: 'user', content: 'Say hi' }] });
    let text = '';
    stream.on('text', (delta) => (text += delta));
    const final = await stream.finalMessage();
    expect(text).toBeTruthy();
    expect(final.content[0]).toMatchObject({ type: 'text', text });
    expect(api.calls.at(-1)!.body).toMatchObject({ stream: true, system: [{ type: 'text', text: IDENTITY }] });

    const counted = await client.messages.countTokens({ model: 'claude-sub', messages: [{ role: 'user', content: 'Say hi' }] });
    expect(counted.input_tokens).toBeGreaterThan(0);
    expect(api.calls.at(-1)!.path).toBe('/v1/messages/count_tokens');
  });

  it("leaves Claude Code's own system prompt as it is", async () => {
    const system = [
      { type: 'text' as const, text: 'x-anthropic-billing-header: cc_version=2.1.332; cc_entrypoint=cli;' },
      { type: 'text' as const, text: "You are a Claude agent, built on Anthropic's Claude Agent SDK." },
    ];
    const client = new Anthropic({ apiKey: TEST_KEY, baseURL: gw.url, maxRetries: 0, defaultHeaders: { 'user-agent': 'claude-cli/2.1.332 (external, sdk-cli)' } });
    await client.messages.create({ model: 'claude-sub', max_tokens: 100, system, messages: [{ role: 'user', content: 'Say hi' }] });
    const call = api.calls.at(-1)!;
    expect(call.body.system).toEqual(system);
    expect(call.headers['user-agent']).toBe('claude-cli/2.1.332 (external, sdk-cli)');
  });

  it('serves an OpenAI client through translation (which the subscription would refuse without the identity)', async () => {
    const client = new OpenAI({ apiKey: TEST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const chat = await client.chat.completions.create({ model: 'claude-sub', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Say hi' }] });
    expect(chat.choices[0]?.message.content).toBeTruthy();
    const system = api.calls.at(-1)!.body.system as { text: string }[];
    expect(system[0]).toEqual({ type: 'text', text: IDENTITY });
    expect(system.map((b) => b.text).join('\n')).toContain('Be brief.');

    const stream = await client.chat.completions.create({ model: 'claude-sub', stream: true, messages: [{ role: 'user', content: 'Say hi' }] });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBeTruthy();

    // The fake refuses a subscription token outside Claude Code, as the API does: the identity is what lets it through.
    const direct = await fetch(`${api.url}/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${setupToken}`, 'anthropic-beta': 'oauth-2025-04-20', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-sonnet-4-20250514', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(direct.status).toBe(400);
    expect(await direct.text()).toContain(CLAUDE_CODE_ONLY);
  });

  it('serves with a setup token as it is, never refreshing it', async () => {
    const before = auth.refreshCount();
    const client = new Anthropic({ apiKey: TEST_KEY, baseURL: gw.url, maxRetries: 0 });
    await client.messages.create({ model: 'claude-setup', max_tokens: 100, messages: [{ role: 'user', content: 'Say hi' }] });
    expect(bearerOf(api.calls.at(-1)!)).toBe(setupToken);
    expect(auth.refreshCount()).toBe(before);
  });

  it("records the subscription's usage limits per credential and shows them in the admin API", async () => {
    const reset5h = Math.floor(Date.now() / 1000) + 3 * 3600;
    const reset7d = Math.floor(Date.now() / 1000) + 4 * 86_400;
    unified = {
      'anthropic-ratelimit-unified-status': 'allowed',
      'anthropic-ratelimit-unified-reset': String(reset5h),
      'anthropic-ratelimit-unified-representative-claim': 'five_hour',
      'anthropic-ratelimit-unified-5h-status': 'allowed',
      'anthropic-ratelimit-unified-5h-utilization': '0.42',
      'anthropic-ratelimit-unified-5h-reset': String(reset5h),
      'anthropic-ratelimit-unified-7d-status': 'allowed',
      'anthropic-ratelimit-unified-7d-utilization': '0.1',
      'anthropic-ratelimit-unified-7d-reset': String(reset7d),
    };
    const client = new Anthropic({ apiKey: TEST_KEY, baseURL: gw.url, maxRetries: 0 });
    await client.messages.create({ model: 'claude-setup', max_tokens: 100, messages: [{ role: 'user', content: 'Say hi' }] });
    const [setup] = await credentialHealth(gw, 'cc-setup');
    expect(setup!.quota).toMatchObject({
      status: 'allowed',
      binding: 'five_hour',
      resetAt: reset5h * 1000,
      windows: [
        { name: '5h', status: 'allowed', utilization: 0.42, resetAt: reset5h * 1000 },
        { name: '7d', status: 'allowed', utilization: 0.1, resetAt: reset7d * 1000 },
      ],
    });
    // Another upstream's credential has not been told anything.
    expect((await credentialHealth(gw, 'cc'))[0]!.quota).toBeNull();
  });

  it('a 429 on a spent usage window cools the credential until the window resets, shown by `switchboard health`', async () => {
    const reset = Math.floor(Date.now() / 1000) + 3 * 3600;
    api.failNext(
      {
        kind: 'status',
        status: 429,
        body: { type: 'error', error: { type: 'rate_limit_error', message: 'This request would exceed your account\'s rate limit. Please try again later.' } },
        headers: {
          'anthropic-ratelimit-unified-status': 'rejected',
          'anthropic-ratelimit-unified-reset': String(reset),
          'anthropic-ratelimit-unified-representative-claim': 'five_hour',
          'anthropic-ratelimit-unified-5h-status': 'rejected',
          'anthropic-ratelimit-unified-5h-utilization': '1.0',
        },
      },
      1,
      (call) => bearerOf(call) === setupToken,
    );
    const client = new Anthropic({ apiKey: TEST_KEY, baseURL: gw.url, maxRetries: 0 });
    await expect(client.messages.create({ model: 'claude-setup', max_tokens: 100, messages: [{ role: 'user', content: 'Say hi' }] })).rejects.toMatchObject({ status: 429 });
    const [setup] = await credentialHealth(gw, 'cc-setup');
    expect(setup).toMatchObject({ state: 'cooling', until: reset * 1000 });
    expect(setup!.reason).toContain('five_hour');
    expect(setup!.quota).toMatchObject({ status: 'rejected', windows: [{ name: '5h', status: 'rejected', utilization: 1 }] });

    const configFile = join(dir, 'health.yaml');
    writeFileSync(configFile, `secret: ${SECRET}\nstorage: { url: "${DB_URL}" }\n`);
    let shown = '';
    for (let i = 0; i < 50 && !shown.includes('cooling'); i++) {
      const res = await runCli(['health', '--upstream', 'cc-setup', '--config', configFile]);
      expect(res.code).toBe(0);
      shown = res.stdout;
    }
    expect(shown).toContain('cooling');
    expect(shown).toContain('subscription five_hour limit rejected');
    expect(shown).toContain(new Date(reset * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z'));
    // Back in the pool for the tests that follow.
    expect((await admin(gw, '/upstreams/cc-setup/credentials/setup/enable')).status).toBe(200);
  });

  it('a 429 while the usage window is still allowed is another limit: the usual short cooldown', async () => {
    const reset = Math.floor(Date.now() / 1000) + 3 * 3600;
    api.failNext(
      {
        kind: 'status',
        status: 429,
        headers: { 'anthropic-ratelimit-unified-status': 'allowed', 'anthropic-ratelimit-unified-reset': String(reset), 'retry-after': '2' },
      },
      1,
      (call) => bearerOf(call) === setupToken,
    );
    const client = new Anthropic({ apiKey: TEST_KEY, baseURL: gw.url, maxRetries: 0 });
    await expect(client.messages.create({ model: 'claude-setup', max_tokens: 100, messages: [{ role: 'user', content: 'Say hi' }] })).rejects.toMatchObject({ status: 429 });
    const [setup] = await credentialHealth(gw, 'cc-setup');
    expect(setup!.state).toBe('cooling');
    expect(setup!.until).toBeLessThan(Date.now() + 60_000);
    expect(setup!.reason).not.toContain('subscription');
    expect((await admin(gw, '/upstreams/cc-setup/credentials/setup/enable')).status).toBe(200);
  });

  it('refreshes an expiring token once for many requests, and stores the new tokens sealed', async () => {
    const tokens = auth.mint(60); // inside the refresh margin
    const before = auth.refreshCount();
    const secret = JSON.stringify({ access_token: tokens.access_token, refresh_token: tokens.refresh_token, expires_at: Date.now() + 60_000 });
    expect((await admin(gw, '/upstreams/cc-refresh/credentials', { key: secret, id: 'expiring' })).status).toBe(201);

    const client = new Anthropic({ apiKey: TEST_KEY, baseURL: gw.url, maxRetries: 0 });
    await Promise.all([1, 2, 3].map(() => client.messages.create({ model: 'claude-refresh', max_tokens: 100, messages: [{ role: 'user', content: 'Say hi' }] })));
    expect(auth.refreshCount()).toBe(before + 1);

    const saved = await storedSecret('cc-refresh', 'expiring');
    expect(saved.refresh_token).not.toBe(tokens.refresh_token);
    expect(saved.access_token).not.toBe(tokens.access_token);
    expect(auth.isLiveAccessToken(saved.access_token as string)).toBe(true);
    expect(saved.expires_at).toBeGreaterThan(Date.now() + 60 * 60_000);
    expect(bearerOf(api.calls.at(-1)!)).toBe(saved.access_token);
  });

  it('refreshes after a 401 and sends the request again, once', async () => {
    const tokens = auth.mint();
    const stale = { access_token: 'sk-ant-oat01-revoked', refresh_token: tokens.refresh_token, expires_at: Date.now() + 3600_000 };
    const before = auth.refreshCount();
    await gw.ctx.store.upstreams.putCredential({
      ...(await gw.ctx.store.upstreams.list()).find((u) => u.id === 'cc-refresh')!.credentials[0]!,
      secretEnc: await gw.ctx.secrets.encrypt(JSON.stringify(stale)),
    });
    await gw.ctx.catalog.reload();
    const sent = api.calls.length;
    const client = new Anthropic({ apiKey: TEST_KEY, baseURL: gw.url, maxRetries: 0 });
    const message = await client.messages.create({ model: 'claude-refresh', max_tokens: 100, messages: [{ role: 'user', content: 'Say hi' }] });
    expect(message.content[0]).toMatchObject({ type: 'text' });
    expect(auth.refreshCount()).toBe(before + 1);
    const calls = api.calls.slice(sent);
    expect(calls.map(bearerOf)).toEqual(['sk-ant-oat01-revoked', (await storedSecret('cc-refresh', 'expiring')).access_token]);
  });

  it('a refused refresh disables the credential', async () => {
    const dead = { access_token: 'sk-ant-oat01-expired', refresh_token: 'sk-ant-ort01-spent', expires_at: Date.now() - 1000 };
    await gw.ctx.store.upstreams.putCredential({
      ...(await gw.ctx.store.upstreams.list()).find((u) => u.id === 'cc-refresh')!.credentials[0]!,
      secretEnc: await gw.ctx.secrets.encrypt(JSON.stringify(dead)),
    });
    await gw.ctx.catalog.reload();
    const client = new Anthropic({ apiKey: TEST_KEY, baseURL: gw.url, maxRetries: 0 });
    await expect(client.messages.create({ model: 'claude-refresh', max_tokens: 100, messages: [{ role: 'user', content: 'Say hi' }] })).rejects.toMatchObject({ status: 502 });
    const [cred] = await credentialHealth(gw, 'cc-refresh');
    expect(cred).toMatchObject({ state: 'disabled' });
    expect(cred!.reason).toContain('invalid_grant');
  });

  it("syncs its model list from the API with the subscription's token", async () => {
    const res = await admin(gw, '/upstreams/cc-setup/sync-models');
    expect(res.status).toBe(200);
    expect(((await res.json()) as { models: string[] }).models).toContain('claude-sonnet-4-20250514');
    const call = api.calls.at(-1)!;
    expect(call.path).toMatch(/^\/v1\/models\?/);
    expect(bearerOf(call)).toBe(setupToken);
  });
});

describe('switchboard upstream login claude-code / import-claude-code', () => {
  let auth: FakeAnthropicAuth;
  const cliDir = tempDir();
  const dbUrl = `sqlite:${join(cliDir, 'cli.db')}`;
  const configFile = join(cliDir, 'switchboard.yaml');

  beforeAll(async () => {
    auth = await startFakeAnthropicAuth();
    writeFileSync(
      configFile,
      `secret: ${SECRET}\nstorage: { url: "${dbUrl}" }\nupstreams:\n  - { id: cc, kind: claude-code, oauth: { authorizeUrl: "${auth.url}/oauth/authorize", tokenUrl: "${auth.url}/v1/oauth/token" } }\n`,
    );
  });
  afterAll(async () => {
    await auth?.close();
  });

  async function storedTokens(): Promise<{ access_token: string; refresh_token?: string }[]> {
    const store = await openSqliteStore(dbUrl);
    try {
      const box = await createSecretBox(SECRET);
      const creds = (await store.upstreams.list()).find((u) => u.id === 'cc')!.credentials;
      return Promise.all(creds.map(async (c) => JSON.parse(await box.decrypt(c.secretEnc)) as { access_token: string }));
    } finally {
      await store.close();
    }
  }

  it('prints the sign-in URL, reads the pasted code and stores the tokens', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'upstream', 'login', 'claude-code', '--upstream', 'cc', '--config', configFile], {
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
    expect(out).toContain(`Signed in as claude-code ${CLAUDE_FAKE_EMAIL}`);
    const [tokens] = await storedTokens();
    expect(auth.isLiveAccessToken(tokens!.access_token)).toBe(true);
  });

  it("imports Claude Code's own ~/.claude/.credentials.json", async () => {
    const minted = auth.mint();
    const file = join(cliDir, 'credentials.json');
    writeFileSync(file, JSON.stringify({ claudeAiOauth: { accessToken: minted.access_token, refreshToken: minted.refresh_token, expiresAt: Date.now() + 3600_000, scopes: ['user:inference'], subscriptionType: 'max' } }));
    const res = await runCli(['upstream', 'import-claude-code', '--upstream', 'cc', '--file', file, '--config', configFile]);
    expect(res.stderr).toBe(onlyConfigLine(configFile));
    expect(res.code).toBe(0);
    expect((await storedTokens())[1]).toMatchObject({ access_token: minted.access_token, refresh_token: minted.refresh_token });
  });
});
