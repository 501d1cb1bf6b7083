import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { startFakeOpenAI, type FakeCall, type FakeUpstream } from '../fakes/index.js';
import { ADMIN_KEY, logRows, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';

// A pool of three credentials on one fake upstream, and a backup upstream as the model's second route.
const POOL_KEYS = ['sk-pool-one-1111', 'sk-pool-two-2222', 'sk-pool-three-3333'];
const BACKUP_KEY = 'sk-backup-9999';

let main: FakeUpstream;
let backup: FakeUpstream;
let gw: NodeGateway;
let openai: OpenAI;

const keyOf = (call: FakeCall) => String(call.headers.authorization ?? '').replace('Bearer ', '');
const withKey = (key: string) => (call: FakeCall) => keyOf(call) === key;
const chatCalls = (fake: FakeUpstream) => fake.calls.filter((c) => c.path.startsWith('/v1/chat/completions'));
const ask = (content = 'hello') => openai.chat.completions.create({ model: 'pooled', messages: [{ role: 'user', content }] });

async function admin(path: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(`${gw.url}/admin/api${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN_KEY}`, ...init.headers } });
  return { status: res.status, body: await res.json() };
}

async function stateOf(credentialId: string) {
  const { body } = await admin('/upstreams/pool/health');
  return (body.credentials as { id: string; state: string; reason: string; until: number | null; setBy: string }[]).find((c) => c.id === credentialId)!;
}

