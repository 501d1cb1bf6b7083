/**
 * Responses `usage` <-> the gateway's Usage. OpenAI counts cached prompt
 * tokens inside `input_tokens` and reasoning inside `output_tokens`.
 * @see https://platform.openai.com/docs/api-reference/responses/object#responses/object-usage
 */
import { isRecord } from '../shared/json.js';
import { num } from './wire.js';
import type { Usage } from '../ir.js';

export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export function decodeUsage(usage: unknown): Usage {
  const u = isRecord(usage) ? usage : {};
  const input = num(u.input_tokens) ?? 0;
  const cached = isRecord(u.input_tokens_details) ? (num(u.input_tokens_details.cached_tokens) ?? 0) : 0;
  const output = num(u.output_tokens) ?? 0;
  const reasoning = isRecord(u.output_tokens_details) ? (num(u.output_tokens_details.reasoning_tokens) ?? 0) : 0;
  return {
    inputTokens: Math.max(0, input - cached),
    cacheReadTokens: cached,
    cacheWriteTokens: 0,
    outputTokens: output,
    reasoningTokens: reasoning,
  };
}

/** Cache writes (Anthropic) are prompt tokens too, so they count into `input_tokens`. */
export function encodeUsage(usage: Usage): ResponsesUsage {
  const input = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: usage.cacheReadTokens },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    total_tokens: input + usage.outputTokens,
  };
}
