import type { Protocol } from '../protocols/protocol.js';
import { decodeOpenAIChatUsage } from '../translate/openai-chat/convert-openai-chat-usage.js';
import { decodeUsage as decodeOpenAIResponsesUsage } from '../translate/openai-responses/convert-openai-responses-usage.js';
import { completeUsage, fromAnthropicUsagePartial } from '../translate/anthropic/convert-anthropic-usage.js';
import { decodeGeminiUsage } from '../translate/gemini/convert-gemini-usage.js';
import { isRecord } from '../translate/shared/json.js';
import type { Usage } from '../translate/ir.js';

/**
 * Usage read from pass-through traffic, in each protocol's own meaning,
 * through the same converters the codecs use: uncached input, cache read,
 * cache write, output (reasoning included), reasoning, kept apart.
 * Each returns undefined when the object carries no usage at all.
 */
export const usageOf = {
  openaiChat: (u: unknown): Usage | undefined => (isRecord(u) ? decodeOpenAIChatUsage(u) : undefined),
  openaiResponses: (u: unknown): Usage | undefined => (isRecord(u) ? decodeOpenAIResponsesUsage(u) : undefined),
  /** Anthropic streams state some figures per event; `base` holds what earlier events said. */
  anthropic: (u: unknown, base?: Usage): Usage | undefined =>
    isRecord(u) ? completeUsage({ ...base, ...fromAnthropicUsagePartial(u) }) : base,
  gemini: (u: unknown): Usage | undefined => decodeGeminiUsage(u),
};

/** Usage from a whole (non-streamed) response body in a protocol, already parsed from its JSON. */
export function usageFromBody(protocol: Protocol, body: unknown): Usage | undefined {
  if (!isRecord(body)) return undefined;
  switch (protocol) {
    case 'openai-chat':
    case 'openai-completions':
    case 'openai-embeddings':
      return usageOf.openaiChat(body.usage);
    case 'openai-responses':
      return usageOf.openaiResponses(body.usage);
    case 'anthropic-messages':
      return usageOf.anthropic(body.usage);
    case 'gemini':
      return usageOf.gemini(body.usageMetadata);
    // Searches and tokens, read through the rerank codecs (gateway/rerank.ts);
    // images and audio with their units by usage/media-usage.ts.
    case 'rerank-cohere-v1':
    case 'rerank-cohere-v2':
    case 'rerank-jina':
    case 'rerank-voyage':
    case 'openai-images':
    case 'openai-audio':
      return undefined;
    default:
      return protocol satisfies never;
  }
}
