/**
 * The OpenAI Chat Completions codec (`openai-chat`): client and upstream
 * bodies, streams and errors <-> the IR. One file per direction; the mapping
 * tables are map-openai-chat-finish-reason.ts and convert-openai-chat-usage.ts.
 * @see https://platform.openai.com/docs/api-reference/chat
 * @module
 */
import type { Codec } from '../codec.js';
import { decodeOpenAIChatError } from './decode-error.js';
import { decodeOpenAIChatRequest } from './decode-request.js';
import { decodeOpenAIChatResponse } from './decode-response.js';
import { OpenAIChatStreamDecoder } from './decode-stream.js';
import { encodeOpenAIChatError, encodeOpenAIChatStreamError } from './encode-error.js';
import { encodeOpenAIChatRequest } from './encode-request.js';
import { encodeOpenAIChatResponse } from './encode-response.js';
import { OpenAIChatStreamEncoder } from './encode-stream.js';

export { ROUND_TRIP_FIELD } from './request-facets.js';

/**
 * @example
 * const request = openaiChatCodec.decodeRequest(await c.req.json());
 * const { body, warnings } = openaiChatCodec.encodeRequest(request, 'gpt-4o-2024-08-06');
 */
export const openaiChatCodec: Codec = {
  protocol: 'openai-chat',
  decodeRequest: (body) => decodeOpenAIChatRequest(body),
  encodeRequest: encodeOpenAIChatRequest,
  decodeResponse: decodeOpenAIChatResponse,
  encodeResponse: encodeOpenAIChatResponse,
  decodeStream: () => new OpenAIChatStreamDecoder(),
  encodeStream: (request) => new OpenAIChatStreamEncoder(request),
  decodeError: decodeOpenAIChatError,
  encodeError: encodeOpenAIChatError,
  encodeStreamError: encodeOpenAIChatStreamError,
};
