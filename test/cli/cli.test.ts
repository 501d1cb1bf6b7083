import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runCli, startCli, stop } from '../helpers/cli.js';
import { eventually, tempDir } from '../helpers/gateway.js';

// Each CLI run boots tsx in a new process (seconds each when the two cores are busy with other test files):
// the tests that run several get a minute.
vi.setConfig({ testTimeout: 60_000 });

const dir = tempDir();
const dbPath = join(dir, 'cli.db');
const configFile = join(dir, 'switchboard.yaml');
const KEY = 'sk-sb-cli-test-000000000000000000000000';

beforeAll(() => {
  writeFileSync(
    configFile,
    `server: { host: 127.0.0.1, port: 0 }
storage: { url: "sqlite:${dbPath}" }
upstreams:
  - { id: demo, kind: mock, models: [mock-a] }
models:
  - id: chat-model
    routes: [ { upstream: demo, model: mock-a } ]
keys:
  - { name: app, group: team-x, key: "\${CLI_TEST_KEY}" }
`,
  );
});

const chat = (url: string, key: string) =>
  fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'chat-model', messages: [{ role: 'user', content: 'hi' }] }),
  });

describe('switchboard config check', () => {
  it('accepts a good file', async () => {
    const res = await runCli(['config', 'check', '--config', configFile], { CLI_TEST_KEY: KEY });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/OK \(1 upstreams, 1 models, 1 keys\)/);
  });

  it('lists every problem as path: message and names the missing variable', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      `upstreams:
  - { id: a, kind: mock }
  - { id: b, kind: openai, baseUrl: not-a-url, credentials: [ { key: "\${SB_TEST_UNSET_VAR}" } ] }
models:
  - { id: m, routes: [ { upstream: nowhere, model: x } ] }
`,
    );
    const res = await runCli(['config', 'check', '--config', bad]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('upstreams[1].credentials[0].key: environment variable SB_TEST_UNSET_VAR is not set');
    expect(res.stderr).toContain('upstreams[1].baseUrl: must be a URL');
    const missingFile = await runCli(['config', 'check', '--config', join(dir, 'nope.yaml')]);
    expect(missingFile.code).toBe(1);
    expect(missingFile.stderr).toMatch(/not found/);
  });

  it('reports cross-section problems once the shapes are right', async () => {
    const bad = join(dir, 'bad2.yaml');
    writeFileSync(bad, `upstreams: [ { id: a, kind: mock } ]\nmodels: [ { id: m, routes: [ { upstream: nowhere, model: x } ] } ]\n`);
    const res = await runCli(['config', 'check', '--config', bad]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('models[0].routes[0].upstream: no upstream with id nowhere');
  });
});

