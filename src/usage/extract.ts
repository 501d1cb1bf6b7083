import type { Usage } from '../store/types.js';

/**
 * Reads token usage in each protocol's own meaning and stores it apart:
 * uncached input, cache read, cache write, output (reasoning included), reasoning.
 */

interface OpenAIUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number | null } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null } | null;
}

/**
 * OpenAI counts cached prompt tokens inside `prompt_tokens`.
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-usage
 */
export function fromOpenAIUsage(u: OpenAIUsage | null | undefined): Usage | undefined {
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

/** Usage from a whole (non-streamed) JSON response body. */
export function usageFromBody(protocol: 'openai' | 'anthropic', body: string): Usage | undefined {
  let parsed: { usage?: unknown };
  try {
    parsed = JSON.parse(body) as { usage?: unknown };
  } catch {
    return undefined;
  }
  return protocol === 'openai'
    ? fromOpenAIUsage(parsed.usage as OpenAIUsage)
    : fromAnthropicUsage(parsed.usage as AnthropicUsage);
}
