// The fake Anthropic upstream plays every shared scenario, non-stream and
// stream; the official SDK and this codec's decoders must both read it.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_USAGE, startFakeAnthropic } from '../../fakes/index.js';
import type { FakeUpstream } from '../../fakes/index.js';
import { ANTHROPIC_FAKE_TOOL_IDS } from '../../fakes/anthropic-scenarios.js';
import {
  JSON_ANSWER,
  LENGTH_TEXT,
  REASONING,
  REASONING_ANSWER,
  REASONING_SIGNATURE,
  STOP_SEQUENCE,
  STOP_TEXT,
  TOOL_CALLS,
} from '../../fakes/scenarios.js';
import { anthropicCodec } from '../../../src/translate/anthropic/index.js';
import type { IREvent } from '../../../src/translate/ir.js';
import { decodeSse } from './helpers.js';

const USAGE = FAKE_USAGE.anthropic.messages;
const HEADERS = { 'x-api-key': 'sk-ant-fake', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' };

let fake: FakeUpstream;
let client: Anthropic;
beforeAll(async () => {
  fake = await startFakeAnthropic();
  client = new Anthropic({ apiKey: 'sk-ant-fake', baseURL: fake.url, maxRetries: 0 });
});
afterAll(() => fake.close());

const params = (text: string) => ({ model: 'claude-sonnet-4-20250514', max_tokens: 100, messages: [{ role: 'user' as const, content: text }] });

const EXPECTED: Record<string, { content: unknown[]; stop_reason: string; stop_sequence: string | null }> = {
  tools: {
    content: TOOL_CALLS.map((c, i) => ({ type: 'tool_use', id: ANTHROPIC_FAKE_TOOL_IDS[i], name: c.name, input: c.arguments })),
    stop_reason: 'tool_use',
    stop_sequence: null,
  },
  json: { content: [{ type: 'text', text: JSON_ANSWER }], stop_reason: 'end_turn', stop_sequence: null },
  reasoning: {
    content: [
      { type: 'thinking', thinking: REASONING, signature: REASONING_SIGNATURE },
      { type: 'text', text: REASONING_ANSWER },
    ],
    stop_reason: 'end_turn',
    stop_sequence: null,
  },
  stop: { content: [{ type: 'text', text: STOP_TEXT }], stop_reason: 'stop_sequence', stop_sequence: STOP_SEQUENCE },
  length: { content: [{ type: 'text', text: LENGTH_TEXT }], stop_reason: 'max_tokens', stop_sequence: null },
  text: { content: [{ type: 'text', text: 'echo: say scenario:text please' }], stop_reason: 'end_turn', stop_sequence: null },
};

describe('fake Anthropic scenarios through the SDK', () => {
  it.each(Object.keys(EXPECTED))('%s: non-stream and stream give the same message', async (name) => {
    const text = name === 'text' ? 'say scenario:text please' : `scenario:${name}`;
    const expected = EXPECTED[name]!;
    const created = await client.messages.create(params(text));
    expect(created).toMatchObject(expected);
    expect(created.usage).toMatchObject(USAGE);
    const streamed = await client.messages.stream(params(text)).finalMessage();
    expect(streamed).toMatchObject(expected);
    expect(streamed.usage).toMatchObject(USAGE);
  });

  it('context: 400 with the prompt-too-long message, stream or not', async () => {
    for (const stream of [false, true]) {
      const err = await client.messages.create({ ...params('scenario:context'), stream }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Anthropic.BadRequestError);
      expect((err as Error).message).toContain('prompt is too long');
    }
  });

  it('error: 500 api_error', async () => {
    const err = await client.messages.create(params('scenario:error')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.InternalServerError);
    expect(((err as InstanceType<typeof Anthropic.APIError>).error as any).error.type).toBe('api_error');
  });

  it('streams tool input in several input_json_delta pieces and thinking before its signature', async () => {
    const deltas: string[] = [];
    for await (const event of await client.messages.create({ ...params('scenario:tools'), stream: true })) {
      if (event.type === 'content_block_delta' && event.delta.type === 'input_json_delta') deltas.push(event.delta.partial_json);
    }
    expect(deltas.filter((d) => d !== '').length).toBeGreaterThan(2);
    const kinds: string[] = [];
    for await (const event of await client.messages.create({ ...params('scenario:reasoning'), stream: true })) {
      if (event.type === 'content_block_delta') kinds.push(event.delta.type);
    }
    expect(kinds.slice(0, kinds.indexOf('signature_delta') + 1).every((k) => k === 'thinking_delta' || k === 'signature_delta')).toBe(true);
    expect(kinds).toContain('signature_delta');
  });
});

describe('fake Anthropic scenarios through this codec', () => {
  async function raw(text: string, stream: boolean): Promise<{ status: number; body: string }> {
    const res = await fetch(`${fake.url}/v1/messages`, { method: 'POST', headers: HEADERS, body: JSON.stringify({ ...params(text), stream }) });
    return { status: res.status, body: await res.text() };
  }

  it('tools decode to two calls with stable ids, streamed or not', async () => {
    const whole = anthropicCodec.decodeResponse(JSON.parse((await raw('scenario:tools', false)).body));
    expect(whole.content).toEqual(TOOL_CALLS.map((c, i) => ({ type: 'tool-call', id: ANTHROPIC_FAKE_TOOL_IDS[i], name: c.name, arguments: JSON.stringify(c.arguments) })));
    expect(whole.finish.unified).toBe('tool-calls');
    const events = decodeSse((await raw('scenario:tools', true)).body);
    const args = (id: string) =>
      events
        .filter((e): e is Extract<IREvent, { type: 'tool-call-delta' }> => e.type === 'tool-call-delta' && e.id === id)
        .map((e) => e.argumentsDelta)
        .join('');
    expect(JSON.parse(args('tool-0'))).toEqual(TOOL_CALLS[0].arguments);
    expect(JSON.parse(args('tool-1'))).toEqual(TOOL_CALLS[1].arguments);
    expect(events.at(-1)).toEqual({
      type: 'finish',
      finish: { unified: 'tool-calls', raw: 'tool_use', stopSequence: null },
      usage: { inputTokens: USAGE.input_tokens, outputTokens: USAGE.output_tokens, cacheReadTokens: USAGE.cache_read_input_tokens, cacheWriteTokens: USAGE.cache_creation_input_tokens, reasoningTokens: 0 },
    });
  });

  it('reasoning keeps its signature; stop keeps its sequence; length maps to length', async () => {
    const reasoning = anthropicCodec.decodeResponse(JSON.parse((await raw('scenario:reasoning', false)).body));
    expect(reasoning.content).toEqual([
      { type: 'reasoning', text: REASONING, vendor: 'anthropic', signature: REASONING_SIGNATURE },
      { type: 'text', text: REASONING_ANSWER },
    ]);
    const streamed = decodeSse((await raw('scenario:reasoning', true)).body);
    expect(streamed).toContainEqual({ type: 'reasoning-signature', id: 'reasoning-0', signature: REASONING_SIGNATURE });
    const stop = anthropicCodec.decodeResponse(JSON.parse((await raw('scenario:stop', false)).body));
    expect(stop.finish).toEqual({ unified: 'stop', raw: 'stop_sequence', stopSequence: STOP_SEQUENCE });
    const length = decodeSse((await raw('scenario:length', true)).body);
    expect(length.at(-1)).toMatchObject({ finish: { unified: 'length', raw: 'max_tokens' } });
  });

  it('context and error decode to their kinds', async () => {
    const context = await raw('scenario:context', true);
    expect(anthropicCodec.decodeError(context.status, context.body)).toMatchObject({ kind: 'context-length', status: 400 });
    const server = await raw('scenario:error', false);
    expect(anthropicCodec.decodeError(server.status, server.body)).toEqual({ kind: 'server', message: 'Internal server error', status: 500 });
  });
});
