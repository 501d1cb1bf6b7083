import type { IRReasoningConfig } from '../ir.js';

/**
 * The one table reasoning settings cross shapes by (docs/translation.md,
 * "Reasoning"): effort levels, weakest first, each with the thinking budget
 * it stands for and the highest budget that maps back to it. Efforts stay
 * opaque strings: a level this table does not know is forwarded verbatim to
 * a target that takes an effort, and has no budget.
 */
const LEVELS = [
  { effort: 'none', budget: 0, upTo: 0 },
  { effort: 'minimal', budget: 1024, upTo: 1024 },
  { effort: 'low', budget: 2048, upTo: 4096 },
  { effort: 'medium', budget: 8192, upTo: 12288 },
  { effort: 'high', budget: 16384, upTo: 20480 },
  { effort: 'xhigh', budget: 24576, upTo: 28672 },
  { effort: 'max', budget: 32768, upTo: Infinity },
] as const;

/**
 * OpenAI `reasoning_effort` / `reasoning.effort` levels.
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-reasoning_effort
 */
export const OPENAI_EFFORTS = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'] as const;
/** What every OpenAI reasoning model accepts: a budget becomes one of these. */
export const OPENAI_BUDGET_EFFORTS = ['low', 'medium', 'high'] as const;
/**
 * Anthropic `output_config.effort` levels.
 * @see https://platform.claude.com/docs/en/build-with-claude/effort
 */
export const ANTHROPIC_EFFORTS = ['low', 'medium', 'high', 'xhigh', 'max'] as const;
/**
 * Gemini 3 `thinkingConfig.thinkingLevel` levels.
 * @see https://ai.google.dev/gemini-api/docs/thinking#thinking-levels
 */
export const GEMINI_LEVELS = ['minimal', 'low', 'medium', 'high'] as const;

function indexOf(effort: string): number {
  return LEVELS.findIndex((level) => level.effort === effort);
}

/** The thinking budget an effort stands for; undefined for an effort the table does not know. */
export function budgetForEffort(effort: string): number | undefined {
  return LEVELS[indexOf(effort)]?.budget;
}

/** The level a positive budget maps to, then the nearest one `accepted` holds. */
export function effortForBudget(budget: number, accepted: readonly string[]): string {
  const level = LEVELS.find((l) => budget <= l.upTo) ?? LEVELS[LEVELS.length - 1];
  return nearestAccepted(level.effort, accepted);
}

/**
 * An effort for a target that takes the `accepted` levels: as is when the
 * target takes it or the table does not know it (opaque, the upstream
 * judges), else the nearest level the target takes (`mapped`, to be warned).
 */
export function effortForTarget(effort: string, accepted: readonly string[]): { effort: string; mapped: boolean } {
  if (accepted.includes(effort) || indexOf(effort) < 0) return { effort, mapped: false };
  return { effort: nearestAccepted(effort, accepted), mapped: true };
}

/** The accepted level nearest to a known one on the table (the weaker one on a tie). */
function nearestAccepted(effort: string, accepted: readonly string[]): string {
  const at = indexOf(effort);
  let best: string | undefined;
  let distance = Infinity;
  for (const candidate of accepted) {
    const d = Math.abs(indexOf(candidate) - at);
    if (d < distance) {
      best = candidate;
      distance = d;
    }
  }
  return best ?? effort;
}

/** Whether the request turns reasoning off: `disabled`, effort `none`, or a zero budget. */
export function reasoningOff(reasoning: IRReasoningConfig): boolean {
  return reasoning.disabled === true || reasoning.effort === 'none' || reasoning.budgetTokens === 0;
}
