import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { configSchema } from '../../src/config/schema.js';
import { startNodeGateway, type NodeGateway } from '../../src/platform/node/gateway.js';
import { startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { ADMIN_KEY, TEST_KEY, logRows, tempDir } from '../helpers/gateway.js';

/** Credentials at rest: encrypted in the database file, masked by the admin API, absent from logs; refused without a secret. */

const CANARY = 'sk-canary-PLAINTEXT-4242-abcdefghijklmnop';
const LABEL = 'label-visible-in-the-file-7731';

/** The database's bytes, its write-ahead log included (where fresh writes sit until a checkpoint). */
function databaseBytes(dbPath: string): Buffer {
  const parts = [dbPath, `${dbPath}-wal`].filter((p) => existsSync(p)).map((p) => readFileSync(p));
  return Buffer.concat(parts);
}

const adminCall = async (url: string, method: string, path: string, body?: unknown) => {
  const res = await fetch(`${url}/admin/api${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
};

describe('a stored credential', () => {
  let fake: FakeUpstream;
  let gw: NodeGateway;
  const logLines: string[] = [];
  const dbPath = join(tempDir(), 'switchboard.db');

  beforeAll(async () => {
    fake = await startFakeOpenAI({ apiKeys: [CANARY] });
    const config = configSchema.parse({
      server: { host: '127.0.0.1', port: 0 },
      adminKey: ADMIN_KEY,
      secret: 'at-rest-test-secret-000000000000',
      storage: { url: `sqlite:${dbPath}` },
      keys: [{ name: 'tester', key: TEST_KEY }],
    });
    gw = await startNodeGateway(config, { log: (m) => logLines.push(m), recorderIntervalMs: 50 });
  });
  afterAll(async () => {
    await gw?.close();
    await fake?.close();
  });

  it('is used with its real value, but is not in the database file, the admin API, the request log or the process log', async () => {
    const created = await adminCall(gw.url, 'POST', '/upstreams', {
      id: 'canary-up',
      kind: 'openai',
      baseUrl: `${fake.url}/v1`,
      credentials: [{ id: 'canary-cred', key: CANARY, label: LABEL }],
    });
    expect(created.status).toBe(201);
    expect(created.text).not.toContain(CANARY);
    expect(JSON.parse(created.text).credentials[0].hint).toBe('sk-…mnop');
    expect((await adminCall(gw.url, 'PUT', '/models/canary-model', { routes: [{ upstream: 'canary-up', model: 'gpt-4o' }] })).status).toBeLessThan(300);

    const client = new OpenAI({ apiKey: TEST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const answer = await client.chat.completions.create({ model: 'canary-model', messages: [{ role: 'user', content: 'hello' }] });
    expect(answer.choices[0].message.content).toBeTruthy();
    expect(fake.calls.at(-1)!.headers.authorization).toBe(`Bearer ${CANARY}`);
    // An upstream refusal mentions the key the way the vendor does; nothing of it lands in our logs in clear.
    fake.failNext({ kind: 'status', status: 500 });
    await client.chat.completions.create({ model: 'canary-model', messages: [{ role: 'user', content: 'again' }] }).catch(() => undefined);

    for (const path of ['/upstreams', '/upstreams/canary-up', '/logs?limit=50']) {
      const res = await adminCall(gw.url, 'GET', path);
      expect(res.status).toBe(200);
      expect(res.text).not.toContain(CANARY);
    }
    expect(JSON.stringify(await logRows(gw))).not.toContain(CANARY);

    await gw.close();
    const bytes = databaseBytes(dbPath);
    expect(bytes.length).toBeGreaterThan(0);
    expect(bytes.includes(LABEL)).toBe(true); // the search does find what is stored in clear
    expect(bytes.includes(CANARY)).toBe(false);
    expect(bytes.includes(CANARY.slice(10, 30))).toBe(false);
    expect(logLines.join('\n')).not.toContain(CANARY);
  });
});

describe('without a secret', () => {
  const baseConfig = (dir: string, upstreams: unknown[]) =>
    configSchema.parse({
      server: { host: '127.0.0.1', port: 0 },
      adminKey: ADMIN_KEY,
      storage: { url: `sqlite:${join(dir, 'switchboard.db')}` },
      upstreams,
      keys: [{ name: 'tester', key: TEST_KEY }],
    });

  it('refuses to start when the config file lists credentials, saying how to set one', async () => {
    const dir = tempDir();
    const config = baseConfig(dir, [{ id: 'oai', kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', credentials: [{ key: CANARY }] }]);
    await expect(startNodeGateway(config, { log: () => {} })).rejects.toThrow(/upstreams\[0\]\.credentials: cannot be stored without a secret.*SWITCHBOARD_SECRET/s);
    expect(existsSync(join(dir, 'secret'))).toBe(false);
    expect(existsSync(join(dir, 'switchboard.db'))).toBe(false); // refused before anything was written
  });

  it('serves upstreams without credentials, and the admin API refuses credential writes with a 400 that says how', async () => {
    const dir = tempDir();
    const logLines: string[] = [];
    const gw = await startNodeGateway(baseConfig(dir, [{ id: 'demo', kind: 'mock', models: ['mock-model'] }]), { log: (m) => logLines.push(m) });
    try {
      expect(gw.secretSource).toBe('none');
      expect(logLines.join('\n')).toMatch(/no secret is set/);
      const client = new OpenAI({ apiKey: TEST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
      const answer = await client.chat.completions.create({ model: 'mock-model', messages: [{ role: 'user', content: 'ping' }] });
      expect(answer.choices[0].message.content).toBe('Mock reply from Switchboard. You said: ping');

      const add = await adminCall(gw.url, 'POST', '/upstreams/demo/credentials', { key: CANARY });
      expect(add.status).toBe(400);
      const body = JSON.parse(add.text);
      expect(body.error.code).toBe('secret_not_set');
      expect(body.error.message).toMatch(/no secret.*secret: \$\{SWITCHBOARD_SECRET\}/);

      const withCredentials = await adminCall(gw.url, 'POST', '/upstreams', { id: 'oai', kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', credentials: [{ key: CANARY }] });
      expect(withCredentials.status).toBe(400);
      expect((await adminCall(gw.url, 'GET', '/upstreams/oai')).status).toBe(404); // nothing half-made
      expect((await adminCall(gw.url, 'POST', '/upstreams', { id: 'mock2', kind: 'mock' })).status).toBe(201);

      // Sign-in flows store credentials too: the same clear 400, not a crash.
      expect((await adminCall(gw.url, 'POST', '/upstreams', { id: 'cdx', kind: 'codex' })).status).toBe(201);
      const imported = await adminCall(gw.url, 'POST', '/upstreams/cdx/import-codex', {
        tokens: { access_token: 'at-canary', refresh_token: 'rt-canary', account_id: 'acct-1' },
      });
      expect(imported.status).toBe(400);
      expect(JSON.parse(imported.text).error.code).toBe('secret_not_set');
      expect(existsSync(join(dir, 'secret'))).toBe(false); // never generated
    } finally {
      await gw.close();
    }
  });

  it('still reads a secret file an earlier version generated', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'secret'), 'an-earlier-generated-secret-0000\n');
    const gw = await startNodeGateway(baseConfig(dir, [{ id: 'oai', kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', credentials: [{ key: CANARY }] }]), { log: () => {} });
    try {
      expect(gw.secretSource).toBe('file');
      expect(gw.ctx.catalog.current().upstreams.get('oai')!.credentials[0].secret).toBe(CANARY);
    } finally {
      await gw.close();
    }
  });
});
