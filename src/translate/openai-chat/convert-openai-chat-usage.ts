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
 */
export function decodeOpenAIChatUsage(usage: unknown): Usage {
  if (!isRecord(usage)) return { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
  const prompt = count(usage.prompt_tokens);
  const cached = isRecord(usage.prompt_tokens_details) ? count(usage.prompt_tokens_details.cached_tokens) : 0;
  const reasoning = isRecord(usage.completion_tokens_details) ? count(usage.completion_tokens_details.reasoning_tokens) : 0;
  return {
    inputTokens: Math.max(0, prompt - cached),
    outputTokens: count(usage.completion_tokens),
    cacheReadTokens: cached,
    cacheWriteTokens: 0,
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
