/**
 * The canonical, protocol-neutral request / response / stream-event model
 * that translation goes through. Every codec maps its wire format to and from
 * these types and nothing else; no codec knows about another.
 *
 * Rules:
 * - Opaque upstream values (reasoning effort, roles we do not know, enum
 *   values) are carried as plain strings, never narrowed.
 * - Each codec keeps what the IR cannot say in `extra` (request level), so a
 *   round trip through the same protocol gives the client's body back. Only
 *   real losses (`extra.fields`, `extra.lost`) are warned about when the
 *   target protocol is another; the client's raw spelling of things the IR
 *   does carry (`extra.replay`) is silently left behind.
 * - Vendor-bound data (thinking signatures, encrypted reasoning) records its
 *   `vendor`, and encoders for another vendor drop it with a warning.
 */

export type Vendor = 'openai' | 'anthropic' | 'gemini';

/** Prompt-cache hint (Anthropic `cache_control`); other shapes drop it. */
export interface IRCacheControl {
  type: string;
  ttl?: string;
}

export type IRMediaSource =
  | { kind: 'base64'; mediaType: string; data: string }
  | { kind: 'url'; url: string; mediaType?: string }
  /** A provider-side file id (OpenAI `file_id`, Anthropic `file_id`, Gemini `fileUri`). */
  | { kind: 'file-id'; id: string; mediaType?: string };

export interface IRTextPart {
  type: 'text';
  text: string;
  cacheControl?: IRCacheControl;
}

export interface IRImagePart {
  type: 'image';
  source: IRMediaSource;
  /** OpenAI's `detail` (`auto` | `low` | `high`), kept opaque. */
  detail?: string;
  cacheControl?: IRCacheControl;
}

/** A document or other file (PDF, text, audio…). */
export interface IRFilePart {
  type: 'file';
  source: IRMediaSource;
  filename?: string;
  cacheControl?: IRCacheControl;
}

export interface IRToolCallPart {
  type: 'tool-call';
  /** Kept stable across a round trip: the id the client will send back with the result. */
  id: string;
  name: string;
  /** The arguments as JSON text, exactly as the model produced them. */
  arguments: string;
}

export interface IRToolResultPart {
  type: 'tool-result';
  toolCallId: string;
  /** The tool's name when the shape carries it (Gemini needs it; others may not send it). */
  name?: string;
  /** Text, images or files the tool returned; a plain string result becomes one text part. */
  content: (IRTextPart | IRImagePart | IRFilePart)[];
  isError?: boolean;
  cacheControl?: IRCacheControl;
}

/** Reasoning / thinking output, and what the vendor needs back to continue it. */
export interface IRReasoningPart {
  type: 'reasoning';
  /** Readable reasoning text or summary (may be empty when only encrypted content exists). */
  text: string;
  /** Which vendor produced it: signatures and encrypted content only mean something there. */
  vendor?: Vendor;
  /** Anthropic `signature` on a thinking block; Gemini `thoughtSignature`. */
  signature?: string;
  /** Anthropic `redacted_thinking.data`, OpenAI `encrypted_content`. */
  encrypted?: string;
  /** True for Anthropic `redacted_thinking` blocks. */
  redacted?: boolean;
  /** OpenAI Responses reasoning item id (`rs_…`). */
  itemId?: string;
}

export type IRPart = IRTextPart | IRImagePart | IRFilePart | IRToolCallPart | IRToolResultPart | IRReasoningPart;

/**
 * One turn of the conversation, in the order the client sent it.
 *
 * - `user` and `assistant` turns; tool results travel as `tool-result` parts
 *   in a `user` message.
 * - `system`: instructions the client placed mid-conversation (Anthropic's
 *   `system` messages inside `messages`, OpenAI `system` / `developer`
 *   messages or items after the first turn). They hold text parts only and
 *   apply from their position on; instructions ahead of the first turn go to
 *   `IRRequest.system` instead. Encoders keep the position where their
 *   protocol can (an OpenAI system / developer message) and otherwise fold
 *   the text into the nearest user turn (see shared/fold-system.ts).
 */
