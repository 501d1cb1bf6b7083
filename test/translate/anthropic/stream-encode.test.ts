import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSse } from '../../fakes/sse-parse.js';
import { anthropicCodec } from '../../../src/translate/anthropic/index.js';
import type { IREvent, IRRequest } from '../../../src/translate/ir.js';
import type { Answer } from './helpers.js';
import { SDK_PARAMS, decodeSse, fixtureText, sdkClient, startAnswerServer } from './helpers.js';

const REQUEST: IRRequest = {
  model: 'claude-client-alias',
  system: [],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
  tools: [],
  stream: true,
  extra: null,
};

function encode(events: IREvent[]): string {
  const encoder = anthropicCodec.encodeStream(REQUEST);
  return events.map((e) => encoder.push(e)).join('') + encoder.end();
}

const sse = (body: string): Answer => ({ status: 200, contentType: 'text/event-stream', body });

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function sdkFinal(body: string): Promise<Anthropic.Message> {
  const server = await startAnswerServer(() => sse(body));
  close = server.close;
  return sdkClient(server.url).messages.stream(SDK_PARAMS).finalMessage();
}

/** An OpenAI-like upstream: no usage at the start, tool arguments interleaved, usage only with the finish. */
const TRANSLATED: IREvent[] = [
  { type: 'response-start', id: 'chatcmpl-1', model: 'gpt-4o', created: 1 },
  { type: 'text-start', id: 'text-0' },
  { type: 'text-delta', id: 'text-0', delta: 'Checking ' },
  { type: 'text-delta', id: 'text-0', delta: 'both.' },
  { type: 'text-end', id: 'text-0' },
  { type: 'tool-call-start', id: 'tool-1', toolCallId: 'call_a', name: 'get_weather' },
  { type: 'tool-call-delta', id: 'tool-1', argumentsDelta: '{"city":' },
  { type: 'tool-call-start', id: 'tool-2', toolCallId: 'call_b', name: 'get_time' },
  { type: 'tool-call-delta', id: 'tool-2', argumentsDelta: '{"timezone":"Europe/Paris"}' },
  { type: 'tool-call-delta', id: 'tool-1', argumentsDelta: '"Paris"}' },
  { type: 'tool-call-end', id: 'tool-2' },
  { type: 'usage', usage: { inputTokens: 40 } },
  { type: 'finish', finish: { unified: 'tool-calls', raw: 'tool_calls' }, usage: { inputTokens: 40, outputTokens: 22, cacheReadTokens: 8, cacheWriteTokens: 0, reasoningTokens: 0 } },
];

describe('anthropic stream encode: the event sequence', () => {
  it('message_start first with zero usage, blocks indexed from 0 in order, open blocks closed, message_delta, message_stop', () => {
    const frames = parseSse(encode(TRANSLATED));
    expect(frames.every((f) => f.event === (JSON.parse(f.data) as { type: string }).type)).toBe(true);
    const seq = frames.map((f) => {
      const d = JSON.parse(f.data) as { type: string; index?: number };
      return d.index === undefined ? d.type : `${d.type}:${d.index}`;
    });
    expect(seq).toEqual([
      'message_start',
      'content_block_start:0',
      'content_block_delta:0',
      'content_block_delta:0',
      'content_block_stop:0',
      'content_block_start:1',
      'content_block_delta:1',
      'content_block_start:2',
      'content_block_delta:2',
      'content_block_delta:1',
      'content_block_stop:2',
      'content_block_stop:1',
      'message_delta',
      'message_stop',
    ]);
    const startFrame = JSON.parse(frames[0]!.data) as { message: { usage: unknown; model: string } };
    expect(startFrame.message.model).toBe('claude-client-alias');
    expect(startFrame.message.usage).toEqual({ input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 });
    expect(JSON.parse(frames.at(-2)!.data)).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'tool_use', stop_sequence: null },
      usage: { input_tokens: 40, cache_creation_input_tokens: 0, cache_read_input_tokens: 8, output_tokens: 22 },
    });
  });

  it('end() without a finish still closes the message', () => {
    const encoder = anthropicCodec.encodeStream(REQUEST);
    const text = encoder.push({ type: 'text-delta', id: 't', delta: 'orphan' }) + encoder.end();
    expect(parseSse(text).map((f) => f.event)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(encoder.end()).toBe('');
  });
});

