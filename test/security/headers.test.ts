import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { startFakeAnthropic, startFakeGemini, startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { logRows, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { configSchema } from '../../src/config/schema.js';

/**
 * Which headers cross the gateway in each direction. The fakes record every
 * header they receive, and answer with the vendors' account headers
 * (`openai-organization`, `anthropic-organization-id`).
 */
const HELD_BACK = {
  'openai-organization': 'org-client-chosen',
  'openai-project': 'proj_client_chosen',
  'x-forwarded-for': '203.0.113.7, 10.0.0.1',
  'x-real-ip': '203.0.113.7',
  forwarded: 'for=203.0.113.7;proto=https',
  'true-client-ip': '203.0.113.7',
  'cf-connecting-ip': '203.0.113.7',
  'x-client-ip': '203.0.113.7',
};

let oai: FakeUpstream;
let oaiOpen: FakeUpstream;
let ant: FakeUpstream;
let gem: FakeUpstream;
let gw: NodeGateway;

beforeAll(async () => {
  [oai, oaiOpen, ant, gem] = await Promise.all([startFakeOpenAI(), startFakeOpenAI(), startFakeAnthropic(), startFakeGemini()]);
  gw = await startTestGateway({
    extra: {
      upstreams: [
        { id: 'oai', kind: 'openai', baseUrl: `${oai.url}/v1`, credentials: [{ key: 'sk-fake-openai' }] },
        // This one lets a client choose the organization and passes its address on.
        { id: 'oai-open', kind: 'openai', baseUrl: `${oaiOpen.url}/v1`, credentials: [{ key: 'sk-fake-openai' }], forwardClientHeaders: ['openai-organization', 'x-forwarded-for'] },
        { id: 'ant', kind: 'anthropic', baseUrl: ant.url, credentials: [{ key: 'sk-ant-fake' }] },
        { id: 'gem', kind: 'gemini', baseUrl: gem.url, credentials: [{ key: 'fake-gemini-key' }] },
      ],
      models: [
        { id: 'gpt-test', routes: [{ upstream: 'oai', model: 'gpt-upstream' }] },
        { id: 'gpt-open', routes: [{ upstream: 'oai-open', model: 'gpt-upstream' }] },
        { id: 'claude-test', routes: [{ upstream: 'ant', model: 'claude-upstream' }] },
        { id: 'gemini-test', routes: [{ upstream: 'gem', model: 'gemini-2.5-flash' }] },
      ],
    },
  });
});
afterAll(async () => {
  await gw?.close();
  await Promise.all([oai?.close(), oaiOpen?.close(), ant?.close(), gem?.close()]);
});
beforeEach(() => {
  for (const fake of [oai, oaiOpen, ant, gem]) fake.reset();
});

const chatBody = (model: string) => JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] });

describe('client headers the upstream does not get', () => {
  it('organization, project and client-address headers stop at the gateway; other headers pass', async () => {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_KEY}`, 'x-custom-beta': 'on', ...HELD_BACK },
      body: chatBody('gpt-test'),
    });
    expect(res.status).toBe(200);
    const received = oai.calls[0]!.headers;
    for (const name of Object.keys(HELD_BACK)) expect(received[name], name).toBeUndefined();
    expect(received['x-custom-beta']).toBe('on');
    expect(received.authorization).toBe('Bearer sk-fake-openai');
  });

  it('an upstream whose forwardClientHeaders names them gets exactly those', async () => {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_KEY}`, ...HELD_BACK },
      body: chatBody('gpt-open'),
    });
    expect(res.status).toBe(200);
    const received = oaiOpen.calls[0]!.headers;
    expect(received['openai-organization']).toBe('org-client-chosen');
    expect(received['x-forwarded-for']).toBe('203.0.113.7, 10.0.0.1');
    expect(received['openai-project']).toBeUndefined();
    expect(received['x-real-ip']).toBeUndefined();
  });

  it('the same for token counting', async () => {
    const res = await fetch(`${gw.url}/v1/messages/count_tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': TEST_KEY, 'anthropic-version': '2023-06-01', 'anthropic-organization-id': 'client-org', ...HELD_BACK },
      body: JSON.stringify({ model: 'claude-test', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    const received = ant.calls[0]!.headers;
    for (const name of [...Object.keys(HELD_BACK), 'anthropic-organization-id']) expect(received[name], name).toBeUndefined();
  });

  it('a setting that names a header it may not let through is a config error', () => {
    const parsed = configSchema.safeParse({ upstreams: [{ id: 'x', kind: 'openai', forwardClientHeaders: ['authorization'] }] });
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toMatch(/must be one of openai-organization/);
  });
});

describe('upstream headers the client does not get', () => {
  it("OpenAI's organization and project stay here; request ids, rate limits and timings pass", async () => {
    const { response } = await new OpenAI({ apiKey: TEST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 }).chat.completions
      .create({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(response.headers.get('openai-organization')).toBeNull();
    expect(response.headers.get('openai-processing-ms')).toBe('35');
    expect(response.headers.get('x-upstream-request-id')).toMatch(/^req_/);

    // an error answer too, with a project header
    oai.failNext({ kind: 'status', status: 400, headers: { 'openai-project': 'proj_gateway' } });
    const failed = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_KEY}` },
      body: chatBody('gpt-test'),
    });
    expect(failed.status).toBe(400);
    expect(failed.headers.get('openai-project')).toBeNull();
    expect(failed.headers.get('openai-organization')).toBeNull();
  });

  it("Anthropic's organization id stays here; its rate-limit headers pass", async () => {
    const { response } = await new Anthropic({ apiKey: TEST_KEY, baseURL: gw.url, maxRetries: 0 }).messages
      .create({ model: 'claude-test', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(response.headers.get('anthropic-organization-id')).toBeNull();
    expect(response.headers.get('anthropic-ratelimit-requests-limit')).toBe('4000');
    expect(response.headers.get('request-id')).toMatch(/^req_/);
  });
});

describe('a client key in the URL', () => {
  it('is accepted on Gemini paths, and neither forwarded upstream nor recorded', async () => {
    const res = await fetch(`${gw.url}/v1beta/models/gemini-test:generateContent?key=${TEST_KEY}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }),
    });
    expect(res.status).toBe(200);
    const call = gem.calls[0]!;
    expect(call.path).not.toContain('key=');
    expect(JSON.stringify(call)).not.toContain(TEST_KEY);
    expect(call.headers['x-goog-api-key']).toBe('fake-gemini-key');
    const models = await fetch(`${gw.url}/v1beta/models?key=${TEST_KEY}`);
    expect(models.status).toBe(200);
    expect(JSON.stringify(await logRows(gw))).not.toContain(TEST_KEY);
  });

  it('is refused on OpenAI and Anthropic paths, in their shapes, saying why', async () => {
    const openai = await fetch(`${gw.url}/v1/chat/completions?key=${TEST_KEY}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: chatBody('gpt-test') });
    expect(openai.status).toBe(401);
    expect((await openai.json()).error).toMatchObject({ code: 'invalid_api_key', message: expect.stringContaining('accepted only on Gemini paths') });

    const anthropic = await fetch(`${gw.url}/v1/messages?key=${TEST_KEY}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-test', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(anthropic.status).toBe(401);
    expect(await anthropic.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });

    const embeddings = await fetch(`${gw.url}/v1/embeddings?key=${TEST_KEY}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-test', input: 'hi' }),
    });
    expect(embeddings.status).toBe(401);
    expect(oai.calls).toHaveLength(0);
    expect(ant.calls).toHaveLength(0);
  });
});
