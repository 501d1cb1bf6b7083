import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import { startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { startTestProxy, type TestProxy } from '../helpers/http-proxy.js';
import { ADMIN_KEY, startTestGateway, TEST_KEY, tempDir } from '../helpers/gateway.js';
import { openStore } from '../../src/platform/node/open-store.js';
import { createSecretBox } from '../../src/policy/secrets.js';
import { sealCredential } from '../../src/admin/apply-config.js';
import { secretCommand } from '../../src/cli/commands/secret.js';
import { configSchema } from '../../src/config/schema.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';

/**
 * An upstream's proxy URL holds a user and password: it is sealed in the
 * database like a credential (app/sealed-proxy-store.ts), through the real
 * gateway on SQLite: a row an earlier version stored plain is sealed at start,
 * the admin API stores and shows it masked, `secret rotate` re-seals it.
 */

const SECRET = 'test-secret-0000000000000000';
const NEW_SECRET = 'rotated-secret-1111111111111111';
const PASSWORD = 'pr0xy-s3cret';
const dbPath = join(tempDir(), 'proxies.db');
const storage = { url: `sqlite:${dbPath}` };

let fake: FakeUpstream;
let proxies: Record<string, TestProxy>;
const IDS = ['legacy', 'from-file', 'made-by-admin'];

/** The upstreams' options column as stored, by id. */
function rawOptions(): Record<string, string> {
  const db = new Database(dbPath, { readonly: true });
  try {
    const rows = db.prepare('select id, options from upstreams').all() as { id: string; options: string }[];
    return Object.fromEntries(rows.map((r) => [r.id, r.options]));
  } finally {
    db.close();
  }
}
const storedProxy = (id: string) => (JSON.parse(rawOptions()[id]) as { settings?: { proxy?: string } }).settings?.proxy;

// Each upstream goes through a proxy of its own, so each request's tunnel is seen (undici keeps one open per proxy).
const proxyOf = (id: string) => `http://alice:${PASSWORD}@127.0.0.1:${proxies[id].port}`;
const upstream = (id: string) => ({ id, kind: 'openai', baseUrl: `${fake.url}/v1`, proxy: proxyOf(id), credentials: [{ id: `${id}-key`, key: 'sk-fake-openai' }] });
const extra = (secret: string) => ({
  secret,
  storage,
  upstreams: [upstream('from-file')],
  models: [
    ...IDS.map((id) => ({ id: `m-${id}`, routes: [{ upstream: id, model: 'gpt-4o' }] })),
  ],
});

beforeAll(async () => {
  fake = await startFakeOpenAI();
  proxies = Object.fromEntries(await Promise.all(IDS.map(async (id) => [id, await startTestProxy()] as const)));
  for (const p of Object.values(proxies)) p.requireAuth('alice', PASSWORD);
  // An earlier version stored an upstream's proxy as it was given.
  const store = await openStore(storage.url);
  try {
    await store.upstreams.put({ id: 'legacy', kind: 'openai', baseUrl: `${fake.url}/v1`, strategy: 'round-robin', speaks: ['chat'], models: [], headers: {}, timeouts: { connectMs: 5000, firstByteMs: 30000, idleMs: 30000 }, enabled: true, settings: { proxy: proxyOf('legacy') } });
    await store.upstreams.putCredential(await sealCredential(await createSecretBox(SECRET), 'legacy', 'legacy-key', { key: 'sk-fake-openai', weight: 1 }));
  } finally {
    await store.close();
  }
  expect(storedProxy('legacy')).toBe(proxyOf('legacy'));
});
afterAll(async () => {
  await Promise.all([fake?.close(), ...Object.values(proxies ?? {}).map((p) => p.close())]);
});

/** Asks the model routed to upstream `id`: answered, through that upstream's proxy, with its password. */
async function ask(gw: NodeGateway, id: string): Promise<void> {
  const openai = new OpenAI({ apiKey: TEST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  const proxy = proxies[id];
  proxy.seen.length = 0;
  await openai.chat.completions.create({ model: `m-${id}`, messages: [{ role: 'user', content: 'hello' }] });
  expect(proxy.seen.map((s) => s.method)).toEqual(['CONNECT']);
}

describe('an upstream proxy URL at rest', () => {
  it('is sealed at start when an earlier version stored it plain, sealed when the file or the admin API sets it, shown masked, and still used', async () => {
    const gw = await startTestGateway({ extra: extra(SECRET) });
    try {
      expect(storedProxy('legacy')).toMatch(/^v2\./);
      expect(storedProxy('from-file')).toMatch(/^v2\./);
      const admin = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' };
      const made = await fetch(`${gw.url}/admin/api/upstreams`, { method: 'POST', headers: admin, body: JSON.stringify({ ...upstream('made-by-admin'), credentials: [{ key: 'sk-fake-openai' }] }) });
      expect(made.status).toBe(201);
      expect(((await made.json()) as { settings: { proxy: string } }).settings.proxy).toBe(`http://***@127.0.0.1:${proxies['made-by-admin'].port}`);
      expect(storedProxy('made-by-admin')).toMatch(/^v2\./);
      expect(JSON.stringify(rawOptions())).not.toContain(PASSWORD);
      expect(JSON.stringify(rawOptions())).not.toContain('alice');
      for (const id of IDS) await ask(gw, id);
    } finally {
      await gw.close();
    }
  });

  it('`secret rotate` re-seals it under the new secret, and the gateway started with that secret goes through it', async () => {
    const before = storedProxy('legacy');
    const config = configSchema.parse({ server: { port: 0 }, secret: SECRET, storage });
    await secretCommand(config, 'rotate', { newSecretEnv: 'NEW' }, { NEW: NEW_SECRET });
    const after = storedProxy('legacy');
    expect(after).toMatch(/^v2\./);
    expect(after).not.toBe(before);
    expect(await (await createSecretBox(NEW_SECRET)).decrypt(after!)).toBe(proxyOf('legacy'));
    const gw = await startTestGateway({ extra: extra(NEW_SECRET) });
    try {
      for (const id of IDS) await ask(gw, id);
    } finally {
      await gw.close();
    }
  });

  it('without a secret, a proxy with a user or password in the file is refused at start, naming the secret', async () => {
    await expect(startTestGateway({ extra: { ...extra(SECRET), secret: undefined, storage: { url: `sqlite:${join(tempDir(), 'no-secret.db')}` }, upstreams: [{ ...upstream('from-file'), credentials: [] }], models: [] } })).rejects.toThrow(
      /upstreams\[0\]\.proxy: a proxy URL with a user or password cannot be stored without a secret/,
    );
  });
});
