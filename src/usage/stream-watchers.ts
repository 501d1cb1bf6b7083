import type { Protocol } from '../protocols/protocol.js';
import type { SseEvent } from '../translate/sse.js';
import { usageOf } from './extract.js';
import { chunkUsageOf } from '../translate/openai-chat/convert-openai-chat-usage.js';
import type { Usage } from '../translate/ir.js';

/**
 * Reads usage (and in-band errors) from a pass-through stream's SSE events
 * as they pass, parsing (JSON) only the few events that can carry them
 * (`mayCarry`: a cheap look at the raw text, whatever the server's spacing).
 */
export interface StreamWatcher {
  /** True when the watcher may drop events, so they must be re-framed one by one. */
  filters: boolean;
  see(event: SseEvent): { keep: boolean };
  usage(): Usage | undefined;
  /** The upstream's closing usage figure came: `usage()` is the whole answer's, not a count so far. */
  final(): boolean;
  /** An error the upstream reported inside the stream, if any. */
  error(): string | undefined;
}

/**
 * Protocols whose answers the SSE watchers never see: embeddings and rerank
 * do not stream, and image and audio streams are read by gateway/respond-media.ts.
 * Both watchers (this file's and usage/stream-closing.ts) end their switch
 * here, so a new streamed protocol left out of either fails the type check.
 */
type UnwatchedProtocol = Exclude<Protocol, 'openai-chat' | 'openai-completions' | 'openai-responses' | 'anthropic-messages' | 'gemini'>;

export function noStreamWatch(protocol: UnwatchedProtocol): never {
  throw new Error(`${protocol} streams are not watched here (embeddings and rerank do not stream; images and audio are read by gateway/respond-media.ts)`);
}

export function watcherFor(protocol: Protocol, clientWantsUsage: boolean): StreamWatcher {
  switch (protocol) {
    case 'openai-chat':
    case 'openai-completions':
      return openaiChatWatcher(clientWantsUsage);
    case 'openai-responses':
      return openaiResponsesWatcher();
    case 'anthropic-messages':
      return anthropicWatcher();
    case 'gemini':
      return geminiWatcher();
    default:
      return noStreamWatch(protocol);
  }
}

const KEEP = { keep: true };

/**
 * Whether an event's raw text may give `key` (a quoted JSON key such as
 * `"usage"`) a value other than null, without parsing it: each occurrence
 * of the key is followed past whitespace and its colon, and only a `null`
 * there rules it out. Servers write `"usage":{`, `"usage": {` or spread the
 * JSON over several lines; all pass, so usage is never missed, while the
 * many chunks that say `"usage":null` are never parsed. Linear in the
 * event's length, like the search it replaces. A quote inside a JSON string
 * is escaped, so the key cannot be matched inside text.
 */
export function mayCarry(raw: string, key: string): boolean {
  for (let at = raw.indexOf(key); at !== -1; at = raw.indexOf(key, at + key.length)) {
    let i = skipSpace(raw, at + key.length);
    if (raw.charCodeAt(i) !== COLON) continue;
    i = skipSpace(raw, i + 1);
    if (!raw.startsWith('null', i)) return true;
  }
  return false;
}

const COLON = 58;

function skipSpace(text: string, from: number): number {
  let i = from;
  for (;;) {
    const c = text.charCodeAt(i);
    // space, tab, LF, CR
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return i;
    i++;
  }
}

function parse<T>(data: string): T | undefined {
  try {
    return JSON.parse(data) as T;
  } catch {
    return undefined; // not JSON ([DONE], a vendor extension): the client gets it untouched
  }
}

/**
 * OpenAI Chat: usage arrives in a last chunk with `choices: []` when
 * `stream_options.include_usage` is set. Switchboard always sets it; when the
 * client did not ask, that chunk is read and then dropped. Legacy Completions
 * streams do the same (`text_completion` chunks, the same `stream_options`).
 * (Moonshot puts it in the last chunk's choice instead: `chunkUsageOf`.)
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-stream_options
 * @see https://platform.openai.com/docs/api-reference/completions/create#completions-create-stream_options
 */
