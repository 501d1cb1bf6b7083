import { describe, expect, it } from 'vitest';
import type { IREvent } from '../../../src/translate/ir.js';
import { decodeSse, fixtureText } from './helpers.js';

const start = (id: string, usage: Record<string, number>): IREvent => ({
  type: 'response-start',
  id,
  model: 'claude-sonnet-4-5-20250929',
  created: expect.any(Number) as unknown as number,
  usage,
});

function only(events: IREvent[], type: IREvent['type']): IREvent[] {
  return events.filter((e) => e.type === type);
}

describe('anthropic stream decode', () => {
  it('text: start with input and cache figures, deltas, usage, one finish', () => {
    const events = decodeSse(fixtureText('anthropic-stream-text.1.sse'));
    expect(events).toEqual([
      start('msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY', { inputTokens: 25, cacheWriteTokens: 0, cacheReadTokens: 1800, outputTokens: 1 }),
      { type: 'text-start', id: 'text-0' },
      { type: 'text-delta', id: 'text-0', delta: 'Hello' },
      { type: 'text-delta', id: 'text-0', delta: ', world' },
      { type: 'text-delta', id: 'text-0', delta: '! How can I help?' },
      { type: 'text-end', id: 'text-0' },
      { type: 'usage', usage: { inputTokens: 25, cacheWriteTokens: 0, cacheReadTokens: 1800, outputTokens: 15 } },
      {
        type: 'finish',
        finish: { unified: 'stop', raw: 'end_turn', stopSequence: null },
        usage: { inputTokens: 25, outputTokens: 15, cacheReadTokens: 1800, cacheWriteTokens: 0, reasoningTokens: 0 },
      },
    ]);
  });

  it('CRLF line ends decode the same as LF', () => {
    const lf = decodeSse(fixtureText('anthropic-stream-text.1.sse'), 5);
    const crlf = decodeSse(fixtureText('anthropic-stream-text-crlf.1.sse'), 5);
    expect(crlf).toEqual(lf);
  });

  it('parallel tool calls with argument pieces (empty pieces skipped)', () => {
    const events = decodeSse(fixtureText('anthropic-stream-tool-use.1.sse'));
    const tools = events.filter((e) => e.type.startsWith('tool-call'));
    expect(tools).toEqual([
      { type: 'tool-call-start', id: 'tool-1', toolCallId: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather' },
      { type: 'tool-call-delta', id: 'tool-1', argumentsDelta: '{"location":' },
      { type: 'tool-call-delta', id: 'tool-1', argumentsDelta: ' "San Fra' },
      { type: 'tool-call-delta', id: 'tool-1', argumentsDelta: 'ncisco, CA", ' },
      { type: 'tool-call-delta', id: 'tool-1', argumentsDelta: '"unit": "celsius"}' },
      { type: 'tool-call-end', id: 'tool-1' },
      { type: 'tool-call-start', id: 'tool-2', toolCallId: 'toolu_01T2x1fJ34qAmk2tNTrN7Up6', name: 'get_weather' },
      { type: 'tool-call-delta', id: 'tool-2', argumentsDelta: '{"location": "New York, NY"' },
      { type: 'tool-call-delta', id: 'tool-2', argumentsDelta: '}' },
      { type: 'tool-call-end', id: 'tool-2' },
    ]);
    const args = tools.filter((e) => e.type === 'tool-call-delta' && e.id === 'tool-1').map((e) => (e as { argumentsDelta: string }).argumentsDelta);
    expect(JSON.parse(args.join(''))).toEqual({ location: 'San Francisco, CA', unit: 'celsius' });
    expect(events.at(-1)).toMatchObject({ type: 'finish', finish: { unified: 'tool-calls', raw: 'tool_use' }, usage: { inputTokens: 472, outputTokens: 89 } });
  });

  it('thinking deltas, then the signature, then redacted thinking and text', () => {
    const events = decodeSse(fixtureText('anthropic-stream-thinking.1.sse'));
    expect(events.slice(1, 11)).toEqual([
      { type: 'reasoning-start', id: 'reasoning-0', vendor: 'anthropic' },
      { type: 'reasoning-delta', id: 'reasoning-0', delta: 'I need to find the GCD of 1071 and 462 ' },
      { type: 'reasoning-delta', id: 'reasoning-0', delta: 'using the Euclidean algorithm.\n\n1071 = 2 × 462 + 147' },
      { type: 'reasoning-signature', id: 'reasoning-0', signature: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds' },
      { type: 'reasoning-end', id: 'reasoning-0' },
      { type: 'reasoning-start', id: 'reasoning-1', vendor: 'anthropic', redacted: true },
      { type: 'reasoning-signature', id: 'reasoning-1', encrypted: 'EmwKAhgBEgy3va3pzix/LafPsn4a' },
      { type: 'reasoning-end', id: 'reasoning-1' },
      { type: 'text-start', id: 'text-2' },
      { type: 'text-delta', id: 'text-2', delta: 'The GCD is 21.' },
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'finish', usage: { outputTokens: 210, reasoningTokens: 180 } });
  });

  it('skips server tool blocks and citation deltas; pause_turn is kept raw', () => {
    const events = decodeSse(fixtureText('anthropic-stream-web-search.1.sse'));
    expect(events.filter((e) => e.type !== 'response-start' && e.type !== 'usage' && e.type !== 'finish')).toEqual([
      { type: 'text-start', id: 'text-0' },
      { type: 'text-delta', id: 'text-0', delta: "I'll search." },
      { type: 'text-end', id: 'text-0' },
      { type: 'text-start', id: 'text-3' },
      { type: 'text-delta', id: 'text-3', delta: 'It is sunny.' },
      { type: 'text-end', id: 'text-3' },
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'finish', finish: { unified: 'other', raw: 'pause_turn' }, usage: { inputTokens: 10682, outputTokens: 510 } });
  });

  it('a stream cut before message_delta closes its block and finishes with error and the usage it had', () => {
    const events = decodeSse(fixtureText('anthropic-stream-cut.1.sse'));
    expect(events.slice(1)).toEqual([
      { type: 'text-start', id: 'text-0' },
      { type: 'text-delta', id: 'text-0', delta: 'Partial ans' },
      { type: 'text-end', id: 'text-0' },
      {
        type: 'finish',
        finish: { unified: 'error', raw: null },
        usage: { inputTokens: 12, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
      },
    ]);
  });

  it('an error event closes the open block, gives the error, then one finish', () => {
    const events = decodeSse(fixtureText('anthropic-stream-error.1.sse'));
    expect(events.slice(3)).toEqual([
      { type: 'text-end', id: 'text-0' },
      { type: 'error', error: { kind: 'overloaded', message: 'Overloaded', status: 529 } },
      { type: 'finish', finish: { unified: 'error', raw: null }, usage: expect.objectContaining({ inputTokens: 12 }) },
    ]);
    expect(only(events, 'finish')).toHaveLength(1);
  });

  it('an empty answer is a start and a finish', () => {
    const events = decodeSse(fixtureText('anthropic-stream-empty.1.sse'));
    expect(events.map((e) => e.type)).toEqual(['response-start', 'usage', 'finish']);
    expect(events.at(-1)).toMatchObject({ finish: { unified: 'length', raw: 'max_tokens' } });
  });

  it('stop sequence', () => {
    const events = decodeSse(fixtureText('anthropic-stream-stop-sequence.1.sse'));
    expect(events.at(-1)).toMatchObject({ type: 'finish', finish: { unified: 'stop', raw: 'stop_sequence', stopSequence: 'four' } });
  });

  it('the JSON-output tool streams as text with a plain stop', () => {
    const events = decodeSse(fixtureText('anthropic-stream-json-output.1.sse'));
    expect(events.slice(1, -2)).toEqual([
      { type: 'text-start', id: 'text-0' },
      { type: 'text-delta', id: 'text-0', delta: '{"answer": 4' },
      { type: 'text-delta', id: 'text-0', delta: '2, "unit": "none"}' },
      { type: 'text-end', id: 'text-0' },
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'finish', finish: { unified: 'stop', raw: 'tool_use' } });
  });

  it('an empty stream still yields a start and exactly one finish', () => {
    expect(decodeSse('').map((e) => e.type)).toEqual(['response-start', 'finish']);
  });

  it('a stream cut after message_delta finishes with its stop reason', () => {
    const text = fixtureText('anthropic-stream-stop-sequence.1.sse');
    const events = decodeSse(text.slice(0, text.indexOf('event: message_stop')));
    expect(events.at(-1)).toMatchObject({ type: 'finish', finish: { unified: 'stop', raw: 'stop_sequence', stopSequence: 'four' }, usage: { outputTokens: 6 } });
  });
});
