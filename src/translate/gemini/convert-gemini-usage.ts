import { isRecord } from '../shared/json.js';
import type { GeminiUsageMetadata } from './gemini-wire.js';
import type { Usage } from '../ir.js';

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/**
 * Gemini `usageMetadata` -> Usage. `promptTokenCount` includes the cached
 * tokens, so they are taken out of the input; tool-use prompt tokens (search
 * results and the like) are billed as input and added to it. Thoughts are
 * counted apart from `candidatesTokenCount`, so output = candidates + thoughts.
 * @see https://ai.google.dev/api/generate-content#UsageMetadata
 */
export function decodeGeminiUsage(metadata: unknown): Usage | undefined {
  if (!isRecord(metadata)) return undefined;
  const u = metadata as GeminiUsageMetadata;
  const cached = count(u.cachedContentTokenCount);
  const thoughts = count(u.thoughtsTokenCount);
  return {
    inputTokens: Math.max(0, count(u.promptTokenCount) - cached) + count(u.toolUsePromptTokenCount),
    outputTokens: count(u.candidatesTokenCount) + thoughts,
    cacheReadTokens: cached,
    cacheWriteTokens: 0,
    reasoningTokens: thoughts,
  };
}

/** Usage -> Gemini `usageMetadata`: cache reads and writes go back inside the prompt count. */
export function encodeGeminiUsage(usage: Partial<Usage> | undefined): GeminiUsageMetadata {
  const input = usage?.inputTokens ?? 0;
  const cacheRead = usage?.cacheReadTokens ?? 0;
  const cacheWrite = usage?.cacheWriteTokens ?? 0;
  const output = usage?.outputTokens ?? 0;
  const reasoning = Math.min(usage?.reasoningTokens ?? 0, output);
  const prompt = input + cacheRead + cacheWrite;
  const metadata: GeminiUsageMetadata = {
    promptTokenCount: prompt,
    candidatesTokenCount: output - reasoning,
    totalTokenCount: prompt + output,
  };
  if (cacheRead > 0) metadata.cachedContentTokenCount = cacheRead;
  if (reasoning > 0) metadata.thoughtsTokenCount = reasoning;
  return metadata;
}