function openaiChatWatcher(clientWantsUsage: boolean): StreamWatcher {
  let usage: Usage | undefined;
  let error: string | undefined;
  return {
    filters: !clientWantsUsage,
    see(event) {
      if (!mayCarry(event.raw, '"usage"') && !mayCarry(event.raw, '"error"')) return KEEP;
      const chunk = parse<{ usage?: unknown; choices?: unknown[]; error?: { message?: string } }>(event.data);
      if (!chunk) return KEEP;
      if (chunk.error) error = chunk.error.message ?? 'upstream reported an error';
      const found = usageOf.openaiChat(chunkUsageOf(chunk));
      if (found) {
        usage = found;
        const usageOnly = Array.isArray(chunk.choices) && chunk.choices.length === 0;
        if (usageOnly && !clientWantsUsage) return { keep: false };
      }
      return KEEP;
    },
    usage: () => usage,
    // Chat sends usage once, in the last chunk.
    final: () => usage !== undefined,
    error: () => error,
  };
}

/**
 * OpenAI Responses: the final `response.completed` (or `.incomplete`,
 * `.failed`) event carries the whole response with its usage.
 * @see https://platform.openai.com/docs/api-reference/responses-streaming
 */
function openaiResponsesWatcher(): StreamWatcher {
  let usage: Usage | undefined;
  let error: string | undefined;
  return {
    filters: false,
    see(event) {
      // `response.created` and `.in_progress` say `"usage": null` and `"error": null`: not parsed.
      if (!mayCarry(event.raw, '"usage"') && !mayCarry(event.raw, '"error"')) return KEEP;
      const data = parse<{ type?: string; response?: { usage?: unknown; error?: { message?: string } | null }; message?: string }>(event.data);
      if (!data) return KEEP;
      usage = usageOf.openaiResponses(data.response?.usage) ?? usage;
      if (data.type === 'error') error = data.message ?? 'upstream reported an error';
      if (data.type === 'response.failed') error = data.response?.error?.message ?? 'response failed';
      return KEEP;
    },
    usage: () => usage,
    // Only the closing events (`.completed`, `.incomplete`, `.failed`) carry usage.
    final: () => usage !== undefined,
    error: () => error,
  };
}

/**
 * Anthropic Messages: `message_start` carries input and cache figures,
 * `message_delta` the final output count (and, on newer API versions, the
 * input figures again).
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming
 */
function anthropicWatcher(): StreamWatcher {
  let usage: Usage | undefined;
  let final = false;
  let error: string | undefined;
  return {
    filters: false,
    see(event) {
      if (!mayCarry(event.raw, '"usage"') && !mayCarry(event.raw, '"error"')) return KEEP;
      const data = parse<{ message?: { usage?: unknown }; usage?: unknown; error?: { message?: string } }>(event.data);
      if (!data) return KEEP;
      if (event.event === 'message_start') usage = usageOf.anthropic(data.message?.usage, usage);
      else if (event.event === 'message_delta') {
        usage = usageOf.anthropic(data.usage, usage);
        final = true;
      }
      else if (event.event === 'error') error = data.error?.message ?? 'upstream reported an error';
      return KEEP;
    },
    usage: () => usage,
    // message_start's output figure is a placeholder; message_delta's is the count.
    final: () => final,
    error: () => error,
  };
}

/**
 * Gemini (`alt=sse`): chunks may carry `usageMetadata`; the last one has the
 * final figures.
 * @see https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
 */
function geminiWatcher(): StreamWatcher {
  let usage: Usage | undefined;
  let final = false;
  let error: string | undefined;
  return {
    filters: false,
    see(event) {
      if (!mayCarry(event.raw, '"usageMetadata"') && !mayCarry(event.raw, '"error"')) return KEEP;
      const data = parse<{ usageMetadata?: unknown; candidates?: { finishReason?: unknown }[]; error?: { message?: string } }>(event.data);
      if (!data) return KEEP;
      const found = usageOf.gemini(data.usageMetadata);
      usage = found ?? usage;
      if (found && typeof data.candidates?.[0]?.finishReason === 'string') final = true;
      if (data.error) error = data.error.message ?? 'upstream reported an error';
      return KEEP;
    },
    usage: () => usage,
    // Every chunk may carry the counts so far; the one with the finish reason has the answer's.
    final: () => final,
    error: () => error,
  };
}