export interface IRMessage {
  role: 'user' | 'assistant' | 'system';
  content: IRPart[];
  /**
   * For `system` messages: the client's own name for the role (`system`,
   * `developer`), kept opaque, so an OpenAI encoder can answer in kind.
   */
  clientRole?: string;
}

export interface IRTool {
  name: string;
  description?: string;
  /** JSON Schema of the arguments. */
  parameters: Record<string, unknown>;
  strict?: boolean;
  cacheControl?: IRCacheControl;
  /**
   * A free-form tool (OpenAI `custom`): the model writes its input as plain
   * text. Every shape sees a function taking one string, `input` (in
   * `parameters`), and its calls carry `{"input": …}` as arguments; a
   * Responses encoder writes it back as a custom tool, with the client's
   * `format` (a grammar, kept opaque).
   */
  freeform?: { format?: unknown };
  /**
   * An OpenAI Responses namespace the tool sits in (`name`, `description`)
   * and the tool's own name inside it (`tool`). The IR name joins both
   * (`<namespace>__<tool>`), so other shapes see one flat function; a
   * Responses encoder groups and names them as the client did.
   */
  namespace?: { name: string; description?: string; tool: string };
}

export type IRToolChoice = { type: 'auto' } | { type: 'none' } | { type: 'required' } | { type: 'tool'; name: string };

export type IRResponseFormat =
  | { type: 'text' }
  | { type: 'json' }
  | { type: 'json-schema'; name: string; schema: Record<string, unknown>; strict?: boolean; description?: string };

export interface IRReasoningConfig {
  /** OpenAI `reasoning_effort` / Responses `reasoning.effort`, Anthropic `output_config.effort`, Gemini `thinkingLevel`, kept opaque. */
  effort?: string;
  /** Anthropic `thinking.budget_tokens`, Gemini `thinkingBudget` (positive; 0 is `disabled`). */
  budgetTokens?: number;
  /** Whether thinking is explicitly turned off. */
  disabled?: boolean;
  /** Thinking on, its depth left to the model (Anthropic `thinking.type: adaptive`, Gemini `thinkingBudget: -1`). */
  adaptive?: boolean;
  /** OpenAI Responses `reasoning.summary`. */
  summary?: string;
  /** Whether readable thoughts should be returned (Gemini `includeThoughts`, Anthropic `thinking.display`). */
  includeThoughts?: boolean;
}

export interface IRRequest {
  /** The public model id the client asked for. */
  model: string;
  /** System and developer instructions, in order. */
  system: IRTextPart[];
  messages: IRMessage[];
  tools: IRTool[];
  toolChoice?: IRToolChoice;
  parallelToolCalls?: boolean;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stopSequences?: string[];
  seed?: number;
  responseFormat?: IRResponseFormat;
  reasoning?: IRReasoningConfig;
  stream: boolean;
  /** An end-user id the client passed (OpenAI `user`, Anthropic `metadata.user_id`). */
  user?: string;
  /** What the source protocol said that the IR cannot (see IRExtra). */
  extra: IRExtra | null;
}

/**
 * A request's source-protocol data beyond the IR. Encoders for `protocol`
 * put back what `fields` and `replay` hold (a body key lives in one of the
 * two); encoders for any other protocol drop all of it, warning about
 * `fields` and `lost` only.
 */
export interface IRExtra {
  /** The protocol that decoded the request (the codec's protocol name). */
  protocol: string;
  /** Content the IR has no place for (`n`, `safetySettings`, `service_tier`…): a real loss for another protocol, warned by name. */
  fields: Record<string, unknown>;
  /**
   * Same-protocol-only data that carries nothing the IR lacks: the client's
   * own spelling of fields the IR did map (a string vs a block list, an
   * explicit null, `developer` vs `system`, `stream_options` the client-side
   * stream encoder honours…), kept so the round trip is byte-exact. Never warned.
   */
  replay?: Record<string, unknown>;
  /**
   * Real losses found inside data that is otherwise kept in `replay` (a
   * citation in a message, a server tool among the tools, a code-execution
   * part), each named with where it was: `citations in messages[1].content[2]`.
   * Warned like `fields` when the target is another protocol.
   */
  lost?: string[];
}

/**
 * Why generation stopped: a unified value plus the vendor's raw one, so an
 * encoder for the same vendor can give back exactly what it received.
 */
