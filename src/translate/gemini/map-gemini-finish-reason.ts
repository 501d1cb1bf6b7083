import type { IRFinish } from '../ir.js';

/**
 * Gemini `finishReason` -> IR. Gemini says `STOP` both for a normal end and
 * for an answer that calls functions, so the caller says whether the answer
 * held function calls. Unknown values keep their raw spelling.
 * @see https://ai.google.dev/api/generate-content#FinishReason
 */
export function decodeGeminiFinishReason(raw: string | null | undefined, hasFunctionCalls: boolean): IRFinish {
  switch (raw) {
    case 'STOP':
      return { unified: hasFunctionCalls ? 'tool-calls' : 'stop', raw };
    case 'MAX_TOKENS':
      return { unified: 'length', raw };
    case 'SAFETY':
    case 'RECITATION':
    case 'BLOCKLIST':
    case 'PROHIBITED_CONTENT':
    case 'SPII':
    case 'IMAGE_SAFETY':
    case 'IMAGE_PROHIBITED_CONTENT':
    case 'IMAGE_RECITATION':
      return { unified: 'content-filter', raw };
    case 'MALFORMED_FUNCTION_CALL':
    case 'UNEXPECTED_TOOL_CALL':
    case 'TOO_MANY_TOOL_CALLS':
    case 'MISSING_THOUGHT_SIGNATURE':
      return { unified: 'error', raw };
    case null:
    case undefined:
      return { unified: 'other', raw: null };
    default:
      // OTHER, LANGUAGE, NO_IMAGE, IMAGE_OTHER, FINISH_REASON_UNSPECIFIED and values added later
      return { unified: 'other', raw };
  }
}

const GEMINI_FINISH_REASONS: ReadonlySet<string> = new Set([
  'STOP',
  'MAX_TOKENS',
  'SAFETY',
  'RECITATION',
  'LANGUAGE',
  'OTHER',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'MALFORMED_FUNCTION_CALL',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
  'IMAGE_OTHER',
  'NO_IMAGE',
  'UNEXPECTED_TOOL_CALL',
  'TOO_MANY_TOOL_CALLS',
  'MISSING_THOUGHT_SIGNATURE',
]);

/**
 * IR -> Gemini `finishReason`. A raw value that is already Gemini's (and
 * agrees with the unified one) is given back as it was.
 */
export function encodeGeminiFinishReason(finish: IRFinish): string {
  if (finish.raw !== null && GEMINI_FINISH_REASONS.has(finish.raw)) {
    if (decodeGeminiFinishReason(finish.raw, finish.unified === 'tool-calls').unified === finish.unified) return finish.raw;
  }
  switch (finish.unified) {
    case 'stop':
    case 'tool-calls':
      return 'STOP';
    case 'length':
      return 'MAX_TOKENS';
    case 'content-filter':
      return 'SAFETY';
    case 'error':
    case 'other':
      return 'OTHER';
    default:
      return finish.unified satisfies never;
  }
}
