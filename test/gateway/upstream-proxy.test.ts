import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { startFakeOllama } from '../fakes/ollama.js';
import { startTestProxy, type TestProxy } from '../helpers/http-proxy.js';
import { ADMIN_KEY, logRows, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';

const PASSWORD = 'pr0xy-s3cret';
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

let fake: FakeUpstream;
let ollama: FakeUpstream;
let proxy: TestProxy;
let wrongPassword: TestProxy;
let refusing: TestProxy;
let deadProxyUrl: string;
let gw: NodeGateway;
let openai: OpenAI;
let anthropic: Anthropic;
const logs: string[] = [];

beforeAll(async () => {
  [fake, ollama, proxy, wrongPassword, refusing] = await Promise.all([startFakeOpenAI(), startFakeOllama(), startTestProxy(), startTestProxy(), startTestProxy()]);
  proxy.requireAuth('alice', PASSWORD);
  wrongPassword.requireAuth('alice', 'another-password');
  refusing.refuseConnect(502);
  // A port that was listening a moment ago and no longer is: connections to it are refused.
  const gone = await startTestProxy();
  deadProxyUrl = `http://alice:${PASSWORD}@127.0.0.1:${gone.port}`;
  await gone.close();

  const upstream = (id: string, proxyUrl: string) => ({
    id,
    kind: 'openai',
    baseUrl: `${fake.url}/v1`,
    proxy: proxyUrl,
    credentials: [{ id: `${id}-key`, key: 'sk-fake-openai' }],
  });
  gw = await startTestGateway({
    log: (line) => logs.push(line),
    extra: {
      upstreams: [
        upstream('via-proxy', `http://alice:${PASSWORD}@127.0.0.1:${proxy.port}`),
        upstream('wrong-password', `http://alice:${PASSWORD}@127.0.0.1:${wrongPassword.port}`),
        upstream('refusing', `http://alice:${PASSWORD}@127.0.0.1:${refusing.port}`),
        upstream('dead-proxy', deadProxyUrl),
        { id: 'direct', kind: 'openai', baseUrl: `${fake.url}/v1`, credentials: [{ id: 'direct-key', key: 'sk-fake-openai' }] },
        { id: 'ollama-via-proxy', kind: 'ollama', baseUrl: ollama.url, proxy: `http://alice:${PASSWORD}@127.0.0.1:${proxy.port}` },
      ],
      models: [
        { id: 'm-proxy', routes: [{ upstream: 'via-proxy', model: 'gpt-4o' }] },
        { id: 'm-wrong-password', routes: [{ upstream: 'wrong-password', model: 'gpt-4o' }] },
        { id: 'm-refusing', routes: [{ upstream: 'refusing', model: 'gpt-4o' }] },
        { id: 'm-dead-then-direct', routes: [{ upstream: 'dead-proxy', model: 'gpt-4o' }, { upstream: 'direct', model: 'gpt-4o' }] },
        { id: 'm-ollama', routes: [{ upstream: 'ollama-via-proxy', model: 'llama3.2:latest' }] },
      ],
      // One upstream failure would cool a credential: a proxy failure must not.
      health: { failuresBeforeCooling: 1 },
      retry: { maxAttempts: 3 },
    },
  });
  openai = new OpenAI({ apiKey: TEST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  anthropic = new Anthropic({ apiKey: TEST_KEY, baseURL: gw.url, maxRetries: 0 });
});
afterAll(async () => {
  await gw?.close();
  await Promise.all([fake?.close(), ollama?.close(), proxy?.close(), wrongPassword?.close(), refusing?.close()]);
});
beforeEach(() => {
  fake.reset();
  ollama.reset();
  for (const p of [proxy, wrongPassword, refusing]) p.seen.length = 0;
});

const health = (id: string) => gw.ctx.pools.view(id);

describe('an upstream with a proxy', () => {
  it('sends its requests through a CONNECT tunnel, with the URL credentials as Proxy-Authorization only to the proxy', async () => {
    const res = await openai.chat.completions.create({ model: 'm-proxy', messages: [{ role: 'user', content: 'hello' }] });
    expect(res.choices[0]?.message.content?.length).toBeGreaterThan(0);
    const stream = await openai.chat.completions.create({ model: 'm-proxy', messages: [{ role: 'user', content: 'hello' }], stream: true });
    for await (const _ of stream) void _;

    const origin = new URL(fake.url).host;
    expect(proxy.seen.length).toBeGreaterThanOrEqual(1);
    expect(proxy.seen.every((s) => s.method === 'CONNECT' && s.target === origin && s.proxyAuthorization === basic('alice', PASSWORD))).toBe(true);
    // The upstream got both requests (through the tunnel), never the proxy's credentials.
    expect(fake.calls.map((c) => c.path)).toEqual(['/v1/chat/completions', '/v1/chat/completions']);
    expect(fake.calls.every((c) => c.headers['proxy-authorization'] === undefined && c.headers.authorization === 'Bearer sk-fake-openai')).toBe(true);
    const [streamed, whole] = await logRows(gw);
    expect(whole).toMatchObject({ upstreamId: 'via-proxy', status: 200, attempts: null });
    expect(streamed).toMatchObject({ upstreamId: 'via-proxy', status: 200, stream: true });
  });

  it('reaches an http Ollama server through it too (an Anthropic client, passed through)', async () => {
    await anthropic.messages.create({ model: 'm-ollama', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] });
    expect(proxy.seen.map((s) => [s.method, s.target])).toEqual([['CONNECT', new URL(ollama.url).host]]);
    expect(ollama.calls.map((c) => c.path)).toEqual(['/v1/messages']);
  });

  it('a proxy refusing its credentials (407) fails the try as a proxy failure; the credential stays healthy and the password is never shown', async () => {
    const err = await openai.chat.completions.create({ model: 'm-wrong-password', messages: [{ role: 'user', content: 'hello' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect(wrongPassword.seen).toHaveLength(1); // one try: the pool's other credentials would go through the same proxy
    expect(fake.calls).toHaveLength(0);
    const [row] = await logRows(gw);
    expect(row).toMatchObject({ upstreamId: 'wrong-password', status: 502 });
    expect(row?.attempts).toHaveLength(1);
    expect(row?.attempts?.[0]?.error).toMatch(/^proxy http:\/\/\*\*\*@127\.0\.0\.1:\d+ refused the tunnel: answered 407/);
    expect(JSON.stringify(row)).not.toContain(PASSWORD);
    expect(health('wrong-password-key')).toMatchObject({ state: 'healthy', stats: expect.objectContaining({ failuresInARow: 0 }) });
  });

  it('a proxy that cannot reach the upstream (502 to CONNECT) is a proxy failure, not the upstream answering 502', async () => {
    const err = await openai.chat.completions.create({ model: 'm-refusing', messages: [{ role: 'user', content: 'hello' }] }).catch((e: unknown) => e);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    const [row] = await logRows(gw);
    expect(row?.attempts?.[0]).toMatchObject({ status: null, error: expect.stringMatching(/refused the tunnel: answered 502$/) });
    expect(health('refusing-key').state).toBe('healthy');
  });

  it('a dead proxy fails over to the next route; its credential is not cooled', async () => {
    const res = await openai.chat.completions.create({ model: 'm-dead-then-direct', messages: [{ role: 'user', content: 'hello' }] });
    expect(res.choices[0]?.message.content?.length).toBeGreaterThan(0);
    const [row] = await logRows(gw);
    expect(row).toMatchObject({ upstreamId: 'direct', status: 200 });
    expect(row?.attempts?.map((a) => [a.upstream, a.status])).toEqual([
      ['dead-proxy', null],
      ['direct', 200],
    ]);
    expect(row?.attempts?.[0]?.error).toMatch(/^proxy http:\/\/\*\*\*@127\.0\.0\.1:\d+ cannot be reached: ECONNREFUSED$/);
    expect(health('dead-proxy-key').state).toBe('healthy');
    expect(logs.join('\n')).not.toContain(PASSWORD);
  });

  it('the admin API shows the proxy with its user and password masked, and a PATCH sending the masked form back keeps the stored one', async () => {
    const admin = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' };
    const shown = (await (await fetch(`${gw.url}/admin/api/upstreams/via-proxy`, { headers: admin })).json()) as { settings: { proxy: string } };
    expect(shown.settings.proxy).toBe(`http://***@127.0.0.1:${proxy.port}`);
    const stored = async () => (await gw.ctx.store.upstreams.list()).find((u) => u.id === 'via-proxy')?.settings?.proxy;
    const fullUrl = `http://alice:${PASSWORD}@127.0.0.1:${proxy.port}`;

    // The exported config masks it too, and importing that document back keeps the stored password.
    const exported = await (await fetch(`${gw.url}/admin/api/config`, { headers: admin })).text();
    expect(exported).toContain(`http://***@127.0.0.1:${proxy.port}`);
    expect(exported).not.toContain(PASSWORD);
    const imported = await fetch(`${gw.url}/admin/api/config`, { method: 'POST', headers: admin, body: exported });
    expect(imported.status).toBe(200);
    expect(await stored()).toBe(fullUrl);

    const patched = await fetch(`${gw.url}/admin/api/upstreams/via-proxy`, { method: 'PATCH', headers: admin, body: JSON.stringify({ proxy: shown.settings.proxy }) });
    expect(patched.status).toBe(200);
    expect(await stored()).toBe(fullUrl);
    await openai.chat.completions.create({ model: 'm-proxy', messages: [{ role: 'user', content: 'hello' }] });
    expect(fake.calls).toHaveLength(1);
  });
});
