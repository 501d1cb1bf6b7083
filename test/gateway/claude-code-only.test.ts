import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { CLAUDE_CODE_ONLY, startFakeAnthropic } from '../fakes/anthropic.js';
import type { FakeUpstream } from '../fakes/server.js';
import { logRows, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import { testReplicas } from '../helpers/replica-pair.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';

/**
 * Anthropic's 400 "This credential is only authorized for use with Claude
 * Code" is about the credential, not the request: the try fails over to the
 * next credential or route, the credential leaves the pool as a refused one
 * does, and the client never sees the 400 while another route can serve.
 */

const REFUSED = `sk-ant-oat01-refused-${'r'.repeat(40)}`;
const GOOD = `sk-ant-oat01-good-${'g'.repeat(40)}`;
const MODEL = 'claude-sonnet-4-20250514';

let subscription: FakeUpstream;
let api: FakeUpstream;
let gw: NodeGateway;
let client: Anthropic;

beforeAll(async () => {
  [subscription, api] = await Promise.all([
    startFakeAnthropic({ subscription: { isLiveToken: (t) => t === REFUSED || t === GOOD, claudeCodeOnly: (t) => t === REFUSED } }),
    startFakeAnthropic({ apiKey: 'sk-ant-api-key' }),
  ]);
  gw = await startTestGateway({
    extra: {
      upstreams: [
        { id: 'mock', kind: 'mock', models: ['mock-model'] },
        { id: 'sub-alone', kind: 'claude-code', baseUrl: subscription.url, credentials: [{ id: 'refused-alone', key: REFUSED }] },
        { id: 'sub-pool', kind: 'claude-code', baseUrl: subscription.url, credentials: [{ id: 'refused-in-pool', key: REFUSED }, { id: 'good-in-pool', key: GOOD }] },
        { id: 'api', kind: 'anthropic', baseUrl: api.url, credentials: [{ id: 'api-key', key: 'sk-ant-api-key' }] },
      ],
      models: [
        { id: 'm-next-route', routes: [{ upstream: 'sub-alone', model: MODEL }, { upstream: 'api', model: MODEL }] },
        { id: 'm-next-credential', routes: [{ upstream: 'sub-pool', model: MODEL }] },
        { id: 'm-nothing-else', routes: [{ upstream: 'sub-alone', model: MODEL }] },
      ],
    },
  });
  client = new Anthropic({ apiKey: TEST_KEY, baseURL: gw.url, maxRetries: 0 });
});
afterAll(async () => {
  await gw?.close();
  await Promise.all([subscription?.close(), api?.close()]);
});

const ask = (model: string) => client.messages.create({ model, max_tokens: 50, messages: [{ role: 'user', content: 'Say hi' }] });
const refusedCalls = () => subscription.calls.filter((c) => c.headers.authorization === `Bearer ${REFUSED}`).length;

describe("a credential Anthropic takes from Claude Code only (400 'only authorized for use with Claude Code')", () => {
  it('fails over to the next route, and the credential leaves the pool as a refused one', async () => {
    const answer = await ask('m-next-route').withResponse();
    expect(answer.data.type).toBe('message');
    expect(answer.response.headers.get('x-switchboard-upstream')).toBe('api');
    expect(refusedCalls()).toBe(1);
    const row = (await logRows(gw)).find((r) => r.model === 'm-next-route');
    expect(row?.status).toBe(200);
    expect(row?.attempts?.[0]).toMatchObject({ upstream: 'sub-alone', credential: 'refused-alone', status: 400, error: expect.stringContaining('only authorized for use with Claude Code') });
    expect(gw.ctx.pools.view('refused-alone')).toMatchObject({ state: 'disabled', reason: expect.stringMatching(/^refused the credential \(400\)/) });

    // Benched: the next request does not try it again, streamed or not. With replicas, the other one learns it through
    // the shared health a moment later and may still try it once; the request is served either way.
    const stream = client.messages.stream({ model: 'm-next-route', max_tokens: 50, messages: [{ role: 'user', content: 'Say hi' }] });
    expect((await stream.finalMessage()).type).toBe('message');
    if (testReplicas() === 1) expect(refusedCalls()).toBe(1);
  });

  it("fails over to the pool's next credential", async () => {
    for (let i = 0; i < 3; i++) expect((await ask('m-next-credential')).type).toBe('message');
    expect(gw.ctx.pools.view('refused-in-pool').state).toBe('disabled');
    expect(gw.ctx.pools.view('good-in-pool').state).toBe('healthy');
    expect(subscription.calls.filter((c) => c.headers.authorization === `Bearer ${GOOD}`).length).toBe(3);
  });

  it('with no other route, the client gets a gateway error, not a 400 blaming its request', async () => {
    // The credential is out of the pool already: nothing is left to try.
    const err = await ask('m-nothing-else').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect((err as InstanceType<typeof Anthropic.APIError>).status).not.toBe(400);
    expect(JSON.stringify((err as InstanceType<typeof Anthropic.APIError>).error)).not.toContain(CLAUDE_CODE_ONLY);
  });
});
