import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { onlyConfigLine, runCli, startCli, stop } from '../helpers/cli.js';
import { tempDir } from '../helpers/gateway.js';
import { startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';

/** `switchboard secret rotate` end to end: CLI subprocesses over one database, old secret -> new secret. */

const dir = tempDir();
const dbPath = join(dir, 'rotate.db');
const configFile = join(dir, 'switchboard.yaml');
const CLIENT_KEY = 'sk-sb-rotate-test-0000000000000000000000';
const ADMIN = 'sb-admin-rotate-test-000000000';
const FILE_KEY = 'sk-upstream-from-the-file-1111111111';
const API_KEY = 'sk-upstream-added-by-admin-222222222';
/** Each CLI run starts a fresh tsx process: seconds each on a busy machine. */
const CLI_TIMEOUT = 45_000;
const OLD = 'old-secret-0123456789-abcdefghij';
const NEW = 'new-secret-9876543210-zyxwvutsrq';

let fake: FakeUpstream;
beforeAll(async () => {
  fake = await startFakeOpenAI({ apiKeys: [FILE_KEY, API_KEY] });
  writeFileSync(
    configFile,
    `server: { host: 127.0.0.1, port: 0 }
adminKey: ${ADMIN}
secret: \${ROTATE_TEST_SECRET}
storage: { url: "sqlite:${dbPath}" }
upstreams:
  - id: oai
    kind: openai
    baseUrl: ${fake.url}/v1
    credentials: [ { id: from-file, key: "${FILE_KEY}" } ]
models:
  - { id: chat-model, routes: [ { upstream: oai, model: gpt-4o } ] }
keys:
  - { name: app, key: "${CLIENT_KEY}" }
`,
  );
});
afterAll(() => fake?.close());

const chat = (url: string) =>
  fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'chat-model', messages: [{ role: 'user', content: 'hi' }] }),
  });

/** The sealed values as stored, by credential id. */
function sealed(): Record<string, string> {
  const db = new Database(dbPath, { readonly: true });
  try {
    const rows = db.prepare('select id, secret_enc from credentials order by id').all() as { id: string; secret_enc: string }[];
    return Object.fromEntries(rows.map((r) => [r.id, r.secret_enc]));
  } finally {
    db.close();
  }
}

/** Sends requests until the fake has seen every credential of the pool (round-robin), returning the keys it saw. */
async function keysUsed(url: string): Promise<Set<string>> {
  fake.reset();
  for (let i = 0; i < 4; i++) expect((await chat(url)).status).toBe(200);
  return new Set(fake.calls.map((c) => String(c.headers.authorization)));
}

describe('switchboard secret rotate', () => {
  it('re-encrypts every credential under the new secret; the gateway started with it calls the upstream with the right keys', async () => {
    // 1. Serve with the old secret; add a second credential through the admin API.
    const first = await startCli(['--config', configFile], { ROTATE_TEST_SECRET: OLD });
    try {
      const added = await fetch(`${first.url}/admin/api/upstreams/oai/credentials`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'from-api', key: API_KEY }),
      });
      expect(added.status).toBe(201);
      await new Promise((r) => setTimeout(r, 100));
      expect(await keysUsed(first.url)).toEqual(new Set([`Bearer ${FILE_KEY}`, `Bearer ${API_KEY}`]));
    } finally {
      await stop(first.child);
    }
    const before = sealed();
    expect(Object.keys(before)).toEqual(['from-api', 'from-file']);

    // 2. A wrong current secret changes nothing.
    const wrong = await runCli(['secret', 'rotate', '--config', configFile, '--new-secret-env', 'ROTATE_NEW'], {
      ROTATE_TEST_SECRET: 'not-the-secret-that-sealed-them',
      ROTATE_NEW: NEW,
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/nothing was changed/);
    expect(wrong.stderr).toMatch(/credential from-api: credential cannot be decrypted/);
    expect(sealed()).toEqual(before);

    // 3. Rotate.
    const rotated = await runCli(['secret', 'rotate', '--config', configFile, '--new-secret-env', 'ROTATE_NEW'], { ROTATE_TEST_SECRET: OLD, ROTATE_NEW: NEW });
    expect(rotated.stderr).toBe(onlyConfigLine(configFile));
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toMatch(/Re-encrypted 2 credential\(s\) under the new secret/);
    const after = sealed();
    for (const id of ['from-api', 'from-file']) {
      expect(after[id]).toMatch(/^v2\./);
      expect(after[id]).not.toBe(before[id]);
    }

    // 4. Serve with the new secret: both credentials open, and reach the upstream as they were.
    const second = await startCli(['--config', configFile], { ROTATE_TEST_SECRET: NEW });
    try {
      expect(second.output()).not.toMatch(/skipped/);
      expect(await keysUsed(second.url)).toEqual(new Set([`Bearer ${FILE_KEY}`, `Bearer ${API_KEY}`]));
    } finally {
      await stop(second.child);
    }
    // Starting with the new secret re-sealed nothing: the file's credential already matched.
    expect(sealed()).toEqual(after);
  }, CLI_TIMEOUT * 4);

  it('explains what is missing', async () => {
    const noFlag = await runCli(['secret', 'rotate', '--config', configFile], { ROTATE_TEST_SECRET: NEW });
    expect(noFlag.code).toBe(1);
    expect(noFlag.stderr).toMatch(/--new-secret-env NAME is required/);
    const same = await runCli(['secret', 'rotate', '--config', configFile, '--new-secret-env', 'ROTATE_NEW'], { ROTATE_TEST_SECRET: NEW, ROTATE_NEW: NEW });
    expect(same.code).toBe(1);
    expect(same.stderr).toMatch(/holds the current secret/);
  }, CLI_TIMEOUT * 2);
});

describe('config check and start without a secret', () => {
  it('names the credentials that need one and how to set it', async () => {
    const bare = join(dir, 'no-secret.yaml');
    writeFileSync(
      bare,
      `storage: { url: "sqlite:${join(dir, 'bare.db')}" }
upstreams:
  - { id: demo, kind: mock }
  - { id: oai, kind: openai, credentials: [ { key: sk-whatever-1234567890 } ] }
`,
    );
    const check = await runCli(['config', 'check', '--config', bare]);
    expect(check.code).toBe(1);
    expect(check.stderr).toMatch(/upstreams\[1\]\.credentials: cannot be stored without a secret .*secret: \$\{SWITCHBOARD_SECRET\}/);
    const start = await runCli(['start', '--config', bare]);
    expect(start.code).toBe(1);
    expect(start.stderr).toMatch(/no secret is set:\n\s+upstreams\[1\]\.credentials/);
  }, CLI_TIMEOUT * 2);
});