export interface IRFinish {
  unified: 'stop' | 'length' | 'tool-calls' | 'content-filter' | 'error' | 'other';
  raw: string | null;
  /** The stop sequence that ended generation, when the vendor says which. */
  stopSequence?: string | null;
}

/**
 * Token figures, kept apart because the protocols disagree on what "input"
 * means (OpenAI and Gemini count cached tokens in it, Anthropic does not) and
 * prices differ per part. Codecs map each protocol's figures to these.
 */
export interface Usage {
  /** Input tokens not read from a cache. */
  inputTokens: number;
  /** All output tokens, reasoning included. */
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** The part of outputTokens spent on reasoning. */
  reasoningTokens: number;
}

export const ZERO_USAGE: Usage = Object.freeze({
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
});

/**
 * What a request used that vendors bill by the unit rather than by the token:
 * images made, seconds of audio heard, characters spoken, rerank searches.
 * Kept on the request's row (`units`) beside its tokens, summed in the hourly
 * rollups, and priced by the model's unit prices (config `prices`). A request
 * may use both: an image model that bills its prompt in tokens and each
 * image by size.
 */
export interface Units {
  /** Images made (generations, edits). */
  images?: number;
  /** Their size as asked (`1024x1024`), which picks the per-image price. */
  imageSize?: string;
  /** Their quality as asked (`standard`, `hd`, `high`…), which picks the per-image price with the size. */
  imageQuality?: string;
  /** Seconds of audio transcribed or translated. */
  audioSeconds?: number;
  /** Characters of text turned into speech. */
  characters?: number;
  /** Rerank searches (a query over up to 100 documents is one search, as Cohere bills). */
  searches?: number;
  /** Web searches the gateway ran for the model (hosted tools), priced per 1,000. */
  webSearches?: number;
}

/** Whether any unit was used. */
export function usedUnits(units: Units | null | undefined): units is Units {
  return !!units && (units.images ?? 0) + (units.audioSeconds ?? 0) + (units.characters ?? 0) + (units.searches ?? 0) + (units.webSearches ?? 0) > 0;
}

export interface IRResponse {
  id: string;
  /** The model as the upstream named it. */
  model: string;
  content: IRPart[];
  finish: IRFinish;
  usage: Usage;
  /** Unix seconds. */
  created: number;
}

/**
 * Stream events, shaped like the answer's structure: each block (text,
 * reasoning, tool call) has an `id` unique within the response and
 * start / delta / end events, so interleaving is unambiguous.
 */
export type IREvent =
  | { type: 'response-start'; id: string; model: string; created: number; usage?: Partial<Usage> }
  | { type: 'text-start'; id: string }
  | { type: 'text-delta'; id: string; delta: string }
  | { type: 'text-end'; id: string }
  | { type: 'reasoning-start'; id: string; vendor?: Vendor; redacted?: boolean; itemId?: string }
  | { type: 'reasoning-delta'; id: string; delta: string }
  /** The signature or encrypted content that closes a reasoning block. */
  | { type: 'reasoning-signature'; id: string; signature?: string; encrypted?: string }
  | { type: 'reasoning-end'; id: string }
  | { type: 'tool-call-start'; id: string; toolCallId: string; name: string }
  | { type: 'tool-call-delta'; id: string; argumentsDelta: string }
  | { type: 'tool-call-end'; id: string }
  /** Usage as known so far; later events overwrite earlier figures field by field. */
  | { type: 'usage'; usage: Partial<Usage> }
  | { type: 'finish'; finish: IRFinish; usage?: Partial<Usage> }
  | { type: 'error'; error: IRError };

/** What kind of failure an upstream reported, so each client sees its own protocol's equivalent. */
export type IRErrorKind =
  | 'invalid-request'
  | 'context-length'
  | 'authentication'
  | 'permission'
  | 'not-found'
  | 'request-too-large'
  | 'rate-limit'
  | 'overloaded'
  | 'timeout'
  | 'server';

export interface IRError {
  kind: IRErrorKind;
  message: string;
  /** The HTTP status the upstream answered with (or the one chosen for the kind). */
  status: number;
}

/** Warnings about what a translation could not carry, stored with the request's log row. */
export type Warnings = string[];
