import type { IRRequest, IRResponse } from '../ir.js';
import { encodeGeminiUsage } from './convert-gemini-usage.js';
import { encodeGeminiParts } from './encode-parts.js';
import type { GeminiResponse } from './gemini-wire.js';
import { encodeGeminiFinishReason } from './map-gemini-finish-reason.js';

/**
 * IR -> the `generateContent` answer a Gemini client expects: one candidate,
 * reasoning from any vendor shown as thought parts (signatures only when
 * Gemini made them), usage with cached tokens inside `promptTokenCount`.
 * @see https://ai.google.dev/api/generate-content#generatecontentresponse
 */
export function encodeGeminiResponse(response: IRResponse, request: IRRequest): GeminiResponse {
  const toolNames = new Map<string, string>();
  for (const part of response.content) if (part.type === 'tool-call') toolNames.set(part.id, part.name);
  const parts = encodeGeminiParts(response.content, {
    foreignReasoning: 'show',
    warn: () => {},
    toolName: (id) => toolNames.get(id),
  });
  return {
    candidates: [
      {
        content: { role: 'model', parts },
        finishReason: encodeGeminiFinishReason(response.finish),
        index: 0,
      },
    ],
    usageMetadata: encodeGeminiUsage(response.usage),
    modelVersion: request.model,
    responseId: response.id,
  };
}
