import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { FakeUpstream } from '../fakes/index.js';
import { FAKE_ACCOUNT_ID, startFakeOpenAIAuth, type FakeOpenAIAuth } from '../fakes/openai-auth.js';
import { startFakeCodex } from '../fakes/codex.js';
import { eventually, startTestGateway, tempDir, TEST_KEY } from '../helpers/gateway.js';
import { createPostgresSchema, type PostgresSchema } from '../helpers/postgres.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { admin, chat } from './calls.js';

/**
 * Replicas that share only the database: three gateways in this process on
 * one SQLite file, then on one PostgreSQL schema, each with its own
 * snapshot, settings, limit rules and prices in memory.
 * What an admin does through A must hold on B (which looks at the revision
 * every 500 ms) and on Slow (which looks only once a minute).
 */

let auth: FakeOpenAIAuth;
let codex: FakeUpstream;

beforeAll(async () => {
  auth = await startFakeOpenAIAuth();
  codex = await startFakeCodex({ accountId: FAKE_ACCOUNT_ID, isLiveToken: (t) => auth.isLiveAccessToken(t) });
});
afterAll(async () => {
  await Promise.all([auth?.close(), codex?.close()]);
});

let schema: PostgresSchema | undefined;
afterAll(async () => {
  await schema?.drop();
});

const databases: [string, () => Promise<string>][] = [
  ['a SQLite file', async () => `sqlite:${join(tempDir(), 'replicas.db')}`],
  [
    'a PostgreSQL schema',
    async () => {
      schema = await createPostgresSchema('sbreplicas');
      return schema.url;
    },
  ],
];

describe.each(databases)('replicas on %s agree', (_name, storageUrl) => {
  let a: NodeGateway;
  let b: NodeGateway;
  let slow: NodeGateway;

  beforeAll(async () => {
    const extra = {
      storage: { url: await storageUrl() },
      upstreams: [
        { id: 'mock', kind: 'mock', models: ['mock-model'] },
        { id: 'cx', kind: 'codex', baseUrl: codex.url, authUrl: auth.url },
      ],
    };
    a = await startTestGateway({ extra });
    b = await startTestGateway({ extra });
    slow = await startTestGateway({ extra, refreshMs: 60_000 });
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close(), slow?.close()]);
  });

  it('a key created through A works through another replica at its first request', async () => {
    const created = await admin(a, 'POST', '/keys', { name: 'fresh', group: 'team-a' });
    expect(created.status).toBe(201);
    // Slow has not reloaded since it started: only the lookup of an unknown key can know it.
    expect((await chat(slow, created.body.key)).status).toBe(200);
    expect((await chat(b, created.body.key)).status).toBe(200);
    // A key nobody made is still refused.
    const bad = await chat(slow, 'sk-sb-nobody-made-this-key-000000000000');
    expect(bad.status).toBe(401);
  });

  it('a key revoked through A is refused by B within a second', async () => {
    const created = await admin(a, 'POST', '/keys', { name: 'short-lived', group: 'team-a' });
    expect((await chat(b, created.body.key)).status).toBe(200);
    const revoked = await admin(a, 'POST', `/keys/${created.body.id}/revoke`);
    expect(revoked.status).toBe(200);
    const since = Date.now();
    await eventually(async () => expect((await chat(b, created.body.key)).status).toBe(401), 2000);
    expect(Date.now() - since).toBeLessThan(1000);
  });

  it('the gateway IP allowlist set through A holds on B', async () => {
    expect((await admin(a, 'PATCH', '/settings', { security: { ipAllowlist: ['10.0.0.0/8'] } })).status).toBe(200);
    try {
      await eventually(async () => expect((await chat(b, TEST_KEY)).status).toBe(403), 2000);
    } finally {
      await admin(a, 'PATCH', '/settings', { security: { ipAllowlist: [] } });
    }
    await eventually(async () => expect((await chat(b, TEST_KEY)).status).toBe(200), 2000);
  });

  it("a group's limit rule set through A is enforced on B", async () => {
    expect((await admin(a, 'PUT', '/limits/groups/team-b', { limits: { rpm: 1 }, budget: null })).status).toBe(201);
    await eventually(async () => expect((await admin(b, 'GET', '/limits/groups/team-b')).body.limits).toEqual({ rpm: 1 }), 2000);
    const created = await admin(a, 'POST', '/keys', { name: 'team-b-key', group: 'team-b' });
    expect((await chat(b, created.body.key)).status).toBe(200);
    expect((await chat(b, created.body.key)).status).toBe(429);
  });

  it('a price set through A prices the requests B serves', async () => {
    const price = { input: 1000, output: 2000 };
    expect((await admin(a, 'PUT', '/prices/mock-model', price)).status).toBe(201);
    await eventually(async () => expect((await admin(b, 'GET', '/prices/mock-model')).body).toMatchObject({ source: 'admin', price }), 2000);
    const res = await chat(b, TEST_KEY);
    expect(res.status).toBe(200);
    const { usage } = res.body as { usage: { prompt_tokens: number; completion_tokens: number } };
    await b.ctx.recorder.flush();
    const row = await b.ctx.store.logs.get(res.headers.get('x-request-id')!);
    expect(row?.costUsd).toBeCloseTo((usage.prompt_tokens * 1000 + usage.completion_tokens * 2000) / 1e6, 9);
  });

  it('a Codex sign-in started through A is finished through B', async () => {
    const start = await admin(a, 'POST', '/upstreams/cx/login/codex/start');
    expect(start.status).toBe(200);
    const landed = auth.authorize(start.body.url);
    const finish = await admin(b, 'POST', '/upstreams/cx/login/codex/finish', { state: start.body.state, callback: landed });
    expect(finish.status).toBe(201);
    // Used up, on every replica.
    const again = await admin(a, 'POST', '/upstreams/cx/login/codex/finish', { state: start.body.state, callback: landed });
    expect(again.status).toBe(400);
  });
});
