import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import { startFakeAnthropic, startFakeGemini, startFakeOpenAI, type FakeCall, type FakeUpstream } from '../fakes/index.js';
import { geminiError } from '../fakes/gemini.js';
import { ADMIN_KEY, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';

// What a client writes must not read as what the upstream said about the credential: an error body that
// echoes the client's prompt ("insufficient_quota", "credit balance is too low") or a 403 about the
// model leaves every credential in the pool; the vendors' real quota and key errors still take it out.
const OAI_KEYS = ['sk-oai-one-1111', 'sk-oai-two-2222'];
const ANT_KEYS = ['sk-ant-one-1111', 'sk-ant-two-2222'];
const GEM_KEYS = ['gem-key-one', 'gem-key-two'];
const BAIT = 'Error: insufficient_quota. Your credit balance is too low to access the Anthropic API. billing_error API_KEY_INVALID';

let oai: FakeUpstream;
let ant: FakeUpstream;
let gem: FakeUpstream;
let gw: NodeGateway;
let openai: OpenAI;
let anthropic: Anthropic;
let gemini: GoogleGenAI;

beforeAll(async () => {
  [oai, ant, gem] = await Promise.all([startFakeOpenAI({ apiKeys: OAI_KEYS }), startFakeAnthropic({ apiKeys: ANT_KEYS }), startFakeGemini({ apiKeys: GEM_KEYS })]);
  gw = await startTestGateway({
    extra: {
      upstreams: [
        { id: 'oai', kind: 'openai', baseUrl: `${oai.url}/v1`, credentials: OAI_KEYS.map((key, i) => ({ id: `oai-${i + 1}`, key })) },
        { id: 'ant', kind: 'anthropic', baseUrl: ant.url, credentials: ANT_KEYS.map((key, i) => ({ id: `ant-${i + 1}`, key })) },
        { id: 'gem', kind: 'gemini', baseUrl: gem.url, credentials: GEM_KEYS.map((key, i) => ({ id: `gem-${i + 1}`, key })) },
      ],
      models: [
        { id: 'gpt', routes: [{ upstream: 'oai', model: 'gpt-upstream' }] },
        { id: 'claude', routes: [{ upstream: 'ant', model: 'claude-upstream' }] },
        { id: 'gem', routes: [{ upstream: 'gem', model: 'gemini-2.5-flash' }] },
      ],
      retry: { backoffMs: 1, maxAttempts: 4 },
      health: { probeIntervalMs: 0 },
    },
  });
  openai = new OpenAI({ apiKey: TEST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  anthropic = new Anthropic({ apiKey: TEST_KEY, baseURL: gw.url, maxRetries: 0 });
  gemini = new GoogleGenAI({ apiKey: TEST_KEY, httpOptions: { baseUrl: gw.url } });
});
afterAll(async () => {
  await gw?.close();
  await Promise.all([oai?.close(), ant?.close(), gem?.close()]);
});
beforeEach(() => {
  for (const fake of [oai, ant, gem]) fake.reset();
  gw.ctx.pools.resetAll(Date.now());
  for (const id of ['oai', 'ant', 'gem']) gw.ctx.catalog.current().upstreams.get(id)!.cursor = 0;
});

/** Each credential's state, as the admin API reports it. */
async function states(upstream: string): Promise<Record<string, string>> {
  const res = await fetch(`${gw.url}/admin/api/upstreams/${upstream}/health`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  const body = (await res.json()) as { credentials: { id: string; state: string }[] };
  return Object.fromEntries(body.credentials.map((c) => [c.id, c.state]));
}

const withKey = (header: string, key: string) => (call: FakeCall) => String(call.headers[header] ?? '').replace('Bearer ', '') === key;
const caught = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);

describe('a client cannot bench a credential', () => {
  it('an OpenAI 400 that echoes the prompt leaves both credentials enabled', async () => {
    const echo = { error: { message: `Invalid 'messages[0].content': ${BAIT}`, type: 'invalid_request_error', param: 'messages[0].content', code: 'invalid_value' } };
    oai.failNext({ kind: 'status', status: 400, body: echo }, 4);
    for (let i = 0; i < 2; i++) {
      const err = await caught(openai.chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: BAIT }] }));
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    }
    expect(await states('oai')).toEqual({ 'oai-1': 'healthy', 'oai-2': 'healthy' });
  });

  it('an Anthropic 400 that echoes the prompt, passed through or translated, leaves both credentials enabled', async () => {
    const echo = { type: 'error', error: { type: 'invalid_request_error', message: `messages.0.content.0.text: unexpected text "${BAIT}"` } };
    ant.failNext({ kind: 'status', status: 400, body: echo }, 4);
    const err = await caught(anthropic.messages.create({ model: 'claude', max_tokens: 10, messages: [{ role: 'user', content: BAIT }] }));
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    const translated = await caught(openai.chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: BAIT }] }));
    expect(translated).toBeInstanceOf(OpenAI.BadRequestError);
    expect(ant.calls).toHaveLength(2);
    expect(await states('ant')).toEqual({ 'ant-1': 'healthy', 'ant-2': 'healthy' });
  });

  it('a Gemini 400 that echoes the prompt leaves both credentials enabled', async () => {
    gem.failNext({ kind: 'status', status: 400, body: geminiError(400, `Invalid value at 'contents[0].parts[0].text' (${BAIT})`) }, 4);
    const err = await caught(gemini.models.generateContent({ model: 'gem', contents: BAIT }));
    expect((err as { status?: number }).status).toBe(400);
    expect(await states('gem')).toEqual({ 'gem-1': 'healthy', 'gem-2': 'healthy' });
  });

  it('a 403 about the model keeps the credential; a 403 about the key disables it', async () => {
    oai.failNext({
      kind: 'status',
      status: 403,
      body: { error: { message: 'Project `proj_abc` does not have access to model `gpt-upstream`', type: 'invalid_request_error', param: null, code: 'model_not_found' } },
    });
    expect(await caught(openai.chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'hi' }] }))).toBeInstanceOf(OpenAI.PermissionDeniedError);
    ant.failNext({ kind: 'status', status: 403, body: { type: 'error', error: { type: 'permission_error', message: 'Your organization does not have access to the model claude-upstream.' } } });
    expect(await caught(anthropic.messages.create({ model: 'claude', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }))).toBeInstanceOf(
      Anthropic.PermissionDeniedError,
    );
    expect(oai.calls).toHaveLength(1);
    expect(await states('oai')).toEqual({ 'oai-1': 'healthy', 'oai-2': 'healthy' });
    expect(await states('ant')).toEqual({ 'ant-1': 'healthy', 'ant-2': 'healthy' });

    // The fake's default 403 is Anthropic's about the key: the first credential goes, the second serves.
    gw.ctx.catalog.current().upstreams.get('ant')!.cursor = 0;
    ant.failNext({ kind: 'status', status: 403 }, 1, withKey('x-api-key', ANT_KEYS[0]));
    const answer = await anthropic.messages.create({ model: 'claude', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    expect(answer.content[0]).toMatchObject({ type: 'text', text: 'echo: hi' });
    expect(await states('ant')).toEqual({ 'ant-1': 'disabled', 'ant-2': 'healthy' });
  });

  it('the real quota errors still disable: OpenAI insufficient_quota 429, Anthropic credit balance 400, a 402', async () => {
    oai.failNext(
      {
        kind: 'status',
        status: 429,
        body: { error: { message: 'You exceeded your current quota, please check your plan and billing details.', type: 'insufficient_quota', param: null, code: 'insufficient_quota' } },
      },
      1,
      withKey('authorization', OAI_KEYS[0]),
    );
    expect((await openai.chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'hi' }] })).choices[0].message.content).toBe('echo: hi');
    expect(await states('oai')).toEqual({ 'oai-1': 'disabled', 'oai-2': 'healthy' });

    ant.failNext(
      {
        kind: 'status',
        status: 400,
        body: { type: 'error', error: { type: 'invalid_request_error', message: 'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.' } },
      },
      1,
      withKey('x-api-key', ANT_KEYS[0]),
    );
    await anthropic.messages.create({ model: 'claude', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    expect(await states('ant')).toEqual({ 'ant-1': 'disabled', 'ant-2': 'healthy' });

    gem.failNext({ kind: 'status', status: 402, body: geminiError(402, 'Payment required.') }, 1, withKey('x-goog-api-key', GEM_KEYS[0]));
    await gemini.models.generateContent({ model: 'gem', contents: 'hi' });
    expect(await states('gem')).toEqual({ 'gem-1': 'disabled', 'gem-2': 'healthy' });
  });

  it("Gemini's 429 RESOURCE_EXHAUSTED cools the credential until its RetryInfo delay, and a wrong key disables it", async () => {
    const before = Date.now();
    const exhausted = geminiError(429, 'Resource has been exhausted (e.g. check quota).', [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '36s' }]);
    gem.failNext({ kind: 'status', status: 429, body: exhausted }, 1, withKey('x-goog-api-key', GEM_KEYS[0]));
    await gemini.models.generateContent({ model: 'gem', contents: 'hi' });
    const res = await fetch(`${gw.url}/admin/api/upstreams/gem/health`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    const cooled = ((await res.json()) as { credentials: { id: string; state: string; until: number | null }[] }).credentials.find((c) => c.id === 'gem-1')!;
    expect(cooled.state).toBe('cooling');
    expect(cooled.until! - before).toBeGreaterThanOrEqual(35_000);
    expect(cooled.until! - before).toBeLessThan(40_000);

    gw.ctx.pools.resetAll(Date.now());
    gw.ctx.catalog.current().upstreams.get('gem')!.cursor = 0;
    gem.failNext({ kind: 'status', status: 400, body: JSON.parse(BAD_KEY) }, 1, withKey('x-goog-api-key', GEM_KEYS[0]));
    await gemini.models.generateContent({ model: 'gem', contents: 'hi' });
    expect(await states('gem')).toEqual({ 'gem-1': 'disabled', 'gem-2': 'healthy' });
  });
});

const BAD_KEY = JSON.stringify(
  geminiError(400, 'API key not valid. Please pass a valid API key.', [
    { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com', metadata: { service: 'generativelanguage.googleapis.com' } },
  ]),
);
