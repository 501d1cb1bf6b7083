import type { Protocol } from '../protocols/protocol.js';
import type { RequestHints } from '../translate/codec.js';
import { ZERO_USAGE, type Usage } from '../translate/ir.js';
import { codecFor } from '../translate/registry.js';
import type { DeliveredOutput } from './delivered-output.js';
import { roughInputTokens } from './rough-tokens.js';

/** What is known of a stream that ended without the upstream's closing usage figure. */
export interface CutStream {
  /** The upstream's figures as far as they came (Anthropic's `message_start` input, Gemini's running counts), if any. */
  seen: Usage | undefined;
  delivered: DeliveredOutput;
  /** The shape of the events `delivered` kept raw (the upstream's, which is the client's when passed through). */
  protocol: Protocol;
  /** The request's input tokens, estimated (asked for only when the upstream reported none). */
  inputTokens: () => number;
}

/**
 * The usage to charge for a stream whose upstream never sent its final count:
 * the client left (the gateway cuts the upstream at once, so that it stops
 * generating, and its count never comes), or the upstream broke off.
 * Whatever the upstream did report is kept (real input figures, a running
 * output count); what it did not is estimated: the request's input, and the
 * output the client was sent. The row is marked estimated.
 */
export function cutStreamUsage(stream: CutStream): Usage {
  const seen = stream.seen ?? ZERO_USAGE;
  const seenInput = seen.inputTokens + seen.cacheReadTokens + seen.cacheWriteTokens;
  const input = seenInput > 0 ? {} : { inputTokens: stream.inputTokens() };
  return { ...seen, ...input, outputTokens: Math.max(seen.outputTokens, stream.delivered.tokens(stream.protocol)) };
}

/**
 * A client body's input tokens, estimated: read into the IR by its
 * protocol's codec and counted roughly (rough-tokens.ts). A body the codec
 * cannot read is taken at about four characters of JSON a token.
 */
export function bodyInputTokens(protocol: Protocol, json: Record<string, unknown>, hints: RequestHints): number {
  try {
    return roughInputTokens(codecFor(protocol).decodeRequest(json, { ...hints, stream: false }));
  } catch {
    return Math.ceil(JSON.stringify(json).length / 4);
  }
}
