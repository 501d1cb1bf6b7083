import OpenAI from 'openai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, startTestGateway, tempDir, TEST_KEY } from '../helpers/gateway.js';
import { onlyConfigLine, runCli } from '../helpers/cli.js';
import { startFakeGitHub, type FakeGitHub } from '../fakes/github-auth.js';
import { startFakeCopilot, COPILOT_FAKE_MODELS } from '../fakes/copilot.js';
import type { FakeUpstream } from '../fakes/server.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { openSqliteStore } from '../../src/platform/node/sqlite.js';
import { createSecretBox } from '../../src/policy/secrets.js';

const admin = (gw: NodeGateway, path: string, body?: unknown) =>
  fetch(`${gw.url}/admin/api${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

describe('copilot upstream: device-flow sign-in, token exchange, chat', () => {
  let github: FakeGitHub;
  let copilot: FakeUpstream;
  let gw: NodeGateway;
  let client: OpenAI;

  beforeAll(async () => {
    let github_: FakeGitHub | undefined;
    copilot = await startFakeCopilot({ isLiveToken: (t) => github_?.isLiveCopilotToken(t) ?? false });
    github = github_ = await startFakeGitHub({ copilotApiUrl: copilot.url, pendingPolls: 1 });
    gw = await startTestGateway({
      extra: {
        upstreams: [{ id: 'mock', kind: 'mock', models: ['mock-model'] }, { id: 'cp', kind: 'copilot', baseUrl: copilot.url, auth: { githubUrl: github.url, githubApiUrl: github.url } }],
        models: [{ id: 'copilot-gpt', routes: [{ upstream: 'cp', model: 'gpt-4o' }] }],
      },
    });
    client = new OpenAI({ apiKey: TEST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  });
  afterAll(async () => {
    await gw?.close();
    await github?.close();
    await copilot?.close();
  });

  it('has no credential before sign-in, so the model cannot be served', async () => {
    await expect(client.chat.completions.create({ model: 'copilot-gpt', messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ status: 400 });
  });

  it('signs in through the admin API: start, pending poll, then a stored credential', async () => {
    const start = await admin(gw, '/upstreams/cp/login/copilot/start');
    expect(start.status).toBe(200);
    const device = (await start.json()) as { deviceCode: string; userCode: string; verificationUri: string; interval: number };
    expect(device.userCode).toBe('ABCD-1234');
    expect(device.verificationUri).toBe('https://github.com/login/device');

    const first = await admin(gw, '/upstreams/cp/login/copilot/poll', { deviceCode: device.deviceCode });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ status: 'pending' });

    const second = await admin(gw, '/upstreams/cp/login/copilot/poll', { deviceCode: device.deviceCode });
    expect(second.status).toBe(201);
    const done = (await second.json()) as { status: string; credential: { id: string; hint: string } };
    expect(done.status).toBe('done');
    expect(done.credential.hint).not.toContain(github.githubToken);

    // Stored encrypted, and it is the GitHub token.
    const stored = (await gw.ctx.store.upstreams.list()).find((u) => u.id === 'cp')!.credentials;
    expect(stored).toHaveLength(1);
    expect(stored[0]!.secretEnc).not.toContain(github.githubToken);
    expect(await gw.ctx.secrets.decrypt(stored[0]!.secretEnc)).toBe(github.githubToken);
  });

  it('refuses a poll for a wrong device code with 502, and another kind with 400', async () => {
    const bad = await admin(gw, '/upstreams/cp/login/copilot/poll', { deviceCode: 'nope' });
    expect(bad.status).toBe(502);
    const wrongKind = await admin(gw, '/upstreams/mock/login/copilot/start');
    expect(wrongKind.status).toBe(400);
    const unknown = await admin(gw, '/upstreams/nope/login/copilot/start');
    expect(unknown.status).toBe(404);
  });

  it('chats through the Copilot API with an exchanged token and the editor headers', async () => {
    const before = github.issued.length;
    const res = await client.chat.completions.create({ model: 'copilot-gpt', messages: [{ role: 'user', content: 'Say hi' }] });
    expect(res.choices[0]?.message.content).toBeTruthy();
    const call = copilot.calls[copilot.calls.length - 1]!;
    expect(call.path).toBe('/chat/completions');
    expect(call.headers.authorization).toBe(`Bearer ${github.issued[github.issued.length - 1]!.token}`);
    expect(call.headers['copilot-integration-id']).toBe('vscode-chat');
    expect(call.headers['editor-version']).toMatch(/^vscode\//);
    expect(call.headers['openai-intent']).toBe('conversation-panel');
    const exchange = github.calls.find((c) => c.path === '/copilot_internal/v2/token')!;
    expect(exchange.headers.authorization).toBe(`token ${github.githubToken}`);

    // A second request reuses the cached token.
    await client.chat.completions.create({ model: 'copilot-gpt', messages: [{ role: 'user', content: 'again' }] });
    expect(github.issued.length).toBe(before + 1);
  });

  it('streams', async () => {
    const stream = await client.chat.completions.create({ model: 'copilot-gpt', messages: [{ role: 'user', content: 'Say hi' }], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text.length).toBeGreaterThan(0);
  });

  it('exchanges again after a refused token, and before a token expires', async () => {
    github.revokeIssued();
    github.setTokenTtl(30); // inside the refresh margin: the next use exchanges anew
    const before = github.issued.length;
    const first = await client.chat.completions.create({ model: 'copilot-gpt', messages: [{ role: 'user', content: 'one' }] });
    expect(first.choices[0]?.message.content).toBeTruthy();
    expect(github.issued.length).toBe(before + 1); // the 401 made it exchange once
    await client.chat.completions.create({ model: 'copilot-gpt', messages: [{ role: 'user', content: 'two' }] });
    expect(github.issued.length).toBe(before + 2); // near expiry: exchanged before use
    github.setTokenTtl(1800);
  });

  it('syncs its model list from the Copilot API, which makes listed models routable', async () => {
    const res = await admin(gw, '/upstreams/cp/sync-models');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ upstream: 'cp', models: [...COPILOT_FAKE_MODELS] });
    const answer = await client.chat.completions.create({ model: 'claude-sonnet-4', messages: [{ role: 'user', content: 'hi' }] });
    expect(answer.model).toBe('claude-sonnet-4');
    expect(copilot.calls[copilot.calls.length - 1]!.body.model).toBe('claude-sonnet-4');
  });
});

describe('copilot: a revoked GitHub token in the pool', () => {
  let github: FakeGitHub;
  let copilot: FakeUpstream;
  let gw: NodeGateway;

  beforeAll(async () => {
    let github_: FakeGitHub | undefined;
    copilot = await startFakeCopilot({ isLiveToken: (t) => github_?.isLiveCopilotToken(t) ?? false });
    github = github_ = await startFakeGitHub({ copilotApiUrl: copilot.url });
    gw = await startTestGateway({
      extra: {
        upstreams: [
          {
            id: 'cp',
            kind: 'copilot',
            baseUrl: copilot.url,
            auth: { githubUrl: github.url, githubApiUrl: github.url },
            credentials: [{ id: 'gh-revoked', key: 'gho_revoked_000000' }, { id: 'gh-good', key: github.githubToken }],
          },
        ],
        models: [{ id: 'copilot-gpt', routes: [{ upstream: 'cp', model: 'gpt-4o' }] }],
        health: { probeIntervalMs: 0 },
      },
    });
  });
  afterAll(async () => {
    await gw?.close();
    await github?.close();
    await copilot?.close();
  });

  it('fails over to the good one and benches the revoked one, whose token exchange is refused', async () => {
    const client = new OpenAI({ apiKey: TEST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    gw.ctx.catalog.current().upstreams.get('cp')!.cursor = 0;
    for (let i = 0; i < 4; i++) {
      const answer = await client.chat.completions.create({ model: 'copilot-gpt', messages: [{ role: 'user', content: 'hi' }] });
      expect(answer.choices[0].message.content).toBeTruthy();
    }
    expect(gw.ctx.pools.state('gh-revoked')).toMatchObject({ state: 'disabled' });
    expect(gw.ctx.pools.state('gh-revoked').reason).toMatch(/refused the credential \(401\)/);
  });
});

describe('switchboard upstream login copilot', () => {
  let github: FakeGitHub;
  let copilot: FakeUpstream;
  const dir = tempDir();
  const dbPath = join(dir, 'cli.db');
  const configFile = join(dir, 'switchboard.yaml');
  const secret = 'cli-secret-000000000000000';

  beforeAll(async () => {
    let github_: FakeGitHub | undefined;
    copilot = await startFakeCopilot({ isLiveToken: (t) => github_?.isLiveCopilotToken(t) ?? false });
    // One pending poll, then slow_down with a new (short) interval, then the token.
    github = github_ = await startFakeGitHub({ copilotApiUrl: copilot.url, pendingPolls: 1, slowDownInterval: 0.05, interval: 0.01 });
    writeFileSync(
      configFile,
      `secret: ${secret}
storage: { url: "sqlite:${dbPath}" }
upstreams:
  - id: cp
    kind: copilot
    auth: { githubUrl: "${github.url}", githubApiUrl: "${github.url}" }
`,
    );
  });
  afterAll(async () => {
    await github?.close();
    await copilot?.close();
  });

  it('prints the code and URL, polls through pending and slow_down, and stores the token encrypted', async () => {
    const res = await runCli(['upstream', 'login', 'copilot', '--upstream', 'cp', '--config', configFile]);
    expect(res.stderr).toBe(onlyConfigLine(configFile));
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('https://github.com/login/device');
    expect(res.stdout).toContain('ABCD-1234');
    expect(res.stdout).toMatch(/Signed in: upstream cp has a new credential/);
    const polls = github.calls.filter((c) => c.path === '/login/oauth/access_token');
    expect(polls).toHaveLength(3);

    const store = await openSqliteStore(`sqlite:${dbPath}`);
    try {
      const creds = (await store.upstreams.list()).find((u) => u.id === 'cp')!.credentials;
      expect(creds).toHaveLength(1);
      const box = await createSecretBox(secret);
      expect(await box.decrypt(creds[0]!.secretEnc)).toBe(github.githubToken);
    } finally {
      await store.close();
    }

    // The stored credential works: sync the model list through the CLI.
    const sync = await runCli(['upstream', 'sync-models', '--upstream', 'cp', '--config', configFile]);
    expect(sync.code).toBe(0);
    expect(sync.stdout).toContain('gpt-5-mini');
  });
});
