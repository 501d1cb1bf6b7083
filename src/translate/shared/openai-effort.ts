import type { IRReasoningConfig } from '../ir.js';
import { effortForBudget, effortForTarget, OPENAI_BUDGET_EFFORTS, OPENAI_EFFORTS, reasoningOff } from './reasoning-levels.js';

/**
 * OpenAI model families that do not reason: the API refuses reasoning
 * settings for them with a 400, so a request translated for them from
 * another shape leaves reasoning out (warned). Other ids (o-series, GPT-5,
 * compatible servers' models) get them.
 * @see https://platform.openai.com/docs/guides/reasoning
 */
const NON_REASONING_MODEL = /^(?:openai\/)?(?:gpt-4o|gpt-4\.\d|gpt-4-|gpt-4$|gpt-3\.5|chatgpt-4o)/;

export function refusesReasoning(model: string): boolean {
  return NON_REASONING_MODEL.test(model);
}

/**
 * The effort an OpenAI upstream (Chat `reasoning_effort`, Responses
 * `reasoning.effort`) gets for IR reasoning from another shape, by the table
 * in reasoning-levels.ts: an effort as is or as the nearest OpenAI level, a
 * budget as `low` / `medium` / `high`. Adaptive thinking sends nothing (the
 * model chooses); reasoning turned off without an effort cannot be said to
 * every OpenAI model, so it is dropped. `target` names the protocol in warnings.
 */
export function openaiEffort(reasoning: IRReasoningConfig, target: string, warn: (warning: string) => void): string | undefined {
  if (reasoning.effort !== undefined) {
    const sent = effortForTarget(reasoning.effort, OPENAI_EFFORTS);
    if (sent.mapped) warn(`reasoning effort "${reasoning.effort}" sent to ${target} as "${sent.effort}"`);
    return sent.effort;
  }
  if (reasoning.budgetTokens !== undefined && reasoning.budgetTokens > 0) {
    const effort = effortForBudget(reasoning.budgetTokens, OPENAI_BUDGET_EFFORTS);
    warn(`thinking budget ${reasoning.budgetTokens} sent to ${target} as reasoning effort "${effort}"`);
    return effort;
  }
  if (reasoningOff(reasoning)) warn(`dropped "reasoning off": ${target} cannot turn reasoning off for every model`);
  return undefined;
}
