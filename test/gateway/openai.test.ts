import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { FAKE_USAGE, startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { logRows, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';

let fake: FakeUpstream;
let gw: NodeGateway;
let client: OpenAI;
const U = FAKE_USAGE.openai.chat;

beforeAll(async () => {
  fake = await startFakeOpenAI();
  gw = await startTestGateway({ openaiUrl: fake.url });
  client = new OpenAI({ apiKey: TEST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await gw?.close();
  await fake?.close();
});
beforeEach(() => fake.reset());

describe('OpenAI chat completions through the official SDK', () => {
  it('answers a non-streaming request and records the upstream usage exactly', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'gpt-test', messages: [{ role: 'user', content: 'hello there' }] })
      .withResponse();
    expect(data.choices[0].message.content).toBe('echo: hello there');
    expect(data.usage?.prompt_tokens).toBe(U.prompt_tokens);
    expect(response.headers.get('x-switchboard-upstream')).toBe('oai');
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get('x-upstream-request-id')).toMatch(/^req_/);
    expect(response.headers.get('x-ratelimit-limit-requests')).toBeTruthy();

    const row = (await logRows(gw)).find((r) => r.id === requestId)!;
    expect(row).toMatchObject({
      model: 'gpt-test',
      upstreamModel: 'gpt-upstream',
      upstreamId: 'oai',
      credentialId: 'oai#1',
      group: 'team-a',
      status: 200,
      outcome: 'ok',
      stream: false,
      protocol: 'openai-chat',
      inputTokens: U.prompt_tokens - U.prompt_tokens_details.cached_tokens,
      cacheReadTokens: U.prompt_tokens_details.cached_tokens,
      outputTokens: U.completion_tokens,
      reasoningTokens: U.completion_tokens_details.reasoning_tokens,
    });
    expect(row.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('rewrites only the model id, injects the upstream credential and forwards unknown fields and headers', async () => {
    await client.chat.completions.create(
      {
        model: 'gpt-test',
        messages: [{ role: 'developer', content: 'be brief' }, { role: 'user', content: 'hi' }],
        // a field Switchboard does not know must reach the upstream untouched
        ...({ vendor_extension: { nested: [1, 2, 3] } } as object),
      },
      { headers: { 'x-vendor-beta': 'feature-1', 'x-switchboard-metadata': '{"ticket":"T-1"}' } },
    );
    const call = fake.calls.at(-1)!;
    expect(call.body.model).toBe('gpt-upstream');
    expect(call.body.vendor_extension).toEqual({ nested: [1, 2, 3] });
    expect(call.body.messages[0]).toEqual({ role: 'developer', content: 'be brief' });
    expect(call.headers.authorization).toBe('Bearer sk-fake-openai');
    expect(call.headers['x-vendor-beta']).toBe('feature-1');
    expect(call.headers['x-switchboard-metadata']).toBeUndefined();
    expect(JSON.stringify(call.headers)).not.toContain(TEST_KEY);
    const row = (await logRows(gw))[0];
    expect(row.metadata).toEqual({ ticket: 'T-1' });
  });

  it('streams chunks and drops the usage chunk Switchboard asked for when the client did not', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'one two three' }],
      stream: true,
    });
    let text = '';
    let usageChunks = 0;
    let finish: string | null = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usageChunks++;
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(text).toBe('echo: one two three');
    expect(finish).toBe('stop');
    expect(usageChunks).toBe(0);
    expect(fake.calls.at(-1)!.body.stream_options).toEqual({ include_usage: true });
    const row = (await logRows(gw))[0];
    expect(row).toMatchObject({ stream: true, outcome: 'ok', outputTokens: U.completion_tokens, cacheReadTokens: 3 });
    expect(row.ttfbMs).not.toBeNull();
  });

  it('passes the usage chunk on when the client asked for it', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    expect(usage?.total_tokens).toBe(U.total_tokens);
  });

  it('serves embeddings (the SDK asks for base64) and records their tokens', async () => {
    const res = await client.embeddings.create({ model: 'embed-test', input: ['a', 'b'] });
    expect(res.data).toHaveLength(2);
    expect(res.data[0].embedding).toHaveLength(FAKE_USAGE.openai.embeddingDimensions);
    expect(fake.calls.at(-1)!.body.model).toBe('embed-upstream');
    const row = (await logRows(gw))[0];
    expect(row).toMatchObject({ endpoint: 'embeddings', inputTokens: 2 * FAKE_USAGE.openai.embeddingTokensPerInput, outputTokens: 0 });
  });

  it('lists the models this key may use, in OpenAI list shape', async () => {
    const ids = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(['embed-test', 'gpt-context', 'gpt-test', 'mock-model']);
    const one = await client.models.retrieve('gpt-test');
    expect(one).toMatchObject({ id: 'gpt-test', object: 'model' });
  });

  it('passes the upstream context-length error back as OpenAI sent it', async () => {
    const err = await client.chat.completions
      .create({ model: 'gpt-context', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('context_length_exceeded');
    const row = (await logRows(gw))[0];
    expect(row).toMatchObject({ status: 400, outcome: 'upstream_error' });
    expect(row.error).toMatch(/context/i);
  });
});
