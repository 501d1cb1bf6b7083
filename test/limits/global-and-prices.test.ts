import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { logRows, startTestGateway, tempDir } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { SHIPPED_PRICES } from '../../src/usage/cost.js';
import { admin, chat, manualClock, openaiClient, testKey } from './helpers.js';

const A = testKey('global-a');
const B = testKey('global-b');

let openai: FakeUpstream;
let gw: NodeGateway;
const clock = manualClock();
const url = `sqlite:${join(tempDir(), 'switchboard.db')}`;
const options = () => ({
  openaiUrl: openai.url,
  now: clock.now,
  extra: {
    storage: { url },
    prices: { 'gpt-upstream': { input: 100, output: 100 } },
    keys: [
      { name: 'global-a', group: 'ga', key: A },
      { name: 'global-b', group: 'gb', key: B },
    ],
    limits: { rpm: 4 },
  },
});

beforeAll(async () => {
  openai = await startFakeOpenAI();
  gw = await startTestGateway(options());
});

afterAll(async () => {
  await gw?.close();
  await openai?.close();
});

describe('gateway-wide limits', () => {
  it('count every key together, and show in x-ratelimit-* in place of the upstream figures', async () => {
    const first = await chat(openaiClient(gw, A));
    // The fake upstream says 10000 / 9999; the client is told the gateway's own limit.
    expect(first.response.headers.get('x-ratelimit-limit-requests')).toBe('4');
    expect(first.response.headers.get('x-ratelimit-remaining-requests')).toBe('3');
    await chat(openaiClient(gw, B));
    await chat(openaiClient(gw, A));
    await chat(openaiClient(gw, B));
    const refused = await chat(openaiClient(gw, A)).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 429, code: 'rate_limit_exceeded', message: expect.stringContaining('4 requests per minute for the gateway') });

    const report = await admin(gw, 'GET', '/limits');
    expect(report.status).toBe(200);
    expect(report.body.global).toMatchObject({
      limits: { rpm: 4 },
      budget: null,
      counters: [{ dimension: 'rpm', limit: 4, used: 4, remaining: 0, resetAt: Date.UTC(2025, 0, 15, 12, 1) }],
      blocks: { rpm: 1 },
    });
    expect(report.body.blocks).toEqual({ total: 1, byReason: { 'global.rpm': 1 } });
    const blocked = (await logRows(gw)).filter((r) => r.status === 429);
    expect(blocked).toHaveLength(1);
    expect(blocked[0]).toMatchObject({ outcome: 'error', error: expect.stringContaining('for the gateway') });
  });

  it('are changed through the admin API, and a new gateway budget counts what was spent', async () => {
    // Four requests at $0.0018 were spent this month above.
    const put = await admin(gw, 'PUT', '/limits/global', { budget: { usd: 0.008, period: 'month' } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ limits: null, budget: { usd: 0.008, period: 'month' } });
    expect(put.body.counters).toEqual([expect.objectContaining({ dimension: 'budget-usd', used: expect.closeTo(0.0072, 9) })]);

    await chat(openaiClient(gw, B)); // $0.0072 < $0.008: the rpm limit is gone, the budget lets this one cross
    await expect(chat(openaiClient(gw, A))).rejects.toMatchObject({ status: 429, code: 'budget_exceeded' });

    expect((await admin(gw, 'PUT', '/limits/global', {})).body).toMatchObject({ limits: null, budget: null, counters: [] });
    await expect(chat(openaiClient(gw, A))).resolves.toBeTruthy();
    expect((await admin(gw, 'PUT', '/limits/global', { limits: { rpm: 0 } })).status).toBe(400);
  });
});

describe('prices through the admin API', () => {
  it('lists the effective table with where each price comes from', async () => {
    const { body } = await admin(gw, 'GET', '/prices');
    const byModel = new Map(body.data.map((e: { model: string }) => [e.model, e]));
    expect(byModel.get('gpt-4o')).toEqual({ model: 'gpt-4o', price: SHIPPED_PRICES['gpt-4o'], source: 'shipped' });
    expect(byModel.get('gpt-upstream')).toEqual({ model: 'gpt-upstream', price: { input: 100, output: 100 }, source: 'config' });
    expect(body.data).toHaveLength(Object.keys(SHIPPED_PRICES).length + 1);
  });

  it('PUT prices the next request at once; DELETE falls back to the config price', async () => {
    const put = await admin(gw, 'PUT', '/prices/gpt-upstream', { input: 1000, output: 1000 });
    expect(put.status).toBe(201);
    expect(put.body).toEqual({ model: 'gpt-upstream', price: { input: 1000, output: 1000 }, source: 'admin' });
    expect((await admin(gw, 'PUT', '/prices/gpt-upstream', { input: 1000, output: 2000 })).status).toBe(200);

    const { response } = await chat(openaiClient(gw, A));
    const row = (await logRows(gw)).find((r) => r.id === response.headers.get('x-request-id'));
    // 8 input + 3 cached at $1000, 7 output at $2000 per million.
    expect(row?.costUsd).toBeCloseTo((11 * 1000 + 7 * 2000) / 1e6, 10);

    const deleted = await admin(gw, 'DELETE', '/prices/gpt-upstream');
    expect(deleted.body).toEqual({ model: 'gpt-upstream', deleted: true, now: { model: 'gpt-upstream', price: { input: 100, output: 100 }, source: 'config' } });
    const again = await chat(openaiClient(gw, A));
    const next = (await logRows(gw)).find((r) => r.id === again.response.headers.get('x-request-id'));
    expect(next?.costUsd).toBeCloseTo(18 * 100 / 1e6, 10);
    expect((await admin(gw, 'DELETE', '/prices/gpt-upstream')).status).toBe(404);
  });

  it('takes model ids with a slash (URL-encoded), refuses bad prices, and keeps admin prices across a restart', async () => {
    const put = await admin(gw, 'PUT', `/prices/${encodeURIComponent('acme/house-model')}`, { input: 0.5, output: 1.5, cacheRead: 0.05 });
    expect(put.body).toMatchObject({ model: 'acme/house-model', source: 'admin' });
    const bad = await admin(gw, 'PUT', '/prices/other', { input: -1, output: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe('input');
    expect((await admin(gw, 'GET', '/prices/other')).status).toBe(404);

    await gw.close();
    gw = await startTestGateway(options());
    expect((await admin(gw, 'GET', `/prices/${encodeURIComponent('acme/house-model')}`)).body).toEqual({
      model: 'acme/house-model',
      price: { input: 0.5, output: 1.5, cacheRead: 0.05 },
      source: 'admin',
    });
    expect(gw.ctx.priceBook.lookup('acme/house-model')).toEqual({ input: 0.5, output: 1.5, cacheRead: 0.05 });
  });
});

describe('OpenAPI document', () => {
  it('describes the limits and prices endpoints', async () => {
    const doc = await (await fetch(`${gw.url}/admin/api/openapi.json`)).json();
    const ours = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .filter(([path]) => path.includes('limits') || path.startsWith('/prices'))
      .flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    expect(ours).toEqual(
      [
        'GET /keys/{id}/limits',
        'GET /limits',
        'GET /limits/global',
        'PUT /limits/global',
        'GET /limits/groups/{id}',
        'PUT /limits/groups/{id}',
        'DELETE /limits/groups/{id}',
        'GET /prices',
        'GET /prices/{model}',
        'PUT /prices/{model}',
        'DELETE /prices/{model}',
      ].sort(),
    );
    expect(doc.paths['/prices/{model}'].put.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Price' });
    expect(doc.components.schemas.LimitsReport.properties.blocks).toBeDefined();
  });
});
