import type { Usage } from '../store/types.js';
import type { SseEvent } from '../translate/sse.js';
import { fromAnthropicUsage, fromOpenAIUsage } from './extract.js';

/**
 * Reads usage (and in-band errors) from a stream's SSE events as they pass.
 * `keep` says whether an event goes on to the client.
 */
export interface StreamWatcher {
  see(event: SseEvent): { keep: boolean };
  usage(): Usage | undefined;
  /** An error the upstream reported inside the stream, if any. */
  error(): string | undefined;
}

/**
 * OpenAI Chat: usage arrives in a last chunk with `choices: []` when
 * `stream_options.include_usage` is set. Switchboard always sets it; when the
 * client did not ask, that chunk is read and then dropped.
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-stream_options
 */
export function openaiChatWatcher(clientWantsUsage: boolean): StreamWatcher {
  let usage: Usage | undefined;
  let error: string | undefined;
  return {
    see(event) {
      // Parse only the few chunks that can matter; most carry neither.
      if (!event.data.includes('"usage":{') && !event.data.includes('"error"')) return { keep: true };
      try {
        const chunk = JSON.parse(event.data) as { usage?: unknown; choices?: unknown[]; error?: { message?: string } };
        if (chunk.error) error = chunk.error.message ?? 'upstream reported an error';
        const found = fromOpenAIUsage(chunk.usage as never);
        if (found) {
          usage = found;
          const usageOnly = Array.isArray(chunk.choices) && chunk.choices.length === 0;
          if (usageOnly && !clientWantsUsage) return { keep: false };
        }
      } catch {
        // not JSON ([DONE] or a vendor extension): pass it on untouched
      }
      return { keep: true };
    },
    usage: () => usage,
    error: () => error,
  };
}

/**
 * Anthropic Messages: `message_start` carries input and cache figures,
 * `message_delta` the final output count (and, on newer API versions, the
 * input figures again).
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming
 */
export function anthropicWatcher(): StreamWatcher {
  let usage: Usage | undefined;
  let error: string | undefined;
  return {
    see(event) {
      if (event.event === 'message_start' || event.event === 'message_delta' || event.event === 'error') {
        try {
          const data = JSON.parse(event.data) as {
            message?: { usage?: unknown };
            usage?: unknown;
            error?: { message?: string };
          };
          if (event.event === 'message_start') usage = fromAnthropicUsage(data.message?.usage as never, usage);
          else if (event.event === 'message_delta') usage = fromAnthropicUsage(data.usage as never, usage);
          else error = data.error?.message ?? 'upstream reported an error';
        } catch {
          // malformed event: forward it, the client's SDK will report it
        }
      }
      return { keep: true };
    },
    usage: () => usage,
    error: () => error,
  };
}
