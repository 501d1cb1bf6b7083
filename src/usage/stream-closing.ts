import type { Protocol } from '../protocols/protocol.js';
import type { SseEvent } from '../translate/sse.js';
import { mayCarry, noStreamWatch } from './stream-watchers.js';

/**
 * Watches an upstream stream for the event that says it is over. A stream
 * whose connection closes cleanly before it (a proxy's timeout, a server that
 * crashed between two writes) is a broken answer, not a complete one: the
 * client must get an error event and the row must say `incomplete`. An
 * in-band error event closes a stream too (the client was already told).
 */
export interface ClosingWatch {
  see(event: SseEvent): void;
  /** True once the closing event (or an error event) went by. */
  closed(): boolean;
  /** The closing event's name, for the error message. */
  readonly expected: string;
}

/** The `type` of an event whose `event:` line is missing (some compatible servers write only `data:`). */
const typeOf = (event: SseEvent): string | undefined => /^\s*\{\s*"type"\s*:\s*"([a-z_.]+)"/.exec(event.data)?.[1];

const RESPONSES_LAST = new Set(['response.completed', 'response.incomplete', 'response.failed', 'error']);
const ANTHROPIC_LAST = new Set(['message_stop', 'error']);

export function closingWatchFor(protocol: Protocol): ClosingWatch {
  let closed = false;
  const watch = (expected: string, isLast: (event: SseEvent) => boolean): ClosingWatch => ({
    expected,
    see(event) {
      if (!closed && isLast(event)) closed = true;
    },
    closed: () => closed,
  });
  switch (protocol) {
    case 'openai-chat':
    case 'openai-completions':
      // "the stream is terminated by a data: [DONE] message" (https://platform.openai.com/docs/api-reference/chat-streaming).
      // A chunk with a finish_reason is the answer's end too: some compatible servers never write [DONE],
      // and a stream cut after that chunk lost at most its usage chunk, not part of the answer.
      // Legacy Completions streams end the same way (https://platform.openai.com/docs/api-reference/completions/create#completions-create-stream).
      return watch('data: [DONE]', (e) => e.data.trim() === '[DONE]' || mayCarry(e.raw, '"finish_reason"') || mayCarry(e.raw, '"error"'));
    case 'openai-responses':
      // https://platform.openai.com/docs/api-reference/responses-streaming
      return watch('response.completed', (e) => RESPONSES_LAST.has(e.event ?? typeOf(e) ?? ''));
    case 'anthropic-messages':
      // https://docs.anthropic.com/en/docs/build-with-claude/streaming: "a final message_stop event"
      return watch('message_stop', (e) => ANTHROPIC_LAST.has(e.event ?? typeOf(e) ?? ''));
    case 'gemini':
      // Gemini has no closing event: its last chunk is the one with a candidate's finishReason.
      return watch('a chunk with finishReason', (e) => mayCarry(e.raw, '"finishReason"') || mayCarry(e.raw, '"error"'));
    default:
      return noStreamWatch(protocol);
  }
}

/** What a stream that ended before its closing event breaks off with. */
export function endedEarly(watch: ClosingWatch): Error {
  return new Error(`the upstream ended the stream without its closing event (${watch.expected})`);
}
