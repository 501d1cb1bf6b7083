import type { Codec } from '../codec.js';
import { decodeGeminiRequest } from './decode-request.js';
import { decodeGeminiResponse } from './decode-response.js';
import { GeminiStreamDecoder } from './decode-stream.js';
import { encodeGeminiRequest } from './encode-request.js';
import { encodeGeminiResponse } from './encode-response.js';
import { GeminiStreamEncoder } from './encode-stream.js';
import { decodeGeminiError, encodeGeminiError, encodeGeminiStreamError } from './errors.js';

/**
 * The Gemini API's `generateContent` shape (`/v1beta/models/{model}:generateContent`
 * and `:streamGenerateContent?alt=sse`) and the IR, in both directions.
 * @see https://ai.google.dev/api/generate-content
 */
export const geminiCodec: Codec = {
  protocol: 'gemini',
  decodeRequest: decodeGeminiRequest,
  encodeRequest: encodeGeminiRequest,
  decodeResponse: decodeGeminiResponse,
  encodeResponse: encodeGeminiResponse,
  decodeStream: () => new GeminiStreamDecoder(),
  encodeStream: (request) => new GeminiStreamEncoder(request),
  decodeError: decodeGeminiError,
  encodeError: encodeGeminiError,
  encodeStreamError: encodeGeminiStreamError,
};

export { SKIP_THOUGHT_SIGNATURE } from './encode-request.js';
export { LAYOUT_FIELD } from './gemini-layout.js';
export { SYNTHETIC_ID_PREFIX } from './gemini-tool-ids.js';
