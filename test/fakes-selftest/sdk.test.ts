// The fakes must be drivable by the official SDKs exactly like the real APIs.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_USAGE, startFakeAnthropic, startFakeOpenAI } from '../fakes/index.js';
import type { FakeUpstream } from '../fakes/index.js';

describe('official SDKs against the fakes', () => {
  let openaiFake: FakeUpstream;
  let anthropicFake: FakeUpstream;
  let openai: OpenAI;
  let anthropic: Anthropic;

  beforeAll(async () => {
    openaiFake = await startFakeOpenAI();
    anthropicFake = await startFakeAnthropic();
    openai = new OpenAI({ apiKey: 'sk-fake-openai', baseURL: `${openaiFake.url}/v1`, maxRetries: 0 });
    anthropic = new Anthropic({ apiKey: 'sk-ant-fake', baseURL: anthropicFake.url, maxRetries: 0 });
  });
  afterAll(async () => {
    await openaiFake.close();
    await anthropicFake.close();
  });

  it('openai: create, stream with usage, embeddings, models, typed errors', async () => {
    const messages = [{ role: 'user' as const, content: 'ping pong' }];
    const done = await openai.chat.completions.create({ model: 'gpt-4o', messages });
    expect(done.choices[0]!.message.content).toBe('echo: ping pong');
    expect(done.usage?.prompt_tokens).toBe(FAKE_USAGE.openai.chat.prompt_tokens);

    const stream = await openai.chat.completions.create({
      model: 'gpt-4o',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('echo: ping pong');
    expect(usage?.completion_tokens_details?.reasoning_tokens).toBe(2);

    // The SDK asks for base64 by default and decodes it back to floats.
    const emb = await openai.embeddings.create({ model: 'text-embedding-3-small', input: 'hello' });
    expect(emb.data[0]!.embedding).toHaveLength(FAKE_USAGE.openai.embeddingDimensions);
    expect(openaiFake.calls.at(-1)!.body.encoding_format).toBe('base64');
    const floats = await openai.embeddings.create({ model: 'text-embedding-3-small', input: 'hello', encoding_format: 'float' });
    expect(emb.data[0]!.embedding).toEqual(floats.data[0]!.embedding);

    const models = await openai.models.list();
    expect(models.data.map((m) => m.id)).toContain('gpt-4o-mini');

    openaiFake.failNext({ kind: 'status', status: 429 });
    const err = await openai.chat.completions.create({ model: 'gpt-4o', messages }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err as InstanceType<typeof OpenAI.RateLimitError>).code).toBe('rate_limit_exceeded');

    const bad = new OpenAI({ apiKey: 'sk-nope', baseURL: `${openaiFake.url}/v1`, maxRetries: 0 });
    await expect(bad.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('anthropic: create, stream, count tokens, typed errors', async () => {
    const params = { model: 'claude-sonnet-4-20250514', max_tokens: 32, messages: [{ role: 'user' as const, content: 'tick tock' }] };
    const msg = await anthropic.messages.create(params);
    expect(msg.content).toEqual([{ type: 'text', text: 'echo: tick tock' }]);
    expect(msg.usage.cache_read_input_tokens).toBe(FAKE_USAGE.anthropic.messages.cache_read_input_tokens);

    const final = await anthropic.messages.stream(params).finalMessage();
    expect(final.content).toHaveLength(1);
    expect(final.content[0]).toMatchObject({ type: 'text', text: 'echo: tick tock' });
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage.output_tokens).toBe(FAKE_USAGE.anthropic.messages.output_tokens);
    expect(final.usage.input_tokens).toBe(FAKE_USAGE.anthropic.messages.input_tokens);

    const count = await anthropic.messages.countTokens({ model: params.model, messages: params.messages });
    expect(count.input_tokens).toBe(FAKE_USAGE.anthropic.countTokens);

    anthropicFake.failNext({ kind: 'status', status: 529 });
    const err = await anthropic.messages.create(params).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect((err as InstanceType<typeof Anthropic.APIError>).status).toBe(529);

    await expect(anthropic.messages.create({ ...params, model: 'fake-error-context' })).rejects.toBeInstanceOf(Anthropic.BadRequestError);
  });
});
