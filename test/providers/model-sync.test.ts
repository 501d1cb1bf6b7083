import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, eventually, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import { startFakeOpenAI } from '../fakes/openai.js';
import { sendJson, startFakeServer, type FakeUpstream } from '../fakes/server.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { UpstreamStatusError } from '../../src/providers/upstream-json.js';
import { UpstreamFailure } from '../../src/providers/http.js';

const CLAUDE_MODELS = ['claude-opus-4-1', 'claude-sonnet-4-5', 'claude-haiku-4-5', 'claude-3-7-sonnet'];
const GEMINI_MODELS = ['gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-2.0-flash', 'text-embedding-004', 'gemini-2.5-flash-lite'];
const PAGE = 2;

/**
 * Anthropic's and Gemini's model lists, two per page whatever the client asks:
 * Anthropic pages by `after_id` / `has_more` / `last_id`, Gemini by `pageToken` / `nextPageToken`.
 */
function startPagedModels(): Promise<FakeUpstream> {
  return startFakeServer({
    headers: () => ({}),
    errorFor: (status) => ({ body: { error: { message: `fake ${status}` } } }),
    async handle(ctx) {
      const q = ctx.url.searchParams;
      if (ctx.url.pathname === '/v1/models') {
        if (ctx.req.headers['x-api-key'] !== 'sk-ant-paged') return sendJson(ctx, 401, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } });
        if (!ctx.req.headers['anthropic-version']) return sendJson(ctx, 400, { type: 'error', error: { type: 'invalid_request_error', message: 'anthropic-version required' } });
        const after = q.get('after_id');
        const start = after ? CLAUDE_MODELS.indexOf(after) + 1 : 0;
        const data = CLAUDE_MODELS.slice(start, start + PAGE).map((id) => ({ type: 'model', id, display_name: id, created_at: '2025-01-01T00:00:00Z' }));
        return sendJson(ctx, 200, { data, has_more: start + PAGE < CLAUDE_MODELS.length, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null });
      }
      if (ctx.url.pathname === '/v1beta/models') {
        if (ctx.req.headers['x-goog-api-key'] !== 'gemini-paged') return sendJson(ctx, 400, { error: { code: 400, message: 'API key not valid.', status: 'INVALID_ARGUMENT' } });
        const start = Number(q.get('pageToken') ?? '0');
        const models = GEMINI_MODELS.slice(start, start + PAGE).map((id) => ({ name: `models/${id}`, displayName: id }));
        const next = start + PAGE < GEMINI_MODELS.length ? String(start + PAGE) : undefined;
        return sendJson(ctx, 200, { models, ...(next ? { nextPageToken: next } : {}) });
      }
      return sendJson(ctx, 404, { error: 'not found' });
    },
  });
}

