import type { Protocol } from '../protocols/protocol.js';
import type { SseEvent } from './sse.js';
import type { IRError, IREvent, IRRequest, IRResponse, Warnings } from './ir.js';

/** Turns one protocol's upstream SSE events into IR events, keeping whatever state the protocol needs. */
export interface StreamDecoder {
  push(event: SseEvent): IREvent[];
  /** The upstream stream ended; returns any events still owed (a stream may end without a finish). */
  end(): IREvent[];
}

/** Turns IR events into one protocol's SSE text for the client, in the exact order its SDK expects. */
export interface StreamEncoder {
  /** SSE text to send now (possibly several events, possibly empty). */
  push(event: IREvent): string;
  /** The IR stream ended; closes whatever is still open (final events, `[DONE]`). */
  end(): string;
}

/** What the client's URL says, for protocols that put request fields there (Gemini: model and streaming). */
export interface RequestHints {
  model?: string;
  stream?: boolean;
}

/**
 * How a JSON-schema answer is asked of an Anthropic upstream: `native`
 * (`output_config.format`), `tool` (a forced tool, or the system prompt when
 * a tool cannot be forced), `prompt` (the schema in the system prompt).
 */
export type StructuredOutputMode = 'native' | 'tool' | 'prompt';

/** What the route says about how to encode for its upstream, beyond the model. */
export interface EncodeOptions {
  /** Anthropic upstreams only; absent: `native`. */
  structuredOutput?: StructuredOutputMode;
}

/**
 * One protocol's wire format and the IR, in both directions. A codec knows
 * nothing about HTTP, providers, keys or billing.
 */
export interface Codec {
  protocol: Protocol;
  /** Client body -> IR. Throws a GatewayError (400, naming the field) on bad input. */
  decodeRequest(body: unknown, hints?: RequestHints): IRRequest;
  /** IR -> upstream body, for the upstream's model id. Lossy parts are dropped with a warning. */
  encodeRequest(request: IRRequest, upstreamModel: string, options?: EncodeOptions): { body: unknown; warnings: Warnings };
  /** Upstream body -> IR. */
  decodeResponse(body: unknown): IRResponse;
  /** IR -> client body. `request` is the client's own request (for ids, the model it asked for, options). */
  encodeResponse(response: IRResponse, request: IRRequest): unknown;
  decodeStream(): StreamDecoder;
  encodeStream(request: IRRequest): StreamEncoder;
  /** An upstream's error answer (status and body text) -> IR. */
  decodeError(status: number, body: string): IRError;
  /** IR error -> the client's error status and body. */
  encodeError(error: IRError): { status: number; body: unknown };
  /** IR error -> the SSE text that tells a streaming client its stream failed. */
  encodeStreamError(error: IRError): string;
}
