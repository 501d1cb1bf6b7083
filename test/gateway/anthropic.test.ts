import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { FAKE_USAGE, startFakeAnthropic, type FakeUpstream } from '../fakes/index.js';
import { logRows, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';

let fake: FakeUpstream;
let gw: NodeGateway;
let client: Anthropic;
const U = FAKE_USAGE.anthropic.messages;

beforeAll(async () => {
  fake = await startFakeAnthropic();
  gw = await startTestGateway({ anthropicUrl: fake.url });
  client = new Anthropic({ apiKey: TEST_KEY, baseURL: gw.url, maxRetries: 0 });
});
afterAll(async () => {
  await gw?.close();
  await fake?.close();
});
beforeEach(() => fake.reset());

describe('Anthropic messages through the official SDK', () => {
  it('answers a non-streaming request and records usage apart (cache read and write)', async () => {
    const { data, response } = await client.messages
      .create({ model: 'claude-test', max_tokens: 64, messages: [{ role: 'user', content: 'hello' }] })
      .withResponse();
    expect(data.content[0]).toMatchObject({ type: 'text', text: 'echo: hello' });
    expect(data.usage.input_tokens).toBe(U.input_tokens);
    expect(response.headers.get('request-id')).toMatch(/^req_/);
    const row = (await logRows(gw)).find((r) => r.id === response.headers.get('x-request-id'))!;
    expect(row).toMatchObject({
      protocol: 'anthropic-messages',
      model: 'claude-test',
      upstreamModel: 'claude-upstream',
      status: 200,
      outcome: 'ok',
      inputTokens: U.input_tokens,
      outputTokens: U.output_tokens,
      cacheReadTokens: U.cache_read_input_tokens,
      cacheWriteTokens: U.cache_creation_input_tokens,
      reasoningTokens: 0,
    });
  });

  it('forwards anthropic-version, anthropic-beta and unknown content blocks untouched, with the upstream key', async () => {
    await client.beta.messages.create({
      model: 'claude-test',
      max_tokens: 32,
      betas: ['some-future-beta-2099-01-01'],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'hi', cache_control: { type: 'ephemeral' } },
            { type: 'future_block', payload: 42 } as never,
          ],
        },
      ],
    });
    const call = fake.calls.at(-1)!;
    expect(call.headers['anthropic-beta']).toBe('some-future-beta-2099-01-01');
    expect(call.headers['anthropic-version']).toBe('2023-06-01');
    expect(call.headers['x-api-key']).toBe('sk-ant-fake');
    expect(call.body.model).toBe('claude-upstream');
    expect(call.body.messages[0].content[1]).toEqual({ type: 'future_block', payload: 42 });
    expect(call.body.messages[0].content[0].cache_control).toEqual({ type: 'ephemeral' });
  });

  it('streams the exact event sequence and records usage from message_start and message_delta', async () => {
    const stream = client.messages.stream({
      model: 'claude-test',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'stream me please' }],
    });
    const events: string[] = [];
    stream.on('streamEvent', (e) => events.push(e.type));
    const final = await stream.finalMessage();
    expect(final.content[0]).toMatchObject({ type: 'text', text: 'echo: stream me please' });
    expect(events[0]).toBe('message_start');
    expect(events.at(-1)).toBe('message_stop');
    expect(events).toContain('message_delta');
    const row = (await logRows(gw))[0];
    expect(row).toMatchObject({
      stream: true,
      outcome: 'ok',
      inputTokens: U.input_tokens,
      outputTokens: U.output_tokens,
      cacheReadTokens: U.cache_read_input_tokens,
      cacheWriteTokens: U.cache_creation_input_tokens,
    });
  });

  it('counts tokens through the upstream', async () => {
    const res = await client.messages.countTokens({ model: 'claude-test', messages: [{ role: 'user', content: 'hi' }] });
    expect(res.input_tokens).toBe(FAKE_USAGE.anthropic.countTokens);
    expect(fake.calls.at(-1)!.path).toMatch(/^\/v1\/messages\/count_tokens/);
    expect(fake.calls.at(-1)!.body.model).toBe('claude-upstream');
    const row = (await logRows(gw))[0];
    expect(row).toMatchObject({ endpoint: 'count_tokens', status: 200 });
  });

  it('lists models in Anthropic shape when asked with anthropic-version', async () => {
    const page = await client.models.list();
    const ids = page.data.map((m) => m.id);
    expect(ids).toEqual(['claude-context', 'claude-test', 'mock-model']);
    expect(page.data[0]).toMatchObject({ type: 'model', display_name: 'claude-context' });
  });

  it("returns the upstream's prompt-too-long error as Anthropic's invalid_request_error", async () => {
    const err = await client.messages
      .create({ model: 'claude-context', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    const body = (err as InstanceType<typeof Anthropic.BadRequestError>).error as { error: { type: string; message: string } };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toMatch(/^prompt is too long/);
  });
});