describe('anthropic stream encode: parsed by the official SDK', () => {
  it('text and parallel tool calls with interleaved arguments, usage known only at the end', async () => {
    const final = await sdkFinal(encode(TRANSLATED));
    expect(final.model).toBe('claude-client-alias');
    expect(final.content).toEqual([
      { type: 'text', text: 'Checking both.' },
      { type: 'tool_use', id: 'call_a', name: 'get_weather', input: { city: 'Paris' } },
      { type: 'tool_use', id: 'call_b', name: 'get_time', input: { timezone: 'Europe/Paris' } },
    ]);
    expect(final.stop_reason).toBe('tool_use');
    expect(final.usage).toMatchObject({ input_tokens: 40, output_tokens: 22, cache_read_input_tokens: 8, cache_creation_input_tokens: 0 });
  });

  it('Anthropic thinking keeps its signature; another vendor’s reasoning shows unsigned or not at all', async () => {
    const final = await sdkFinal(
      encode([
        { type: 'response-start', id: 'msg_x', model: 'm', created: 1, usage: { inputTokens: 5, cacheReadTokens: 2, cacheWriteTokens: 1, outputTokens: 1 } },
        { type: 'reasoning-start', id: 'r0', vendor: 'openai', itemId: 'rs_1' },
        { type: 'reasoning-signature', id: 'r0', encrypted: 'gAAAA' },
        { type: 'reasoning-end', id: 'r0' },
        { type: 'reasoning-start', id: 'r1', vendor: 'anthropic' },
        { type: 'reasoning-delta', id: 'r1', delta: 'Two plus ' },
        { type: 'reasoning-delta', id: 'r1', delta: 'two.' },
        { type: 'reasoning-signature', id: 'r1', signature: 'SIG==' },
        { type: 'reasoning-end', id: 'r1' },
        { type: 'reasoning-start', id: 'r2', vendor: 'anthropic', redacted: true },
        { type: 'reasoning-signature', id: 'r2', encrypted: 'REDACTED==' },
        { type: 'reasoning-end', id: 'r2' },
        { type: 'reasoning-start', id: 'r3', vendor: 'gemini' },
        { type: 'reasoning-delta', id: 'r3', delta: 'gemini thought' },
        { type: 'reasoning-signature', id: 'r3', signature: 'CiQB' },
        { type: 'reasoning-end', id: 'r3' },
        { type: 'text-start', id: 't' },
        { type: 'text-delta', id: 't', delta: 'Four.' },
        { type: 'text-end', id: 't' },
        { type: 'finish', finish: { unified: 'stop', raw: 'STOP', stopSequence: 'END' }, usage: { outputTokens: 30, reasoningTokens: 20 } },
      ]),
    );
    expect(final.id).toBe('msg_x');
    expect(final.content).toEqual([
      { type: 'thinking', thinking: 'Two plus two.', signature: 'SIG==' },
      { type: 'redacted_thinking', data: 'REDACTED==' },
      { type: 'thinking', thinking: 'gemini thought', signature: '' },
      { type: 'text', text: 'Four.' },
    ]);
    expect(final.stop_reason).toBe('stop_sequence');
    expect(final.stop_sequence).toBe('END');
    expect(final.usage).toMatchObject({ input_tokens: 5, cache_read_input_tokens: 2, cache_creation_input_tokens: 1, output_tokens: 30 });
  });

  it.each([
    'anthropic-stream-text.1.sse',
    'anthropic-stream-tool-use.1.sse',
    'anthropic-stream-thinking.1.sse',
    'anthropic-stream-stop-sequence.1.sse',
    'anthropic-stream-empty.1.sse',
  ])('%s: decode then encode gives the SDK the same message as the original stream', async (name) => {
    const original = fixtureText(name);
    const direct = await sdkFinal(original);
    await close?.();
    const relayed = await sdkFinal(encode(decodeSse(original)));
    expect({ ...relayed, model: direct.model }).toEqual(direct);
  });

  it('an IR error becomes an `event: error` the SDK raises as an APIError', async () => {
    const server = await startAnswerServer(() =>
      sse(
        encode([
          { type: 'response-start', id: 'msg_e', model: 'm', created: 1 },
          { type: 'text-start', id: 't' },
          { type: 'text-delta', id: 't', delta: 'Hel' },
          { type: 'error', error: { kind: 'overloaded', message: 'Overloaded', status: 529 } },
          { type: 'finish', finish: { unified: 'error', raw: null } },
        ]),
      ),
    );
    close = server.close;
    const err = await sdkClient(server.url).messages.stream(SDK_PARAMS).finalMessage().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect((err as InstanceType<typeof Anthropic.APIError>).error).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
  });
});
