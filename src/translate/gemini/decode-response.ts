import type { IRFinish, IRPart, IRResponse } from '../ir.js';
import { isRecord } from '../shared/json.js';
import { decodeGeminiUsage } from './convert-gemini-usage.js';
import { decodeGeminiParts, type CallIds } from './decode-parts.js';
import type { GeminiResponse } from './gemini-wire.js';
import { responseCallId } from './gemini-tool-ids.js';
import { decodeGeminiFinishReason } from './map-gemini-finish-reason.js';
import { ZERO_USAGE } from '../ir.js';

/** Ids for one answer's function calls: their own, else `call_gemini_<responseId>_<n>`. */
export function responseCallIds(responseId: string | undefined): CallIds {
  let calls = 0;
  return {
    call: () => responseCallId(responseId, calls),
    seen: () => void calls++,
    result: (_name, id) => id ?? responseCallId(responseId, calls),
  };
}

/** Unix seconds of Vertex AI's `createTime`, else now. */
export function createdOf(response: GeminiResponse): number {
  const parsed = typeof response.createTime === 'string' ? Date.parse(response.createTime) : NaN;
  return Math.floor((Number.isNaN(parsed) ? Date.now() : parsed) / 1000);
}

/**
 * The finish of an answer: a blocked prompt (`promptFeedback.blockReason`,
 * no candidates) is a content filter; `STOP` with function calls is tool calls.
 * @see https://ai.google.dev/api/generate-content#PromptFeedback
 */
export function finishOf(response: GeminiResponse, raw: string | undefined, hasFunctionCalls: boolean): IRFinish | undefined {
  if (raw !== undefined) return decodeGeminiFinishReason(raw, hasFunctionCalls);
  const blocked = response.promptFeedback?.blockReason;
  if (typeof blocked === 'string') return { unified: 'content-filter', raw: blocked };
  return undefined;
}

/**
 * An upstream `generateContent` answer -> IR. Only the first candidate is
 * read. Parts the IR cannot hold (code execution) are skipped.
 * @see https://ai.google.dev/api/generate-content#generatecontentresponse
 */
export function decodeGeminiResponse(body: unknown): IRResponse {
  const response = (isRecord(body) ? body : {}) as GeminiResponse;
  const responseId = typeof response.responseId === 'string' ? response.responseId : undefined;
  const candidate = Array.isArray(response.candidates) && isRecord(response.candidates[0]) ? response.candidates[0] : undefined;
  const parts = isRecord(candidate?.content) && Array.isArray(candidate.content.parts) ? candidate.content.parts : [];
  const content = decodeAnswerParts(parts, responseCallIds(responseId));
  const raw = typeof candidate?.finishReason === 'string' ? candidate.finishReason : undefined;
  const finish = finishOf(response, raw, content.some((p) => p.type === 'tool-call')) ?? { unified: 'other', raw: null };
  return {
    id: responseId ?? '',
    model: typeof response.modelVersion === 'string' ? response.modelVersion : '',
    content,
    finish,
    usage: decodeGeminiUsage(response.usageMetadata) ?? { ...ZERO_USAGE },
    created: createdOf(response),
  };
}

/** An upstream's parts, leniently: a malformed part is skipped rather than failing the answer. */
export function decodeAnswerParts(parts: unknown[], ids: CallIds): IRPart[] {
  const ignore = { unmapped: () => {}, extras: () => {}, lost: () => {} };
  const out: IRPart[] = [];
  for (const part of parts) {
    try {
      const decoded = decodeGeminiParts([part], 'part', ids, ignore);
      // a signature on its own carrier merges with a preceding unsigned thought, as in one call
      const first = decoded[0];
      const previous = out.at(-1);
      if (
        first?.type === 'reasoning' &&
        first.text === '' &&
        first.signature !== undefined &&
        decoded.length > 1 &&
        previous?.type === 'reasoning' &&
        previous.vendor === 'gemini' &&
        previous.signature === undefined
      ) {
        previous.signature = first.signature;
        decoded.shift();
      }
      out.push(...decoded);
    } catch {
      // skip what cannot be read
    }
  }
  return out;
}
