/**
 * The Anthropic Messages codec (`anthropic-messages`): client and upstream
 * bodies, SSE streams and errors, to and from the IR.
 * @see https://docs.anthropic.com/en/api/messages
 * @module
 */
import type { Codec } from '../codec.js';
import { decodeAnthropicError } from './decode-error.js';
import { decodeAnthropicRequest } from './decode-request.js';
import { decodeAnthropicResponse } from './decode-response.js';
import { AnthropicStreamDecoder } from './decode-stream.js';
import { encodeAnthropicError, encodeAnthropicStreamError } from './encode-error.js';
import { encodeAnthropicRequest } from './encode-request.js';
import { encodeAnthropicResponse } from './encode-response.js';
import { AnthropicStreamEncoder } from './encode-stream.js';

/**
 * @example
 * const ir = anthropicCodec.decodeRequest(clientBody);
 * const { body, warnings } = anthropicCodec.encodeRequest(ir, 'claude-sonnet-4-5');
 */
export const anthropicCodec: Codec = {
  protocol: 'anthropic-messages',
  decodeRequest: (body) => decodeAnthropicRequest(body),
  encodeRequest: (request, upstreamModel, options) => encodeAnthropicRequest(request, upstreamModel, options?.structuredOutput),
  decodeResponse: (body) => decodeAnthropicResponse(body),
  encodeResponse: (response, request) => encodeAnthropicResponse(response, request),
  decodeStream: () => new AnthropicStreamDecoder(),
  encodeStream: (request) => new AnthropicStreamEncoder(request),
  decodeError: (status, body) => decodeAnthropicError(status, body),
  encodeError: (error) => encodeAnthropicError(error),
  encodeStreamError: (error) => encodeAnthropicStreamError(error),
};

export { JSON_OUTPUT_TOOL } from './json-output.js';
export { DEFAULT_MAX_TOKENS } from './encode-request.js';
