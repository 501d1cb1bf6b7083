import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { ADMIN_KEY, startTestGateway } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';

/**
 * POST /admin/api/playground through the real server: a request sent as a
 * client of one shape, with both sides of the wire captured; the upstream
 * side shows the translated body the gateway sent, credentials masked.
 */

let oai: FakeUpstream;
let gw: NodeGateway;

async function adminCall(method: string, path: string, body?: unknown) {
  const res = await fetch(`${gw.url}/admin/api${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

beforeAll(async () => {
  oai = await startFakeOpenAI();
  gw = await startTestGateway({ openaiUrl: oai.url });
});
afterAll(async () => {
  await gw?.close();
  await oai?.close();
});

describe('POST /admin/api/playground', () => {
  it('sends an Anthropic Messages request to an OpenAI Chat upstream and shows the translated upstream exchange', async () => {
    const run = await adminCall('POST', '/playground', {
      shape: 'anthropic-messages',
      model: 'gpt-test',
      stream: false,
      body: { max_tokens: 50, system: 'Be brief.', messages: [{ role: 'user', content: 'hello from the playground' }] },
    });
    expect(run.status).toBe(200);
    const { client, upstream, row, key } = run.body;
    expect(key).toEqual({ id: 'playground', name: 'playground' });
    // The client side: what an Anthropic client sent and got back.
    expect(client.request.url).toBe('/v1/messages');
    expect(JSON.parse(client.request.body)).toMatchObject({ model: 'gpt-test', system: 'Be brief.' });
    expect(client.response.status).toBe(200);
    expect(JSON.parse(client.response.chunks.map((c: { text: string }) => c.text).join(''))).toMatchObject({ type: 'message', role: 'assistant' });
    // The upstream side: the same conversation as OpenAI Chat, under the upstream's model id, its key masked.
    expect(upstream).toHaveLength(1);
    const [sent] = upstream;
    expect(sent.request.url).toBe(`${oai.url}/v1/chat/completions`);
    const body = JSON.parse(sent.request.body);
    expect(body.model).toBe('gpt-upstream');
    expect(body.messages).toEqual(expect.arrayContaining([expect.objectContaining({ role: 'system' }), expect.objectContaining({ role: 'user' })]));
    expect(JSON.stringify(sent.request.headers)).not.toContain('sk-fake-openai');
    expect(sent.request.headers.authorization).toMatch(/^Bearer …/);
    expect(sent.response.status).toBe(200);
    expect(JSON.parse(sent.response.chunks.map((c: { text: string }) => c.text).join(''))).toMatchObject({ object: 'chat.completion' });
    // What the upstream really got carried the real key: only the capture is masked.
    expect(oai.calls.at(-1)?.headers.authorization).toBe('Bearer sk-fake-openai');
    // The usage row it made, recorded as the playground's.
    expect(row).toMatchObject({ keyId: 'playground', group: 'playground', model: 'gpt-test', status: 200, translation: 'anthropic-messages -> openai-chat' });
    expect(row.inputTokens).toBeGreaterThan(0);
    expect(row.metadata).toEqual({ playground: true });
  });

  it('streams as a picked key: the client and upstream frames as they arrived', async () => {
    const keys = await adminCall('GET', '/keys');
    const tester = keys.body.data.find((k: { name: string }) => k.name === 'tester');
    const run = await adminCall('POST', '/playground', {
      shape: 'openai-chat',
      model: 'gpt-test',
      stream: true,
      key: tester.id,
      body: { messages: [{ role: 'user', content: 'stream please' }], stream_options: { include_usage: true } },
    });
    expect(run.status).toBe(200);
    const { client, upstream, row } = run.body;
    const clientText = client.response.chunks.map((c: { text: string }) => c.text).join('');
    expect(clientText).toContain('data: ');
    expect(clientText).toContain('[DONE]');
    expect(client.response.headers['content-type']).toContain('text/event-stream');
    expect(upstream[0].response.chunks.length).toBeGreaterThan(0);
    expect(upstream[0].response.ended).toBe(true);
    expect(row).toMatchObject({ keyId: tester.id, stream: true, status: 200 });
  });

  it('refuses an unknown key and a bad shape in the admin shape', async () => {
    expect((await adminCall('POST', '/playground', { shape: 'openai-chat', model: 'gpt-test', key: 'nope', body: {} })).status).toBe(400);
    expect((await adminCall('POST', '/playground', { shape: 'smoke-signals', model: 'gpt-test', body: {} })).status).toBe(400);
  });
});
