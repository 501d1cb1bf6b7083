import type { IRFinish } from '../ir.js';

/**
 * OpenAI Chat `finish_reason` -> IR. `function_call` is the deprecated
 * functions API's tool-call reason. Unknown values keep their raw spelling.
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-choices
 */
export function decodeOpenAIChatFinishReason(raw: string | null | undefined): IRFinish {
  switch (raw) {
    case 'stop':
      return { unified: 'stop', raw };
    case 'length':
      return { unified: 'length', raw };
    case 'tool_calls':
    case 'function_call':
      return { unified: 'tool-calls', raw };
    case 'content_filter':
      return { unified: 'content-filter', raw };
    case null:
    case undefined:
      return { unified: 'other', raw: null };
    default:
      return { unified: 'other', raw };
  }
}

const OPENAI_CHAT_FINISH_REASONS: ReadonlySet<string> = new Set(['stop', 'length', 'tool_calls', 'function_call', 'content_filter']);

/**
 * IR -> OpenAI Chat `finish_reason`. A raw value that is already one of
 * OpenAI's is given back as it was; `other` and `error` from other vendors
 * become `stop`, the only neutral value the SDKs know.
 */
export function encodeOpenAIChatFinishReason(finish: IRFinish): string {
  if (finish.raw !== null && OPENAI_CHAT_FINISH_REASONS.has(finish.raw)) {
    // Keep `function_call` vs `tool_calls` exactly, but only when it agrees with the unified value.
    if (decodeOpenAIChatFinishReason(finish.raw).unified === finish.unified) return finish.raw;
  }
  switch (finish.unified) {
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case 'tool-calls':
      return 'tool_calls';
    case 'content-filter':
      return 'content_filter';
    case 'error':
    case 'other':
      return 'stop';
    default:
      return finish.unified satisfies never;
  }
}
