import type { IRFinish } from '../ir.js';
import { ANTHROPIC_STOP_REASONS } from './anthropic-wire.js';

/**
 * Anthropic `stop_reason` -> unified finish reason. Unknown values become
 * `other`, and the raw value is always kept in `IRFinish.raw`.
 * @see https://docs.anthropic.com/en/api/handling-stop-reasons
 */
export function mapAnthropicStopReason(raw: string | null | undefined): IRFinish['unified'] {
  switch (raw) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool-calls';
    case 'refusal':
      return 'content-filter';
    case 'pause_turn':
    default:
      return 'other';
  }
}

/**
 * IR finish -> Anthropic `stop_reason`. A raw value that is already an
 * Anthropic reason and agrees with the unified one is given back untouched
 * (so `pause_turn` or `model_context_window_exceeded` survive); otherwise the
 * unified reason decides, and `other` keeps whatever raw value there is.
 */
export function toAnthropicStopReason(finish: IRFinish): string {
  const raw = finish.raw;
  if (raw !== null && (ANTHROPIC_STOP_REASONS as readonly string[]).includes(raw) && mapAnthropicStopReason(raw) === finish.unified) {
    return raw;
  }
  switch (finish.unified) {
    case 'stop':
      return typeof finish.stopSequence === 'string' ? 'stop_sequence' : 'end_turn';
    case 'length':
      return 'max_tokens';
    case 'tool-calls':
      return 'tool_use';
    case 'content-filter':
      return 'refusal';
    case 'error':
      return 'end_turn';
    case 'other':
    default:
      return raw ?? 'end_turn';
  }
}