beforeAll(async () => {
  main = await startFakeOpenAI({ apiKeys: POOL_KEYS });
  backup = await startFakeOpenAI({ apiKey: BACKUP_KEY });
  gw = await startTestGateway({
    extra: {
      upstreams: [
        {
          id: 'pool',
          kind: 'openai',
          baseUrl: `${main.url}/v1`,
          credentials: POOL_KEYS.map((key, i) => ({ id: `cred-${i + 1}`, key })),
          timeouts: { firstByteMs: 400, idleMs: 400 },
        },
        { id: 'backup', kind: 'openai', baseUrl: `${backup.url}/v1`, credentials: [{ id: 'cred-backup', key: BACKUP_KEY }] },
      ],
      models: [
        { id: 'pooled', routes: [{ upstream: 'pool', model: 'gpt-upstream' }, { upstream: 'backup', model: 'gpt-backup' }] },
        { id: 'pool-only', routes: [{ upstream: 'pool', model: 'gpt-upstream' }] },
        { id: 'too-long', routes: [{ upstream: 'pool', model: 'fake-error-context' }, { upstream: 'backup', model: 'gpt-backup' }] },
      ],
      retry: { backoffMs: 1, maxAttempts: 4 },
      health: { probeIntervalMs: 0, failuresBeforeCooling: 2, cooldownMs: 60_000 },
    },
  });
  openai = new OpenAI({ apiKey: TEST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await gw?.close();
  await main?.close();
  await backup?.close();
});
beforeEach(() => {
  main.reset();
  backup.reset();
  gw.ctx.pools.resetAll(Date.now());
});

describe('credential pools', () => {
  it('spreads requests round-robin over the pool', async () => {
    for (let i = 0; i < 6; i++) await ask();
    const used = chatCalls(main).map(keyOf);
    for (const key of POOL_KEYS) expect(used.filter((k) => k === key)).toHaveLength(2);
    expect(backup.calls).toHaveLength(0);
  });

  it('follows the order an admin gives the pool, and refuses an order that is not the pool', async () => {
    const put = (ids: string[]) =>
      admin('/upstreams/pool/credentials/order', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ids }) });
    let res = await put(['cred-3', 'cred-1', 'cred-2']);
    expect(res.status).toBe(200);
    expect(res.body.credentials.map((c: { id: string }) => c.id)).toEqual(['cred-3', 'cred-1', 'cred-2']);
    gw.ctx.catalog.current().upstreams.get('pool')!.cursor = 0;
    for (let i = 0; i < 3; i++) await ask();
    expect(chatCalls(main).map(keyOf)).toEqual([POOL_KEYS[2], POOL_KEYS[0], POOL_KEYS[1]]);

    res = await put(['cred-1', 'cred-2']);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/each credential of the pool once/);
    expect((await put(['cred-1', 'cred-1', 'cred-2'])).status).toBe(400);
    expect((await put(['cred-1', 'cred-2', 'cred-3'])).status).toBe(200);
  });

  it('moves a 429 to the next credential, cools the first until its Retry-After, and logs both tries', async () => {
    main.failNext({ kind: 'status', status: 429, headers: { 'retry-after': '30' } }, 1, withKey(POOL_KEYS[0]));
    // Start the rotation at the first credential.
    gw.ctx.catalog.current().upstreams.get('pool')!.cursor = 0;
    const before = Date.now();
    const res = await ask();
    expect(res.choices[0].message.content).toBe('echo: hello');
    expect(chatCalls(main).map(keyOf)).toEqual([POOL_KEYS[0], POOL_KEYS[1]]);

    const cooled = await stateOf('cred-1');
    expect(cooled.state).toBe('cooling');
    expect(cooled.reason).toMatch(/429/);
    expect(cooled.until! - before).toBeGreaterThanOrEqual(29_000);
    expect(cooled.until! - before).toBeLessThan(32_000);

    const row = (await logRows(gw))[0];
    expect(row).toMatchObject({ status: 200, outcome: 'ok', upstreamId: 'pool', credentialId: 'cred-2' });
    expect(row.attempts).toHaveLength(2);
    expect(row.attempts![0]).toMatchObject({ upstream: 'pool', credential: 'cred-1', status: 429 });
    expect(row.attempts![0].error).toMatch(/rate limited/);
    expect(row.attempts![1]).toMatchObject({ credential: 'cred-2', status: 200, error: null });

    // A cooling credential gets no traffic.
    main.reset();
    for (let i = 0; i < 4; i++) await ask();
    expect(chatCalls(main).map(keyOf)).not.toContain(POOL_KEYS[0]);
  });

  it('disables a credential the upstream refuses (401) and one out of quota, until a check passes', async () => {
    gw.ctx.catalog.current().upstreams.get('pool')!.cursor = 0;
    main.failNext({ kind: 'status', status: 401 }, 1, withKey(POOL_KEYS[0]));
    await ask();
    gw.ctx.catalog.current().upstreams.get('pool')!.cursor = 0;
    main.failNext(
      {
        kind: 'status',
        status: 429,
        body: { error: { message: 'You exceeded your current quota, please check your plan and billing details.', type: 'insufficient_quota', param: null, code: 'insufficient_quota' } },
      },
      1,
      withKey(POOL_KEYS[1]),
    );
    await ask();
    expect((await stateOf('cred-1')).state).toBe('disabled');
    expect((await stateOf('cred-1')).reason).toMatch(/refused the credential \(401\)/);
    expect((await stateOf('cred-2')).state).toBe('disabled');
    expect((await stateOf('cred-2')).reason).toMatch(/quota exhausted/);

    // Only the third credential serves now.
    main.reset();
    for (let i = 0; i < 3; i++) await ask();
    expect(new Set(chatCalls(main).map(keyOf))).toEqual(new Set([POOL_KEYS[2]]));

    // A validity check that is refused keeps it disabled; one that passes brings it back.
    main.failNext({ kind: 'status', status: 401 }, 1, (c) => withKey(POOL_KEYS[0])(c) && c.path === '/v1/models');
    let check = await admin('/upstreams/pool/credentials/cred-1/check', { method: 'POST' });
    expect(check.body).toMatchObject({ ok: false, state: 'disabled' });
    check = await admin('/upstreams/pool/credentials/cred-1/check', { method: 'POST' });
    expect(check.body).toMatchObject({ ok: true, state: 'healthy' });
    expect(check.body.detail).toMatch(/listed \d+ models/);
    const all = await admin('/upstreams/pool/check', { method: 'POST' });
    expect(all.body.data.map((r: { state: string }) => r.state)).toEqual(['healthy', 'healthy', 'healthy']);
  });

  it('the scheduled probe brings back disabled and cooled-off credentials', async () => {
    const now = Date.now();
    gw.ctx.pools.set('cred-1', 'disabled', 'refused the credential (401)', 'gateway', now);
    gw.ctx.pools.set('cred-2', 'cooling', '2 failures in a row', 'gateway', now - 10, now - 1);
    gw.ctx.pools.set('cred-3', 'disabled', 'by hand', 'admin', now);
    // The probe job is off in this file's config (probeIntervalMs: 0) so that it cannot race the tests; one round here.
    const { probeBenched } = await import('../../src/routing/probe.js');
    await probeBenched({ ...gw.ctx, now: Date.now });
    expect((await stateOf('cred-1')).state).toBe('healthy');
    expect((await stateOf('cred-2')).state).toBe('healthy');
    // An admin's decision is not the probe's to undo.
    expect((await stateOf('cred-3'))).toMatchObject({ state: 'disabled', setBy: 'admin' });
    expect(main.calls.filter((c) => c.path === '/v1/models').map(keyOf).sort()).toEqual([POOL_KEYS[0], POOL_KEYS[1]].sort());
  });

  it('cools a credential after repeated 5xx, while every client request still succeeds', async () => {
    main.failNext({ kind: 'status', status: 500 }, 5, withKey(POOL_KEYS[0]));
    for (let i = 0; i < 6; i++) await ask();
    const state = await stateOf('cred-1');
    expect(state.state).toBe('cooling');
    expect(state.reason).toMatch(/2 failures in a row, last: answered 500/);
    const rows = await logRows(gw);
    expect(rows.slice(0, 6).every((r) => r.status === 200)).toBe(true);
  });

  it('retries connection resets, timeouts and hangs on the next credential', async () => {
    gw.ctx.catalog.current().upstreams.get('pool')!.cursor = 0;
    main.failNext({ kind: 'reset-before-headers' }, 1, withKey(POOL_KEYS[0]));
    main.failNext({ kind: 'slow-first-byte', ms: 2000 }, 1, withKey(POOL_KEYS[1]));
    expect((await ask()).choices[0].message.content).toBe('echo: hello');
    const row = (await logRows(gw))[0];
    expect(row.attempts!.map((a) => [a.credential, a.status])).toEqual([
      ['cred-1', null],
      ['cred-2', null],
      ['cred-3', 200],
    ]);
    expect(row.attempts![1].error).toMatch(/in time|timeout/i);

    main.reset();
    gw.ctx.catalog.current().upstreams.get('pool')!.cursor = 0;
    main.failNext({ kind: 'hang' }, 1, withKey(POOL_KEYS[0]));
    expect((await ask()).choices[0].message.content).toBe('echo: hello');
  });

  it('retries a stream that breaks before its first byte, but never one that broke after', async () => {
    gw.ctx.catalog.current().upstreams.get('pool')!.cursor = 0;
    main.failNext({ kind: 'cut-mid-stream', afterEvents: 0 }, 1, withKey(POOL_KEYS[0]));
    const stream = await openai.chat.completions.create({ model: 'pooled', messages: [{ role: 'user', content: 'a b c' }], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('echo: a b c');
    expect(chatCalls(main)).toHaveLength(2);

    main.reset();
    main.failNext({ kind: 'cut-mid-stream', afterEvents: 3 });
    const broken = await openai.chat.completions.create({ model: 'pooled', messages: [{ role: 'user', content: 'a b c d e' }], stream: true });
    const err = await (async () => {
      for await (const _ of broken) {
        /* read until it breaks */
      }
    })().catch((e: unknown) => e);
    expect(String(err)).toMatch(/upstream stream broke/);
    expect(chatCalls(main)).toHaveLength(1);
    expect(backup.calls).toHaveLength(0);
    expect((await logRows(gw))[0]).toMatchObject({ outcome: 'incomplete', attempts: null });
  });

  it('falls back to the next route when the whole pool fails', async () => {
    main.failNext({ kind: 'status', status: 503 }, 3);
    const res = await ask();
    expect(res.choices[0].message.content).toBe('echo: hello');
    expect(chatCalls(main)).toHaveLength(3);
    expect(chatCalls(backup)).toHaveLength(1);
    expect(chatCalls(backup)[0].body.model).toBe('gpt-backup');
    const row = (await logRows(gw))[0];
    expect(row).toMatchObject({ upstreamId: 'backup', credentialId: 'cred-backup', upstreamModel: 'gpt-backup' });
    expect(row.attempts!.map((a) => a.upstream)).toEqual(['pool', 'pool', 'pool', 'backup']);
  });

  it('returns a 4xx the client caused at once, without retrying', async () => {
    const err = await openai.chat.completions
      .create({ model: 'too-long', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e as InstanceType<typeof OpenAI.BadRequestError>);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('context_length_exceeded');
    expect(chatCalls(main)).toHaveLength(1);
    expect(backup.calls).toHaveLength(0);
  });

  it('stops at maxAttempts and gives the client the last failure in its own protocol', async () => {
    main.failNext({ kind: 'status', status: 500 }, 10);
    const err = await openai.chat.completions.create({ model: 'pool-only', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect(chatCalls(main)).toHaveLength(3); // the pool has three credentials; the route list ends there

    main.reset();
    gw.ctx.pools.resetAll(Date.now());
    main.failNext({ kind: 'status', status: 500 }, 10);
    const anthropic = new Anthropic({ apiKey: TEST_KEY, baseURL: gw.url, maxRetries: 0 });
    const aerr = await anthropic.messages
      .create({ model: 'pool-only', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e as InstanceType<typeof Anthropic.InternalServerError>);
    expect(aerr).toBeInstanceOf(Anthropic.InternalServerError);
    expect((aerr as InstanceType<typeof Anthropic.InternalServerError>).error).toMatchObject({ type: 'error', error: { type: 'api_error' } });
    const row = (await logRows(gw))[0];
    expect(row).toMatchObject({ status: 500, outcome: 'upstream_error', translation: 'anthropic-messages -> openai-chat' });
    expect(row.attempts).toHaveLength(3);
  });

  it('answers 503 with Retry-After when every credential of every route is benched', async () => {
    const now = Date.now();
    for (const id of ['cred-1', 'cred-2', 'cred-3']) gw.ctx.pools.set(id, 'cooling', 'test', 'gateway', now, now + 20_000);
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'pool-only', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(19);
    expect((await res.json()).error.code).toBe('upstreams_unavailable');
    expect(main.calls).toHaveLength(0);
    expect((await logRows(gw))[0]).toMatchObject({ status: 503, outcome: 'error' });
  });

  it('lets an admin disable and enable a credential by hand, and shows counters', async () => {
    let res = await admin('/upstreams/pool/credentials/cred-2/disable', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'rotating this key' }),
    });
    expect(res.body).toMatchObject({ id: 'cred-2', state: 'disabled', reason: 'rotating this key', setBy: 'admin' });
    for (let i = 0; i < 4; i++) await ask();
    expect(chatCalls(main).map(keyOf)).not.toContain(POOL_KEYS[1]);

    res = await admin('/upstreams/pool/credentials/cred-2/enable', { method: 'POST' });
    expect(res.body).toMatchObject({ state: 'healthy', setBy: 'admin' });
    const health = await admin('/health');
    const pool = health.body.data.find((p: { upstream: string }) => p.upstream === 'pool');
    const one = pool.credentials.find((c: { id: string }) => c.id === 'cred-1');
    expect(one.requests).toBeGreaterThanOrEqual(2);
    expect(one.tokens).toBeGreaterThan(0);
    expect(one.lastUsedAt).toBeGreaterThan(0);
    expect(one.hint).toMatch(/…/);
    expect(JSON.stringify(health.body)).not.toContain(POOL_KEYS[0]);

    expect((await admin('/upstreams/pool/credentials/nope/disable', { method: 'POST' })).status).toBe(404);
  });

  it('keeps learned states across a restart of the process (persisted off the request path)', async () => {
    gw.ctx.pools.set('cred-3', 'disabled', 'refused the credential (401)', 'gateway', Date.now());
    const saved = await (async () => {
      for (let i = 0; i < 50; i++) {
        const rows = await gw.ctx.store.health.list();
        const found = rows.find((r) => r.credentialId === 'cred-3' && r.state === 'disabled');
        if (found) return found;
        await new Promise((r) => setTimeout(r, 20));
      }
      return undefined;
    })();
    expect(saved).toMatchObject({ reason: 'refused the credential (401)', setBy: 'gateway' });
  });
});

describe('200 concurrent requests while one credential starts failing', () => {
  it('gives zero client-visible errors', async () => {
    main.failNext({ kind: 'status', status: 500 }, 1000, withKey(POOL_KEYS[1]));
    const results = await Promise.allSettled(Array.from({ length: 200 }, (_, i) => ask(`n${i}`)));
    const failed = results.filter((r) => r.status === 'rejected');
    expect(failed).toHaveLength(0);
    const rows = (await logRows(gw)).slice(0, 200);
    expect(rows.every((r) => r.status === 200 && r.credentialId !== 'cred-2')).toBe(true);
    expect(rows.some((r) => r.attempts?.some((a) => a.credential === 'cred-2' && a.status === 500))).toBe(true);
    expect((await stateOf('cred-2')).state).toBe('cooling');
  });
});
