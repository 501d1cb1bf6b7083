/**
 * The OpenAI Responses codec (`POST /v1/responses`), stateless: stored responses are expanded before it decodes.
 * @see https://platform.openai.com/docs/api-reference/responses
 * @example
 * const ir = openaiResponsesCodec.decodeRequest(body);
 * const { body: upstreamBody, warnings } = openaiResponsesCodec.encodeRequest(ir, 'gpt-4.1');
 */
import type { Codec } from '../codec.js';
import { decodeError } from './decode-error.js';
import { decodeRequest } from './decode-request.js';
import { decodeResponse } from './decode-response.js';
import { ResponsesStreamDecoder } from './decode-stream.js';
import { encodeError, encodeStreamError } from './encode-error.js';
import { encodeRequest } from './encode-request.js';
import { encodeResponse } from './encode-response.js';
import { ResponsesStreamEncoder } from './encode-stream.js';

export const openaiResponsesCodec: Codec = {
  protocol: 'openai-responses',
  decodeRequest: (body) => decodeRequest(body),
  encodeRequest,
  decodeResponse,
  encodeResponse,
  decodeStream: () => new ResponsesStreamDecoder(),
  encodeStream: (request) => new ResponsesStreamEncoder(request),
  decodeError,
  encodeError,
  encodeStreamError,
};
