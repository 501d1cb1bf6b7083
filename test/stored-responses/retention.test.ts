import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { configSchema } from '../../src/config/schema.js';
import { startNodeGateway } from '../../src/platform/node/gateway.js';
import { eventually, tempDir } from '../helpers/gateway.js';
import { MODELS, STATEFUL_KEY, startRig, type Rig } from './rig.js';

/** Stored responses at rest: sealed in the database file, deleted at the end of the key's retention, refused without a secret. */

const DAY = 24 * 60 * 60 * 1000;
const CANARY = 'canary-question-PLAINTEXT-5151';

describe('stored responses at rest', () => {
  let rig: Rig;
  let clock = Date.parse('2026-01-01T00:00:00Z');
  beforeAll(async () => {
    rig = await startRig({ now: () => clock, pruneIntervalMs: 20 });
  });
  afterAll(async () => {
    await rig?.close();
  });
  const ownerId = () => [...rig.gw.ctx.catalog.current().keysById.values()].find((k) => k.name === 'stateful')!.id;

  it('are encrypted: neither the input nor the output is in the database file in clear', async () => {
    const client = rig.client(STATEFUL_KEY);
    const res = await client.responses.create({ model: MODELS.anthropic, input: CANARY });
    expect(res.output_text).toBe(`echo: ${CANARY}`);
    await rig.gw.ctx.responses.flush();
    const stored = await rig.gw.ctx.store.responses.get(ownerId(), res.id, 0);
    expect(stored).toBeDefined();
    expect(stored!.sealed).not.toContain(CANARY);
    const bytes = Buffer.concat([rig.dbPath, `${rig.dbPath}-wal`].filter((p) => existsSync(p)).map((p) => readFileSync(p)));
    expect(bytes.includes(CANARY)).toBe(false);
    expect(bytes.includes(Buffer.from(res.id))).toBe(true);
    // And it reads back whole through the API.
    expect((await client.responses.retrieve(res.id)).output_text).toBe(`echo: ${CANARY}`);
  });

  it('are deleted by the retention job once the key\'s retention has passed', async () => {
    const client = rig.client(STATEFUL_KEY);
    const res = await client.responses.create({ model: MODELS.responses, input: 'short-lived' });
    await rig.gw.ctx.responses.flush();
    expect(await rig.gw.ctx.store.responses.get(ownerId(), res.id, 0)).toBeDefined();

    clock += 29 * DAY;
    expect((await client.responses.retrieve(res.id)).id).toBe(res.id);
    clock += 2 * DAY;
    // Past retention it is not served even before the job runs, and the job deletes the row.
    expect(await client.responses.retrieve(res.id).catch((e: unknown) => e)).toBeInstanceOf(OpenAI.NotFoundError);
    await eventually(async () => {
      expect(await rig.gw.ctx.store.responses.get(ownerId(), res.id, 0)).toBeUndefined();
    });
  });
});

describe('stored responses without a secret', () => {
  const base = () => ({
    server: { host: '127.0.0.1', port: 0 },
    adminKey: 'sb-admin-nosecret-00000000000',
    storage: { url: `sqlite:${join(tempDir(), 'switchboard.db')}` },
  });

  it('refuse to start when the config file enables them, naming the key', async () => {
    const config = configSchema.parse({ ...base(), keys: [{ name: 'k', key: STATEFUL_KEY, responses: { store: true } }] });
    await expect(startNodeGateway(config, { log: () => {} })).rejects.toThrow(/keys\[0\]\.responses: stored responses cannot be enabled without a secret/);
  });

  it('are refused by the admin API with the same reason', async () => {
    const gw = await startNodeGateway(configSchema.parse(base()), { log: () => {} });
    try {
      const call = (method: string, path: string, body: unknown) =>
        fetch(`${gw.url}/admin/api${path}`, {
          method,
          headers: { authorization: 'Bearer sb-admin-nosecret-00000000000', 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const refused = await call('POST', '/keys', { name: 'stateful', responses: { store: true, retentionDays: 7 } });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ error: { code: 'secret_not_set' } });
      const plain = await call('POST', '/keys', { name: 'plain' });
      expect(plain.status).toBe(201);
      const patched = await call('PATCH', `/keys/${(await plain.json()).id}`, { responses: { store: true } });
      expect(patched.status).toBe(400);
    } finally {
      await gw.close();
    }
  });
});