describe('switchboard start, keys, usage', () => {
  let gateway: Awaited<ReturnType<typeof startCli>>;

  beforeAll(async () => {
    gateway = await startCli(['--config', configFile], { CLI_TEST_KEY: KEY });
  });
  afterAll(async () => {
    if (gateway) await stop(gateway.child, 'SIGKILL');
  });

  it('prints the URL, where the admin key is, and a ready curl line', () => {
    expect(gateway.output()).toMatch(/admin key: in .*admin-key/);
    expect(gateway.output()).toContain(`curl ${gateway.url}/v1/chat/completions -H 'Authorization: Bearer ${KEY}'`);
  });

  it('creates the first admin user, who signs in to the running gateway', async () => {
    const created = await runCli(['users', 'create', '--name', 'root', '--config', configFile], { CLI_TEST_KEY: KEY, SWITCHBOARD_USER_PASSWORD: 'first admin password' });
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('Created admin user "root"');
    const signIn = await fetch(`${gateway.url}/admin/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'root', password: 'first admin password' }),
    });
    expect(signIn.status).toBe(200);
    expect((await signIn.json()).role).toBe('admin');
    expect((await runCli(['users', 'list', '--config', configFile], { CLI_TEST_KEY: KEY })).stdout).toMatch(/root\s+admin/);
  });

  it('creates a key the running gateway accepts, lists it, and revokes it', async () => {
    const created = await runCli(['keys', 'create', '--name', 'bob', '--group', 'team-y', '--config', configFile], { CLI_TEST_KEY: KEY });
    expect(created.code).toBe(0);
    const plain = /(sk-sb-[A-Za-z0-9_-]{43})/.exec(created.stdout)?.[1];
    expect(plain).toBeDefined();
    await eventually(async () => expect((await chat(gateway.url, plain!)).status).toBe(200), 8000);

    const listed = await runCli(['keys', 'list', '--config', configFile], { CLI_TEST_KEY: KEY });
    expect(listed.stdout).toMatch(/bob\s+team-y\s+sk-sb-/);
    expect(listed.stdout).not.toContain(plain);

    const dup = await runCli(['keys', 'create', '--name', 'bob', '--config', configFile], { CLI_TEST_KEY: KEY });
    expect(dup.code).toBe(1);

    const revoked = await runCli(['keys', 'revoke', 'bob', '--config', configFile], { CLI_TEST_KEY: KEY });
    expect(revoked.code).toBe(0);
    await eventually(async () => expect((await chat(gateway.url, plain!)).status).toBe(401), 8000);
    // Four CLI processes, each booting tsx: slow when the machine's cores are shared with the agent tests.
  }, 60_000);

  it('creates a key with stored responses only when there is a secret to seal them with', async () => {
    const refused = await runCli(['keys', 'create', '--name', 'carol', '--store-responses', '7', '--config', configFile], { CLI_TEST_KEY: KEY });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/stored responses cannot be enabled: the gateway has no secret/);
    const bad = await runCli(['keys', 'create', '--name', 'carol', '--store-responses', 'soon', '--config', configFile], { CLI_TEST_KEY: KEY });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--store-responses must be a whole number of days/);

    const withSecret = join(dir, 'with-secret.yaml');
    writeFileSync(withSecret, `storage: { url: "sqlite:${dbPath}" }\nsecret: cli-test-secret-0000000000000000\n`);
    const created = await runCli(['keys', 'create', '--name', 'carol', '--store-responses', '7', '--config', withSecret]);
    expect(created.code).toBe(0);
    const db = new Database(dbPath, { readonly: true });
    try {
      const row = db.prepare("select responses from api_keys where name = 'carol'").get() as { responses: string };
      expect(JSON.parse(row.responses)).toEqual({ store: true, retentionDays: 7 });
    } finally {
      db.close();
    }
  });

  it('flushes pending usage records on SIGTERM, then shows them in `usage`', async () => {
    for (let i = 0; i < 5; i++) expect((await chat(gateway.url, KEY)).status).toBe(200);
    // The recorder flushes every second; stop at once so the rows are still queued.
    expect(await stop(gateway.child, 'SIGTERM')).toBe(0);
    const db = new Database(dbPath, { readonly: true });
    const { n } = db.prepare("select count(*) as n from request_log where model = 'chat-model' and status = 200 and key_id = (select id from api_keys where name = 'app')").get() as { n: number };
    db.close();
    expect(n).toBe(5);

    const usage = await runCli(['usage', '--by', 'key', '--since', '1h', '--config', configFile], { CLI_TEST_KEY: KEY });
    expect(usage.code).toBe(0);
    const line = usage.stdout.split('\n').find((l) => l.startsWith('app '));
    expect(line).toBeDefined();
    expect(line!.trim().split(/\s+/).slice(1, 3)).toEqual(['5', '0']);
    // The mock model has no price: its cost is unknown, never 0.
    expect(usage.stdout).toMatch(/cost \$/);
    expect(line!.trim().split(/\s+/).at(-1)).toBe('unknown');

    const byModel = await runCli(['usage', '--by', 'model', '--config', configFile], { CLI_TEST_KEY: KEY });
    expect(byModel.stdout).toMatch(/chat-model\s+\d+/);
    const bad = await runCli(['usage', '--by', 'colour', '--config', configFile], { CLI_TEST_KEY: KEY });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--by: expected one of/);
  });

  it('has --help everywhere and a version', async () => {
    const commands = [['--help'], ['start', '--help'], ['keys', '--help'], ['usage', '--help'], ['config', '--help']];
    const results = await Promise.all(commands.map((cmd) => runCli(cmd)));
    for (const [i, res] of results.entries()) {
      expect(res.code, commands[i].join(' ')).toBe(0);
      expect(res.stdout).toMatch(new RegExp(`switchboard ${commands[i][0] === '--help' ? '' : commands[i][0]}`));
    }
    const version = await runCli(['version']);
    expect(version.stdout).toMatch(/^switchboard \d+\.\d+\.\d+/);
  });
});
