import type { IRReasoningConfig } from '../ir.js';
import { ANTHROPIC_EFFORTS, budgetForEffort, effortForBudget, effortForTarget, reasoningOff } from '../shared/reasoning-levels.js';
import type { WireObject } from './anthropic-wire.js';

/** Anthropic's smallest thinking budget. @see https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking#working-with-thinking-budgets */
export const MIN_BUDGET = 1024;

/** Where encode-request.ts files warnings, by the body field they concern. */
export interface FieldWarner {
  add(field: string, message: string): void;
}

/** What the reasoning settings become on an Anthropic request. */
export interface ThinkingPlan {
  /** The `thinking` object, when there is one to send. */
  thinking?: WireObject;
  /** `output_config.effort`, when the IR's effort is sent as Anthropic's own. */
  effort?: string;
  /** An `enabled` budget: `max_tokens` must stay above it. */
  budget?: number;
  /** Tokens thinking may use, for the `max_tokens` sent when the client set none. */
  reserve: number;
}

/**
 * Claude models from 4.6 on think adaptively, steered by
 * `output_config.effort` (Opus 4.7 and later refuse `budget_tokens`);
 * earlier ones take a thinking budget. Read from ids such as
 * `claude-opus-4-6`, `claude-sonnet-4-5-20250929`, `claude-3-7-sonnet-20250219`.
 * @see https://platform.claude.com/docs/en/build-with-claude/adaptive-thinking
 */
export function thinksAdaptively(model: string): boolean {
  const match = /claude-(?:[a-z]+-)?(\d+)(?:[-.](\d{1,2})(?!\d))?/.exec(model);
  if (!match) return false;
  const major = Number(match[1]);
  const minor = Number(match[2] ?? 0);
  return major > 4 || (major === 4 && minor >= 6);
}

/**
 * IR reasoning -> `thinking` (and `output_config.effort`) for `model`, by
 * the table in shared/reasoning-levels.ts. `nativeEffort`: the client's own
 * `output_config.effort` is replayed, so the IR's effort is not re-encoded
 * (and, as Anthropic's effort, does not by itself turn thinking on).
 */
export function planThinking(reasoning: IRReasoningConfig | undefined, model: string, nativeEffort: boolean, warn: FieldWarner): ThinkingPlan {
  if (!reasoning) return { reserve: 0 };
  if (reasoningOff(reasoning)) return { thinking: { type: 'disabled' }, reserve: 0 };
  const effort = nativeEffort ? undefined : reasoning.effort;
  return thinksAdaptively(model) ? planAdaptive(reasoning, effort, warn) : planBudget(reasoning, effort, model, warn);
}

/** Adaptive thinking, its depth given as an effort (a budget becomes the effort the table maps it to). */
function planAdaptive(reasoning: IRReasoningConfig, effort: string | undefined, warn: FieldWarner): ThinkingPlan {
  let sent: string | undefined;
  if (effort !== undefined) {
    const target = effortForTarget(effort, ANTHROPIC_EFFORTS);
    if (target.mapped) warn.add('output_config', `reasoning effort "${effort}" sent to Anthropic as effort "${target.effort}"`);
    sent = target.effort;
  } else if (reasoning.budgetTokens !== undefined) {
    sent = effortForBudget(reasoning.budgetTokens, ANTHROPIC_EFFORTS);
    warn.add('thinking', `thinking budget ${reasoning.budgetTokens} sent to Anthropic as adaptive thinking with effort "${sent}"`);
  }
  if (sent === undefined && !reasoning.adaptive) return { reserve: 0 };
  return { thinking: { type: 'adaptive' }, ...(sent !== undefined ? { effort: sent } : {}), reserve: budgetForEffort(sent ?? 'high') ?? 0 };
}

/** An `enabled` thinking budget: the IR's own, or the one the table gives an effort or adaptive thinking. */
function planBudget(reasoning: IRReasoningConfig, effort: string | undefined, model: string, warn: FieldWarner): ThinkingPlan {
  let budget = reasoning.budgetTokens;
  if (budget !== undefined) {
    if (budget < MIN_BUDGET) {
      warn.add('thinking', `thinking budget ${budget} raised to Anthropic's minimum of ${MIN_BUDGET}`);
      budget = MIN_BUDGET;
    }
  } else if (effort !== undefined) {
    budget = budgetForEffort(effort);
    if (budget === undefined) {
      warn.add('thinking', `dropped reasoning effort "${effort}": no Anthropic thinking budget for it`);
      return { reserve: 0 };
    }
    budget = Math.max(budget, MIN_BUDGET);
    warn.add('thinking', `reasoning effort "${effort}" sent to Anthropic as thinking budget_tokens ${budget}`);
  } else if (reasoning.adaptive) {
    budget = budgetForEffort('medium') ?? MIN_BUDGET;
    warn.add('thinking', `adaptive thinking sent to ${model} as thinking budget_tokens ${budget}: it takes a budget`);
  }
  if (budget === undefined) return { reserve: 0 };
  return { thinking: { type: 'enabled', budget_tokens: budget }, budget, reserve: budget };
}

/**
 * With thinking on, Anthropic refuses a tool loop whose last assistant turn
 * (the one with the `tool_use` blocks the final user turn answers) does not
 * start with the thinking it signed, and names the way out: thinking off.
 * A client of another shape cannot always send that thinking back (OpenAI
 * Chat has no field for its signature), so such a request goes without thinking.
 * @see https://platform.claude.com/docs/en/build-with-claude/extended-thinking#preserving-thinking-blocks
 */
export function toolTurnWithoutThinking(messages: WireObject[]): boolean {
  const last = messages.at(-1);
  if (last?.role !== 'user' || !blocksOf(last).some((b) => b.type === 'tool_result')) return false;
  const assistant = messages.findLast((m) => m.role === 'assistant');
  if (!assistant) return false;
  const blocks = blocksOf(assistant);
  if (!blocks.some((b) => b.type === 'tool_use')) return false;
  const first = blocks[0]?.type;
  return first !== 'thinking' && first !== 'redacted_thinking';
}

export const THINKING_OFF_FOR_TOOL_TURN =
  "thinking turned off for this request: the last assistant turn's tool calls came back without Anthropic's signed thinking, which the API requires while thinking is on";

function blocksOf(message: WireObject): WireObject[] {
  return Array.isArray(message.content) ? (message.content.filter((b) => typeof b === 'object' && b !== null) as WireObject[]) : [];
}
