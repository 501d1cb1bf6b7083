import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { startFakeCompatible } from '../fakes/compatible.js';
import type { FakeUpstream } from '../fakes/index.js';
import { ADMIN_KEY, logRows, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';

// OpenAI-compatible servers with paths and auth of their own, told apart by path prefix on one fake.
let fake: FakeUpstream;
let gw: NodeGateway;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  fake = await startFakeCompatible();
  gw = await startTestGateway({
    extra: {
      upstreams: [
        {
          id: 'own-paths',
          kind: 'openai',
          baseUrl: `${fake.url}/qwen/api`,
          speaks: ['chat'],
          paths: { chat: '/chat', models: '/v2/list/models' },
          authHeader: 'x-api-key',
          headers: { 'x-tenant': 'acme' },
          removeHeaders: ['x-debug-trace', 'X-Client-Build'],
          credentials: [{ key: 'sk-qwen-1' }],
        },
        { id: 'no-auth', kind: 'openai', baseUrl: `${fake.url}/moonshot/v1`, speaks: ['chat'], authHeader: 'none', credentials: [{ key: 'unused' }] },
      ],
      models: [
        { id: 'm-own', routes: [{ upstream: 'own-paths', model: 'qwen-plus' }] },
        { id: 'm-none', routes: [{ upstream: 'no-auth', model: 'moonshot-v1-8k' }] },
      ],
      retry: { maxAttempts: 1 },
    },
  });
  openai = new OpenAI({
    apiKey: TEST_KEY,
    baseURL: `${gw.url}/v1`,
    maxRetries: 0,
    defaultHeaders: { 'x-debug-trace': 'client-secret-trace', 'x-client-build': '42', 'x-pass-me': 'yes' },
  });
  anthropic = new Anthropic({ apiKey: TEST_KEY, baseURL: gw.url, maxRetries: 0 });
});
afterAll(async () => {
  await gw?.close();
  await fake?.close();
});
beforeEach(() => fake.reset());

describe('an OpenAI-compatible server with its own paths, auth and header rules', () => {
  it('is asked at its chat path with the key in x-api-key, configured headers added and removed ones dropped', async () => {
    const res = await openai.chat.completions.create({ model: 'm-own', messages: [{ role: 'user', content: 'hello' }] });
    expect(res.choices[0]?.message.content).toBe('Cached hello.');
    // Other clients are translated to the same endpoint.
    await anthropic.messages.create({ model: 'm-own', max_tokens: 20, messages: [{ role: 'user', content: 'hello' }] });

    expect(fake.calls.map((c) => `${c.method} ${c.path}`)).toEqual(['POST /qwen/api/chat', 'POST /qwen/api/chat']);
    const [call] = fake.calls;
    expect(call?.headers).toMatchObject({ 'x-api-key': 'sk-qwen-1', 'x-tenant': 'acme', 'x-pass-me': 'yes' });
    expect(call?.headers.authorization).toBeUndefined();
    expect(call?.headers['x-debug-trace']).toBeUndefined();
    expect(call?.headers['x-client-build']).toBeUndefined();
    expect((await logRows(gw))[1]).toMatchObject({ upstreamId: 'own-paths', status: 200, cacheWriteTokens: 1100 });
  });

  it('lists its models at its own path', async () => {
    const res = await fetch(`${gw.url}/admin/api/upstreams/own-paths/sync-models`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(res.status).toBe(200);
    expect(fake.calls.map((c) => [c.path, c.headers['x-api-key']])).toEqual([['/qwen/api/v2/list/models', 'sk-qwen-1']]);
  });

  it('`authHeader: none` sends no credential at all', async () => {
    const stream = await openai.chat.completions.create({ model: 'm-none', messages: [{ role: 'user', content: 'hello' }], stream: true });
    for await (const _ of stream) void _;
    expect(fake.calls.map((c) => c.path)).toEqual(['/moonshot/v1/chat/completions']);
    expect(fake.calls[0]?.headers.authorization).toBeUndefined();
    expect(fake.calls[0]?.headers['x-api-key']).toBeUndefined();
  });

  it('a path that is not one is refused when the config is read, naming the field', async () => {
    const { loadConfig } = await import('../../src/config/load.js');
    const loaded = loadConfig('upstreams:\n  - { id: o, kind: openai, credentials: [ { key: k } ], paths: { chat: "chat?x=1" }, removeHeaders: ["bad header"] }\n', {});
    expect(loaded.ok ? [] : loaded.problems).toEqual(['upstreams[0].paths.chat: must be a path beginning with /', 'upstreams[0].removeHeaders[0]: must be a header name']);
  });
});
