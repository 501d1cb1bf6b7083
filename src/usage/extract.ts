import type { Protocol } from '../protocols/protocol.js';
import type { Usage } from '../store/types.js';

/**
 * Reads token usage in each protocol's own meaning and stores it apart:
 * uncached input, cache read, cache write, output (reasoning included), reasoning.
 */

interface OpenAIChatUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number | null } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null } | null;
}

/**
 * OpenAI Chat and Embeddings count cached prompt tokens inside `prompt_tokens`.
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-usage
 */
export function fromOpenAIUsage(u: OpenAIChatUsage | null | undefined): Usage | undefined {
  if (!u || typeof u !== 'object') return undefined;
  const cached = u.prompt_tokens_details?.cached_tokens ?? 0;
  return {
    inputTokens: Math.max(0, (u.prompt_tokens ?? 0) - cached),
    outputTokens: u.completion_tokens ?? 0,
    cacheReadTokens: cached,
    cacheWriteTokens: 0,
    reasoningTokens: u.completion_tokens_details?.reasoning_tokens ?? 0,
  };
}

interface OpenAIResponsesUsage {
  input_tokens?: number;
  output_tokens?: number;
  input_tokens_details?: { cached_tokens?: number | null } | null;
  output_tokens_details?: { reasoning_tokens?: number | null } | null;
}

/**
 * OpenAI Responses: `input_tokens` includes cached ones, `output_tokens` includes reasoning.
 * @see https://platform.openai.com/docs/api-reference/responses/object#responses/object-usage
 */
export function fromOpenAIResponsesUsage(u: OpenAIResponsesUsage | null | undefined): Usage | undefined {
  if (!u || typeof u !== 'object') return undefined;
  const cached = u.input_tokens_details?.cached_tokens ?? 0;
  return {
    inputTokens: Math.max(0, (u.input_tokens ?? 0) - cached),
    outputTokens: u.output_tokens ?? 0,
    cacheReadTokens: cached,
    cacheWriteTokens: 0,
    reasoningTokens: u.output_tokens_details?.reasoning_tokens ?? 0,
  };
}

interface AnthropicUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

/**
 * Anthropic's `input_tokens` already excludes cache reads and writes.
 * @see https://docs.anthropic.com/en/api/messages#response-usage
 */
export function fromAnthropicUsage(u: AnthropicUsage | null | undefined, base?: Usage): Usage | undefined {
  if (!u || typeof u !== 'object') return base;
  return {
    inputTokens: u.input_tokens ?? base?.inputTokens ?? 0,
    outputTokens: u.output_tokens ?? base?.outputTokens ?? 0,
    cacheReadTokens: u.cache_read_input_tokens ?? base?.cacheReadTokens ?? 0,
    cacheWriteTokens: u.cache_creation_input_tokens ?? base?.cacheWriteTokens ?? 0,
    reasoningTokens: 0,
  };
}

interface GeminiUsage {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  cachedContentTokenCount?: number;
  toolUsePromptTokenCount?: number;
}

/**
 * Gemini: `promptTokenCount` includes cached content; thoughts are counted
 * apart from `candidatesTokenCount`, so output = candidates + thoughts.
 * @see https://ai.google.dev/api/generate-content#UsageMetadata
 */
export function fromGeminiUsage(u: GeminiUsage | null | undefined): Usage | undefined {
  if (!u || typeof u !== 'object') return undefined;
  const cached = u.cachedContentTokenCount ?? 0;
  const thoughts = u.thoughtsTokenCount ?? 0;
  return {
    inputTokens: Math.max(0, (u.promptTokenCount ?? 0) + (u.toolUsePromptTokenCount ?? 0) - cached),
    outputTokens: (u.candidatesTokenCount ?? 0) + thoughts,
    cacheReadTokens: cached,
    cacheWriteTokens: 0,
    reasoningTokens: thoughts,
  };
}

/** Usage from a whole (non-streamed) JSON response body in a protocol. */
export function usageFromBody(protocol: Protocol, body: string): Usage | undefined {
  let parsed: { usage?: unknown; usageMetadata?: unknown; input_tokens?: unknown };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    return undefined;
  }
  switch (protocol) {
    case 'openai-chat':
    case 'openai-embeddings':
      return fromOpenAIUsage(parsed.usage as OpenAIChatUsage);
    case 'openai-responses':
      return fromOpenAIResponsesUsage(parsed.usage as OpenAIResponsesUsage);
    case 'anthropic-messages':
      return fromAnthropicUsage(parsed.usage as AnthropicUsage);
    case 'gemini':
      return fromGeminiUsage(parsed.usageMetadata as GeminiUsage);
    default:
      return protocol satisfies never;
  }
}
