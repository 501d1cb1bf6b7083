// Responses streams: real-shape upstream SSE -> IR events, and IR events -> SSE that the
// official SDK assembles into the right final response.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IREvent, IRRequest } from '../../../src/translate/ir.js';
import { parseSse } from '../../fakes/sse-parse.js';
import { baseRequest, decodeSse, encodeSse, fixtureText, startCannedServer, type CannedServer } from './helpers.js';

const RS_TOOLS = 'rs_68c1f0a4d5f68190c9a7e1b3f4d5c6e70fa09b8c7d6e5f40';
const RS_REASONING = 'rs_68c1f0a6f7188190fcd0b4e6c7a8f9b0132c3d4e5f607182';
const ENCRYPTED = 'gAAAAABowfCkZmFrZS1lbmNyeXB0ZWQtcmVhc29uaW5nLWZvci10ZXN0cw==';
const START = { type: 'response-start', id: 'resp_68c1f0a2b3d48190a7e5c9f1d2b3a4c50d8e7f6a5b4c3d2e', model: 'gpt-5-2025-08-07', created: 1757540514 };

describe('openai-responses decodeStream', () => {
  it('text with cached usage', () => {
    const events = decodeSse(fixtureText('openai-text.1.sse'));
    expect(events[0]).toEqual(START);
    expect(events.filter((e) => e.type === 'text-delta').map((e) => e.delta).join('')).toBe('Paris is the capital of France.');
    expect(events.slice(-3)).toEqual([
      { type: 'text-end', id: 'text-0' },
      { type: 'usage', usage: { inputTokens: 318, cacheReadTokens: 1024, cacheWriteTokens: 0, outputTokens: 9, reasoningTokens: 0 } },
      {
        type: 'finish',
        finish: { unified: 'stop', raw: 'completed' },
        usage: { inputTokens: 318, cacheReadTokens: 1024, cacheWriteTokens: 0, outputTokens: 9, reasoningTokens: 0 },
      },
    ]);
  });

  it('parallel tool calls with streamed argument deltas (CRLF fixture)', () => {
    const events = decodeSse(fixtureText('openai-tools.1.sse'), 11);
    const usage = { inputTokens: 412, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 154, reasoningTokens: 128 };
    expect(events).toEqual([
      START,
      { type: 'reasoning-start', id: 'reasoning-0', vendor: 'openai', itemId: RS_TOOLS },
      { type: 'reasoning-end', id: 'reasoning-0' },
      { type: 'tool-call-start', id: 'tool-1', toolCallId: 'call_Xq3TnVb1pL9cR2sW8kYh4mZa', name: 'get_weather' },
      { type: 'tool-call-delta', id: 'tool-1', argumentsDelta: '{"ci' },
      { type: 'tool-call-delta', id: 'tool-1', argumentsDelta: 'ty":"Pa' },
      { type: 'tool-call-delta', id: 'tool-1', argumentsDelta: 'ris"}' },
      { type: 'tool-call-end', id: 'tool-1' },
      { type: 'tool-call-start', id: 'tool-2', toolCallId: 'call_Hk7PzQw2nM5tJ8vL1xBc9dRf', name: 'get_time' },
      { type: 'tool-call-delta', id: 'tool-2', argumentsDelta: '{"time' },
      { type: 'tool-call-delta', id: 'tool-2', argumentsDelta: 'zone":"Europe' },
      { type: 'tool-call-delta', id: 'tool-2', argumentsDelta: '/Paris"}' },
      { type: 'tool-call-end', id: 'tool-2' },
      { type: 'usage', usage },
      { type: 'finish', finish: { unified: 'tool-calls', raw: 'completed' }, usage },
    ]);
  });

  it('reasoning summary parts become blocks of one item, the encrypted content closes the last', () => {
    const events = decodeSse(fixtureText('openai-reasoning.1.sse'));
    const shape = events.filter((e) => e.type !== 'reasoning-delta' && e.type !== 'text-delta' && e.type !== 'usage' && e.type !== 'finish');
    expect(shape).toEqual([
      START,
      { type: 'reasoning-start', id: 'reasoning-0', vendor: 'openai', itemId: RS_REASONING },
      { type: 'reasoning-end', id: 'reasoning-0' },
      { type: 'reasoning-start', id: 'reasoning-1', vendor: 'openai', itemId: RS_REASONING },
      { type: 'reasoning-signature', id: 'reasoning-1', encrypted: ENCRYPTED },
      { type: 'reasoning-end', id: 'reasoning-1' },
      { type: 'text-start', id: 'text-2' },
      { type: 'text-end', id: 'text-2' },
    ]);
    const text = (id: string): string =>
      events
        .filter((e): e is Extract<IREvent, { delta: string }> => 'delta' in e && e.id === id)
        .map((e) => e.delta)
        .join('');
    expect(text('reasoning-0')).toBe('**Adding small numbers**\n\nThe user asks for 2+2.');
    expect(text('reasoning-1')).toBe('**Answering briefly**\n\nTwo plus two is four.');
    expect(text('text-2')).toBe('2 + 2 = 4.');
    expect(events.at(-1)).toMatchObject({ type: 'finish', finish: { unified: 'stop' }, usage: { reasoningTokens: 192 } });
  });

  it('response.incomplete finishes as length', () => {
    expect(decodeSse(fixtureText('openai-length.1.sse')).at(-1)).toMatchObject({
      type: 'finish',
      finish: { unified: 'length', raw: 'max_output_tokens' },
      usage: { outputTokens: 8 },
    });
  });

  it('a stream that ends without a terminal event closes its block and finishes without usage', () => {
    const events = decodeSse(fixtureText('openai-no-usage.1.sse'));
    expect(events.slice(1)).toEqual([
      { type: 'text-start', id: 'text-0' },
      { type: 'text-delta', id: 'text-0', delta: 'Partial' },
      { type: 'text-delta', id: 'text-0', delta: ' answer' },
      { type: 'text-end', id: 'text-0' },
      { type: 'finish', finish: { unified: 'other', raw: null } },
    ]);
  });

  it('response.failed gives an error then an error finish', () => {
    expect(decodeSse(fixtureText('openai-failed.1.sse')).slice(1)).toEqual([
      { type: 'error', error: { kind: 'server', message: 'The model produced invalid content.', status: 500 } },
      { type: 'finish', finish: { unified: 'error', raw: 'failed' } },
    ]);
  });

  it('an error event is classified and the stream still finishes', () => {
    expect(decodeSse(fixtureText('openai-error.1.sse')).slice(1)).toEqual([
      { type: 'error', error: { kind: 'rate-limit', message: 'Rate limit reached for gpt-5 on tokens per min (TPM).', status: 429 } },
      { type: 'finish', finish: { unified: 'error', raw: null } },
    ]);
  });

  it('gives every block a unique id', () => {
    for (const name of ['openai-text.1.sse', 'openai-tools.1.sse', 'openai-reasoning.1.sse']) {
      const starts = decodeSse(fixtureText(name)).filter((e) => e.type.endsWith('-start') && e.type !== 'response-start');
      const ids = starts.map((e) => (e as { id: string }).id);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });
});

const USAGE = { inputTokens: 8, cacheReadTokens: 3, cacheWriteTokens: 0, outputTokens: 20, reasoningTokens: 5 };

function answer(finish: IREvent & { type: 'finish' }): IREvent[] {
  return [
    { type: 'response-start', id: 'msg_01Abc', model: 'claude-sonnet-4-5', created: 1757540514 },
    { type: 'reasoning-start', id: 'r0', vendor: 'openai', itemId: 'rs_1' },
    { type: 'reasoning-delta', id: 'r0', delta: 'Part one.' },
    { type: 'reasoning-end', id: 'r0' },
    { type: 'reasoning-start', id: 'r1', vendor: 'openai', itemId: 'rs_1' },
    { type: 'reasoning-delta', id: 'r1', delta: 'Part ' },
    { type: 'reasoning-delta', id: 'r1', delta: 'two.' },
    { type: 'reasoning-signature', id: 'r1', encrypted: 'enc-blob' },
    { type: 'reasoning-end', id: 'r1' },
    { type: 'text-start', id: 't2' },
    { type: 'text-delta', id: 't2', delta: 'Hello ' },
    { type: 'text-delta', id: 't2', delta: 'world' },
    { type: 'text-end', id: 't2' },
    { type: 'tool-call-start', id: 'c3', toolCallId: 'call_1', name: 'get_weather' },
    { type: 'tool-call-start', id: 'c4', toolCallId: 'call_2', name: 'get_time' },
    { type: 'tool-call-delta', id: 'c3', argumentsDelta: '{"city":' },
    { type: 'tool-call-delta', id: 'c4', argumentsDelta: '{}' },
    { type: 'tool-call-delta', id: 'c3', argumentsDelta: '"Paris"}' },
    { type: 'tool-call-end', id: 'c3' },
    { type: 'tool-call-end', id: 'c4' },
    { type: 'usage', usage: { inputTokens: 8, cacheReadTokens: 3 } },
    finish,
  ];
}

describe('openai-responses encodeStream', () => {
  it('emits the protocol order with increasing sequence numbers', () => {
    const frames = parseSse(encodeSse(baseRequest(), answer({ type: 'finish', finish: { unified: 'tool-calls', raw: 'tool_use' }, usage: USAGE })));
    const data = frames.map((f) => JSON.parse(f.data) as { type: string; sequence_number: number; output_index?: number });
    expect(frames.map((f) => f.event)).toEqual(data.map((d) => d.type));
    expect(data.map((d) => d.sequence_number)).toEqual(data.map((_, i) => i));
    expect(data.map((d) => (d.output_index === undefined ? d.type : `${d.type}@${d.output_index}`))).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added@0',
      'response.reasoning_summary_part.added@0',
      'response.reasoning_summary_text.delta@0',
      'response.reasoning_summary_text.done@0',
      'response.reasoning_summary_part.done@0',
      'response.reasoning_summary_part.added@0',
      'response.reasoning_summary_text.delta@0',
      'response.reasoning_summary_text.delta@0',
      'response.reasoning_summary_text.done@0',
      'response.reasoning_summary_part.done@0',
      'response.output_item.done@0',
      'response.output_item.added@1',
      'response.content_part.added@1',
      'response.output_text.delta@1',
      'response.output_text.delta@1',
      'response.output_text.done@1',
      'response.content_part.done@1',
      'response.output_item.done@1',
      'response.output_item.added@2',
      'response.output_item.added@3',
      'response.function_call_arguments.delta@2',
      'response.function_call_arguments.delta@3',
      'response.function_call_arguments.delta@2',
      'response.function_call_arguments.done@2',
      'response.output_item.done@2',
      'response.function_call_arguments.done@3',
      'response.output_item.done@3',
      'response.completed',
    ]);
  });

  describe('through the official SDK', () => {
    let server: CannedServer;
    beforeAll(async () => {
      server = await startCannedServer();
    });
    afterAll(() => server.close());

    function serve(request: IRRequest, events: IREvent[]): void {
      server.reply = { status: 200, contentType: 'text/event-stream', body: encodeSse(request, events) };
    }

    it('assembles text, reasoning, parallel tool calls and usage (stream helper)', async () => {
      serve(baseRequest(), answer({ type: 'finish', finish: { unified: 'tool-calls', raw: 'tool_use' }, usage: USAGE }));
      const stream = server.client().responses.stream({ model: 'gpt-test', input: 'hi' });
      const deltas: string[] = [];
      stream.on('response.output_text.delta', (e) => deltas.push(e.delta));
      const final = await stream.finalResponse();
      expect(deltas).toEqual(['Hello ', 'world']);
      expect(final.status).toBe('completed');
      expect(final.output_text).toBe('Hello world');
      expect(final.id).toBe('resp_msg01Abc');
      expect(final.output[0]).toEqual({
        id: 'rs_1',
        type: 'reasoning',
        summary: [
          { type: 'summary_text', text: 'Part one.' },
          { type: 'summary_text', text: 'Part two.' },
        ],
        encrypted_content: 'enc-blob',
      });
      const calls = final.output.filter((item) => item.type === 'function_call');
      expect(calls.map((c) => [c.call_id, c.name, c.arguments])).toEqual([
        ['call_1', 'get_weather', '{"city":"Paris"}'],
        ['call_2', 'get_time', '{}'],
      ]);
      expect(final.usage).toEqual({
        input_tokens: 11,
        input_tokens_details: { cached_tokens: 3 },
        output_tokens: 20,
        output_tokens_details: { reasoning_tokens: 5 },
        total_tokens: 31,
      });
    });

    it('yields the raw events to create({ stream: true })', async () => {
      serve(baseRequest(), answer({ type: 'finish', finish: { unified: 'length', raw: 'max_tokens' }, usage: USAGE }));
      const stream = await server.client().responses.create({ model: 'gpt-test', input: 'hi', stream: true });
      const types: string[] = [];
      let last: unknown;
      for await (const event of stream) {
        types.push(event.type);
        last = event;
      }
      expect(types[0]).toBe('response.created');
      expect(types.at(-1)).toBe('response.incomplete');
      expect(last).toMatchObject({ response: { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } } });
    });

    it('shows another vendor’s readable thinking as a summary and drops its signature and redacted blocks', async () => {
      serve(baseRequest(), [
        { type: 'response-start', id: 'msg_1', model: 'claude', created: 1 },
        { type: 'reasoning-start', id: 'r0', vendor: 'anthropic' },
        { type: 'reasoning-delta', id: 'r0', delta: 'Thinking.' },
        { type: 'reasoning-signature', id: 'r0', signature: 'anthropic-sig' },
        { type: 'reasoning-end', id: 'r0' },
        { type: 'reasoning-start', id: 'r1', vendor: 'anthropic', redacted: true },
        { type: 'reasoning-signature', id: 'r1', encrypted: 'redacted-data' },
        { type: 'reasoning-end', id: 'r1' },
        { type: 'text-start', id: 't2' },
        { type: 'text-delta', id: 't2', delta: 'Done.' },
        { type: 'text-end', id: 't2' },
        { type: 'finish', finish: { unified: 'stop', raw: 'end_turn' }, usage: USAGE },
      ]);
      const final = await server.client().responses.stream({ model: 'gpt-test', input: 'hi' }).finalResponse();
      expect(final.output.map((item) => item.type)).toEqual(['reasoning', 'message']);
      expect(final.output[0]).toMatchObject({ type: 'reasoning', summary: [{ type: 'summary_text', text: 'Thinking.' }] });
      expect(final.output[0]).not.toHaveProperty('encrypted_content');
      expect(final.output_text).toBe('Done.');
    });

    it('a same-protocol stream survives decode -> encode', async () => {
      const raw = fixtureText('openai-reasoning.1.sse');
      server.reply = { status: 200, contentType: 'text/event-stream', body: raw };
      const direct = await server.client().responses.stream({ model: 'gpt-test', input: 'hi' }).finalResponse();
      serve(baseRequest(), decodeSse(raw));
      const translated = await server.client().responses.stream({ model: 'gpt-test', input: 'hi' }).finalResponse();
      expect(translated.id).toBe(direct.id);
      expect(translated.output_text).toBe(direct.output_text);
      expect(translated.output[0]).toEqual(direct.output[0]);
      expect(translated.usage).toEqual(direct.usage);
      expect(translated.status).toBe(direct.status);
    });

    it('a mid-stream IR error ends the response as failed', async () => {
      serve(baseRequest(), [
        { type: 'response-start', id: 'resp_1', model: 'm', created: 1 },
        { type: 'text-start', id: 't0' },
        { type: 'text-delta', id: 't0', delta: 'Half' },
        { type: 'error', error: { kind: 'overloaded', message: 'Overloaded', status: 529 } },
      ]);
      const final = await server.client().responses.stream({ model: 'gpt-test', input: 'hi' }).finalResponse();
      expect(final.status).toBe('failed');
      expect(final.error).toEqual({ code: 'server_error', message: 'Overloaded' });
    });

    it('an IR stream that ends without a finish still ends the response', () => {
      const frames = parseSse(
        encodeSse(baseRequest(), [
          { type: 'response-start', id: 'resp_1', model: 'm', created: 1 },
          { type: 'text-start', id: 't0' },
        ]),
      );
      expect(frames.at(-1)?.event).toBe('response.failed');
    });
  });
});