describe('listModels and model catalog sync', () => {
  let openai: FakeUpstream;
  let paged: FakeUpstream;
  let gw: NodeGateway;
  const log: string[] = [];

  beforeAll(async () => {
    openai = await startFakeOpenAI();
    paged = await startPagedModels();
    gw = await startTestGateway({
      openaiUrl: openai.url,
      log: (m) => log.push(m),
      extra: {
        upstreams: [
          { id: 'mock', kind: 'mock', models: ['mock-model'] },
          { id: 'oai', kind: 'openai', baseUrl: `${openai.url}/v1`, credentials: [{ key: 'sk-wrong' }, { key: 'sk-fake-openai' }] },
          { id: 'ant', kind: 'anthropic', baseUrl: paged.url, credentials: [{ key: 'sk-ant-paged' }] },
          { id: 'gem', kind: 'gemini', baseUrl: paged.url, credentials: [{ key: 'gemini-paged' }], modelSync: { intervalMinutes: 60 } },
          { id: 'down', kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', credentials: [{ key: 'x' }] },
        ],
        models: [],
      },
    });
  });
  afterAll(async () => {
    await gw?.close();
    await openai?.close();
    await paged?.close();
  });

  const sync = (id: string) => fetch(`${gw.url}/admin/api/upstreams/${id}/sync-models`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  const signal = () => AbortSignal.timeout(5000);
  const record = async (id: string) => (await gw.ctx.store.upstreams.list()).find((u) => u.id === id)!;

  it('openai: GET {base}/models with the bearer key', async () => {
    const models = await gw.ctx.providers.openai.listModels(await record('oai'), 'sk-fake-openai', signal());
    expect(models).toContainEqual({ id: 'gpt-4o', ownedBy: 'system' });
    expect(openai.calls.at(-1)!.path).toBe('/v1/models');
  });

  it('a refused key is an UpstreamStatusError with its status; an unreachable upstream is an UpstreamFailure', async () => {
    const refused = await gw.ctx.providers.openai.listModels(await record('oai'), 'sk-wrong', signal()).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(UpstreamStatusError);
    expect((refused as UpstreamStatusError).status).toBe(401);
    const down = await gw.ctx.providers.openai.listModels(await record('down'), 'x', signal()).catch((e: unknown) => e);
    expect(down).toBeInstanceOf(UpstreamFailure);
  });

  it('anthropic: follows has_more / last_id through every page', async () => {
    const models = await gw.ctx.providers.anthropic.listModels(await record('ant'), 'sk-ant-paged', signal());
    expect(models.map((m) => m.id)).toEqual(CLAUDE_MODELS);
    const pages = paged.calls.filter((c) => c.path.startsWith('/v1/models'));
    expect(pages).toHaveLength(2);
    expect(pages[1]!.path).toContain('after_id=claude-sonnet-4-5');
  });

  it('gemini: follows nextPageToken and strips the models/ prefix', async () => {
    const models = await gw.ctx.providers.gemini.listModels(await record('gem'), 'gemini-paged', signal());
    expect(models.map((m) => m.id)).toEqual(GEMINI_MODELS);
  });

  it('mock: its declared list', async () => {
    expect(await gw.ctx.providers.mock.listModels(await record('mock'), null, signal())).toEqual([{ id: 'mock-model', ownedBy: 'switchboard-mock' }]);
  });

  it('a model that appears only after sync becomes routable', async () => {
    const client = new OpenAI({ apiKey: TEST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    await expect(client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ status: 404 });

    // The first credential is refused; the sync goes on to the next one.
    const res = await sync('oai');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ upstream: 'oai', models: ['gpt-4o', 'gpt-4o-mini', 'text-embedding-3-small', 'fake-error-context'] });
    expect((await record('oai')).models).toContain('gpt-4o-mini');

    const answer = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(answer.choices[0]?.message.content).toBeTruthy();
    expect(openai.calls.at(-1)!.body.model).toBe('gpt-4o-mini');
    const listed = await client.models.list();
    expect(listed.data.map((m) => m.id)).toContain('gpt-4o-mini');
  });

  it('sync of an upstream that cannot be reached is a 502; of an unknown one a 404', async () => {
    const down = await sync('down');
    expect(down.status).toBe(502);
    expect(((await down.json()) as { error: { code: string } }).error.code).toMatch(/^upstream_/);
    expect((await sync('nope')).status).toBe(404);
  });

  it('an upstream with modelSync is synced on schedule after start', async () => {
    await eventually(async () => expect((await record('gem')).models).toEqual(GEMINI_MODELS), 5000);
    expect(log.some((m) => m.includes('upstream gem: model list synced (5 models)'))).toBe(true);
    // Upstreams without modelSync were left alone.
    expect((await record('ant')).models).toEqual([]);
  });

  it('the admin view shows per-kind settings, and PATCH changes them', async () => {
    const patch = await fetch(`${gw.url}/admin/api/upstreams/gem`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ modelSync: { intervalMinutes: 5 } }),
    });
    expect(patch.status).toBe(200);
    expect(((await patch.json()) as { settings: unknown }).settings).toEqual({ modelSync: { intervalMinutes: 5 } });

    // null removes a setting; the others stay.
    const send = (body: unknown) =>
      fetch(`${gw.url}/admin/api/upstreams/gem`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then(async (res) => ({ status: res.status, body: (await res.json()) as { settings?: unknown } }));
    expect((await send({ structuredOutput: 'tool' })).body.settings).toEqual({ modelSync: { intervalMinutes: 5 }, structuredOutput: 'tool' });
    expect((await send({ modelSync: null })).body.settings).toEqual({ structuredOutput: 'tool' });
    const cleared = await send({ structuredOutput: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body.settings).toBeUndefined();
    expect((await record('gem')).settings).toBeUndefined();
  });
});
