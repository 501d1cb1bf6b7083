/**
 * The parts of the Anthropic Messages wire format this codec reads and writes.
 * Upstream replies are read loosely (every field optional), so API drift does
 * not break parsing; unknown block types and fields are carried, not narrowed.
 * @see https://docs.anthropic.com/en/api/messages
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming
 */

/** The protocol name used in `IRRequest.extra`. */
export const ANTHROPIC_PROTOCOL = 'anthropic-messages';

/** A JSON object as it came over the wire. */
export type WireObject = Record<string, unknown>;

export interface WireCacheControl {
  type: string;
  ttl?: string;
}

export interface WireTextBlock {
  type: 'text';
  text: string;
  cache_control?: WireCacheControl;
  citations?: unknown;
}

export type WireSource =
  | { type: 'base64'; media_type: string; data: string }
  | { type: 'url'; url: string }
  | { type: 'file'; file_id: string }
  /** Plain-text document source: `data` is the text itself, not base64. */
  | { type: 'text'; media_type: string; data: string }
  | { type: 'content'; content: string | WireObject[] };

export interface WireUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
}

/**
 * The request body fields this codec maps to the IR; every other top-level
 * field goes to `extra.fields`. A known field whose canonical encoding
 * differs from the client's goes to `extra.replay` (`output_config` always:
 * the IR carries its format and effort, but the encoder would not write it).
 */
export const KNOWN_REQUEST_FIELDS = [
  'model',
  'messages',
  'system',
  'max_tokens',
  'temperature',
  'top_p',
  'top_k',
  'stop_sequences',
  'stream',
  'tools',
  'tool_choice',
  'thinking',
  'metadata',
  'output_config',
] as const;

/** The `stop_reason` values Anthropic documents (the type stays open: new values pass through). */
export const ANTHROPIC_STOP_REASONS = [
  'end_turn',
  'max_tokens',
  'stop_sequence',
  'tool_use',
  'pause_turn',
  'refusal',
  'model_context_window_exceeded',
] as const;

/** One SSE frame the way the Anthropic API writes it: `event:` then one `data:` line. */
export function sseFrame(data: { type: string } & WireObject): string {
  return `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;
}
