import { isRecord } from '../shared/json.js';
import type { ChatUsage } from './openai-chat-wire.js';
import type { Usage } from '../ir.js';

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/**
 * OpenAI Chat `usage` -> Usage. `prompt_tokens` includes the cached prompt
 * tokens and `completion_tokens` includes the reasoning tokens, so the cached
 * part is taken out of the input figure; reasoning stays inside output.
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-usage
 *
 * Compatible servers name their cache figures their own way; each name below
 * belongs to one vendor and means one thing, so all are read for every
 * upstream (none is a guess). All are parts of `prompt_tokens`:
 * - cache reads: OpenAI's `prompt_tokens_details.cached_tokens` (also Qwen,
 *   OpenRouter, Kimi K2); DeepSeek's top-level `prompt_cache_hit_tokens`
 *   (https://api-docs.deepseek.com/guides/kv_cache); Moonshot's top-level
 *   `cached_tokens` (its context caching, https://platform.moonshot.cn/docs/api/caching);
 * - cache writes: OpenRouter's `prompt_tokens_details.cache_write_tokens`
 *   (https://openrouter.ai/docs/use-cases/usage-accounting); Qwen's explicit
 *   cache `prompt_tokens_details.cache_creation_input_tokens`
 *   (https://www.alibabacloud.com/help/en/model-studio/context-cache).
 */
export function decodeOpenAIChatUsage(usage: unknown): Usage {
  if (!isRecord(usage)) return { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
  const prompt = count(usage.prompt_tokens);
  const details = isRecord(usage.prompt_tokens_details) ? usage.prompt_tokens_details : {};
  // The largest of the read figures: a server that sends two of them (DeepSeek, Kimi) sends the same number twice.
  const cached = Math.max(count(details.cached_tokens), count(usage.prompt_cache_hit_tokens), count(usage.cached_tokens));
  const written = Math.max(count(details.cache_write_tokens), count(details.cache_creation_input_tokens));
  const reasoning = isRecord(usage.completion_tokens_details) ? count(usage.completion_tokens_details.reasoning_tokens) : 0;
  return {
    inputTokens: Math.max(0, prompt - cached - written),
    outputTokens: count(usage.completion_tokens),
    cacheReadTokens: cached,
    cacheWriteTokens: written,
    reasoningTokens: reasoning,
  };
}

/**
 * Usage -> OpenAI Chat `usage`. Cache reads and cache writes (Anthropic's)
 * are prompt tokens too, so both go back into `prompt_tokens`; OpenAI has no
 * field for cache writes, so that split is lost.
 */
export function encodeOpenAIChatUsage(usage: Partial<Usage>): ChatUsage {
  const cached = usage.cacheReadTokens ?? 0;
  const prompt = (usage.inputTokens ?? 0) + cached + (usage.cacheWriteTokens ?? 0);
  const completion = usage.outputTokens ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cached },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
  };
}

/**
 * A stream chunk's usage object: `usage` beside `choices` (OpenAI), or, from
 * Moonshot, inside the last chunk's choice (`choices[0].usage`).
 * @see https://platform.moonshot.cn/docs/guide/utilize-the-streaming-output-feature-of-kimi-api
 */
export function chunkUsageOf(chunk: { usage?: unknown; choices?: unknown }): unknown {
  if (isRecord(chunk.usage)) return chunk.usage;
  const first: unknown = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
  return isRecord(first) && isRecord(first.usage) ? first.usage : undefined;
}
