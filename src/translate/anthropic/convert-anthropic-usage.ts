import { isRecord } from '../shared/json.js';
import type { WireUsage } from './anthropic-wire.js';
import type { Usage } from '../ir.js';

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * The figures an Anthropic `usage` object states, and only those (stream
 * events carry some fields and not others). Anthropic's `input_tokens`
 * already excludes cache reads and writes, so no subtraction is needed.
 * @see https://docs.anthropic.com/en/api/messages#response-usage
 */
export function fromAnthropicUsagePartial(usage: unknown): Partial<Usage> {
  if (!isRecord(usage)) return {};
  const out: Partial<Usage> = {};
  const input = count(usage.input_tokens);
  const output = count(usage.output_tokens);
  const cacheRead = count(usage.cache_read_input_tokens);
  const cacheWrite = count(usage.cache_creation_input_tokens);
  const details = usage.output_tokens_details;
  const reasoning = isRecord(details) ? count(details.thinking_tokens) : undefined;
  if (input !== undefined) out.inputTokens = input;
  if (output !== undefined) out.outputTokens = output;
  if (cacheRead !== undefined) out.cacheReadTokens = cacheRead;
  if (cacheWrite !== undefined) out.cacheWriteTokens = cacheWrite;
  if (reasoning !== undefined) out.reasoningTokens = reasoning;
  return out;
}

/** Fills the figures a partial usage leaves out with zeros. */
export function completeUsage(usage: Partial<Usage>): Usage {
  return {
    inputTokens: usage.inputTokens ?? 0,
    outputTokens: usage.outputTokens ?? 0,
    cacheReadTokens: usage.cacheReadTokens ?? 0,
    cacheWriteTokens: usage.cacheWriteTokens ?? 0,
    reasoningTokens: usage.reasoningTokens ?? 0,
  };
}

export function fromAnthropicUsage(usage: unknown): Usage {
  return completeUsage(fromAnthropicUsagePartial(usage));
}

/** IR usage -> Anthropic `usage` (cache figures kept apart from `input_tokens`, as Anthropic reports them). */
export function toAnthropicUsage(usage: Partial<Usage>): WireUsage {
  const out: WireUsage = {
    input_tokens: usage.inputTokens ?? 0,
    cache_creation_input_tokens: usage.cacheWriteTokens ?? 0,
    cache_read_input_tokens: usage.cacheReadTokens ?? 0,
    output_tokens: usage.outputTokens ?? 0,
  };
  if (usage.reasoningTokens) out.output_tokens_details = { thinking_tokens: usage.reasoningTokens };
  return out;
}
