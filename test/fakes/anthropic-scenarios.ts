// The shared scenarios (scenarios.ts) in Anthropic's wire format: the content
// blocks and stop reason of a reply, and the SSE events that stream it.
// Shapes follow https://docs.anthropic.com/en/api/messages and
// https://docs.anthropic.com/en/docs/build-with-claude/streaming.
import type { ScenarioName } from './scenarios.js';
import { JSON_ANSWER, LENGTH_TEXT, REASONING, REASONING_ANSWER, REASONING_SIGNATURE, STOP_SEQUENCE, STOP_TEXT, TOOL_CALLS } from './scenarios.js';
import { randomAlnum, splitDeltas } from './text.js';
import type { AgentStep } from './agent-scenario.js';

export type AnthropicFakeBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> }
  | { type: 'thinking'; thinking: string; signature: string };

export interface AnthropicFakeReply {
  content: AnthropicFakeBlock[];
  stop_reason: string;
  stop_sequence: string | null;
}

/** Tool call ids the fake gives, in order. */
export const ANTHROPIC_FAKE_TOOL_IDS = ['toolu_fake_1', 'toolu_fake_2'] as const;

/** The reply for a scenario that answers 200 (`context` and `error` answer with errors instead). */
export function anthropicScenarioReply(scenario: Exclude<ScenarioName, 'context' | 'error'>, echo: string): AnthropicFakeReply {
  switch (scenario) {
    case 'text':
      return { content: [{ type: 'text', text: echo }], stop_reason: 'end_turn', stop_sequence: null };
    case 'tools':
      return {
        content: TOOL_CALLS.map((call, i) => ({
          type: 'tool_use' as const,
          id: ANTHROPIC_FAKE_TOOL_IDS[i] ?? `toolu_fake_${i + 1}`,
          name: call.name,
          input: { ...call.arguments },
        })),
        stop_reason: 'tool_use',
        stop_sequence: null,
      };
    case 'json':
      return { content: [{ type: 'text', text: JSON_ANSWER }], stop_reason: 'end_turn', stop_sequence: null };
    case 'reasoning':
      return {
        content: [
          { type: 'thinking', thinking: REASONING, signature: REASONING_SIGNATURE },
          { type: 'text', text: REASONING_ANSWER },
        ],
        stop_reason: 'end_turn',
        stop_sequence: null,
      };
    case 'stop':
      return { content: [{ type: 'text', text: STOP_TEXT }], stop_reason: 'stop_sequence', stop_sequence: STOP_SEQUENCE };
    case 'length':
      return { content: [{ type: 'text', text: LENGTH_TEXT }], stop_reason: 'max_tokens', stop_sequence: null };
    default:
      return scenario satisfies never;
  }
}

/** The agent scenario's step (agent-scenario.ts) as a reply. */
export function anthropicAgentReply(step: AgentStep): AnthropicFakeReply {
  if (step.kind === 'answer') return { content: [{ type: 'text', text: step.text }], stop_reason: 'end_turn', stop_sequence: null };
  return {
    content: [{ type: 'tool_use', id: `toolu_${randomAlnum(24)}`, name: step.name, input: step.arguments }],
    stop_reason: 'tool_use',
    stop_sequence: null,
  };
}

/** Tool input JSON in several pieces, led by an empty one as the real API sends. */
function jsonPieces(input: Record<string, unknown>): string[] {
  const json = JSON.stringify(input);
  const third = Math.ceil(json.length / 3);
  return ['', json.slice(0, third), json.slice(third, 2 * third), json.slice(2 * third)].filter((p, i) => i === 0 || p !== '');
}

function blockEvents(block: AnthropicFakeBlock, index: number): Array<[string, unknown]> {
  const delta = (d: unknown): [string, unknown] => ['content_block_delta', { type: 'content_block_delta', index, delta: d }];
  switch (block.type) {
    case 'text':
      return [
        ['content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }],
        ...splitDeltas(block.text).map((text) => delta({ type: 'text_delta', text })),
      ];
    case 'tool_use':
      return [
        ['content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } }],
        ...jsonPieces(block.input).map((partial_json) => delta({ type: 'input_json_delta', partial_json })),
      ];
    case 'thinking':
      return [
        ['content_block_start', { type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } }],
        ...splitDeltas(block.thinking).map((thinking) => delta({ type: 'thinking_delta', thinking })),
        delta({ type: 'signature_delta', signature: block.signature }),
      ];
    default:
      return block satisfies never;
  }
}

/**
 * The SSE events of a reply: message_start (input and cache figures, a small
 * output count), each block with a `ping` after the first block's start,
 * message_delta with the stop reason and final output count, message_stop.
 */
export function anthropicStreamEvents(
  reply: AnthropicFakeReply,
  start: { id: string; model: string; usage: Record<string, number> },
  finalOutputTokens: number,
): Array<[string, unknown]> {
  const events: Array<[string, unknown]> = [
    [
      'message_start',
      {
        type: 'message_start',
        message: {
          id: start.id,
          type: 'message',
          role: 'assistant',
          model: start.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: start.usage,
        },
      },
    ],
  ];
  reply.content.forEach((block, index) => {
    const [first, ...rest] = blockEvents(block, index);
    if (first) events.push(first);
    if (index === 0) events.push(['ping', { type: 'ping' }]);
    events.push(...rest, ['content_block_stop', { type: 'content_block_stop', index }]);
  });
  events.push(
    [
      'message_delta',
      {
        type: 'message_delta',
        delta: { stop_reason: reply.stop_reason, stop_sequence: reply.stop_sequence },
        usage: { output_tokens: finalOutputTokens },
      },
    ],
    ['message_stop', { type: 'message_stop' }],
  );
  return events;
}
