import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startTestGateway, tempDir } from '../helpers/gateway.js';
import { startNodeGateway, type NodeGateway } from '../../src/platform/node/gateway.js';
import { configSchema } from '../../src/config/schema.js';

// The config file is the source of the keys it makes: a database first started with one file (the offline
// demo, whose key is public) and then with another keeps none of the first file's keys usable.

const DEMO_KEY = 'sk-sb-demo-0000000000000000000000000000';
const REAL_KEY = 'sk-sb-real-0000000000000000000000000000';
const database = `sqlite:${join(tempDir(), 'shared.db')}`;

const configWith = (keys: unknown[]) =>
  configSchema.parse({
    server: { host: '127.0.0.1', port: 0 },
    adminKey: 'admin-key-000000000000000000',
    storage: { url: database },
    upstreams: [{ id: 'mock', kind: 'mock', models: ['mock-model'] }],
    keys,
  });

const chat = (gw: NodeGateway, key: string) =>
  fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'mock-model', messages: [{ role: 'user', content: 'hi' }] }),
  });

describe('keys a config file made', () => {
  const lines: string[] = [];
  let second: NodeGateway;
  let handKey: string;

  beforeAll(async () => {
    const first = await startNodeGateway(configWith([{ name: 'demo', key: DEMO_KEY }]), { log: () => {}, webDir: false });
    expect((await chat(first, DEMO_KEY)).status).toBe(200);
    // A key made through the admin API is not the file's: it stays.
    const made = await fetch(`${first.url}/admin/api/keys`, {
      method: 'POST',
      headers: { authorization: 'Bearer admin-key-000000000000000000', 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'made-by-hand' }),
    });
    expect(made.status).toBe(201);
    handKey = ((await made.json()) as { key: string }).key;
    await first.close();
    second = await startNodeGateway(configWith([{ name: 'real', key: REAL_KEY }]), { log: (m) => lines.push(m), webDir: false });
  });
  afterAll(async () => {
    await second?.close();
  });

  it('are revoked when the next file no longer names them, and the start says so', async () => {
    expect((await chat(second, DEMO_KEY)).status).toBe(401);
    expect((await chat(second, REAL_KEY)).status).toBe(200);
    expect(lines.some((l) => l.includes('key "demo" revoked'))).toBe(true);
  });

  it('leave keys made through the admin API alone', async () => {
    expect((await chat(second, handKey)).status).toBe(200);
  });
});

it('a test gateway still starts with its own keys (nothing else is revoked)', async () => {
  const gw = await startTestGateway({});
  const keys = await gw.ctx.store.keys.list();
  expect(keys.every((k) => k.revokedAt === null)).toBe(true);
  await gw.close();
});
