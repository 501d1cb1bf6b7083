import type { IRError, IRErrorKind } from '../ir.js';
import { statusFromErrorKind } from '../shared/error-kind.js';

/** The `type` and `code` OpenAI uses for each kind. */
const SHAPE: Record<IRErrorKind, { type: string; code: string | null; param?: string }> = {
  'invalid-request': { type: 'invalid_request_error', code: null },
  // @see https://platform.openai.com/docs/guides/error-codes (400 context_length_exceeded)
  'context-length': { type: 'invalid_request_error', code: 'context_length_exceeded', param: 'messages' },
  authentication: { type: 'invalid_request_error', code: 'invalid_api_key' },
  permission: { type: 'permission_error', code: null },
  'not-found': { type: 'invalid_request_error', code: 'not_found' },
  'request-too-large': { type: 'invalid_request_error', code: 'request_too_large' },
  'rate-limit': { type: 'rate_limit_error', code: 'rate_limit_exceeded' },
  overloaded: { type: 'server_error', code: 'overloaded' },
  timeout: { type: 'server_error', code: 'timeout' },
  server: { type: 'server_error', code: null },
};

/**
 * IR error -> OpenAI's `{"error":{"message","type","param","code"}}` and a
 * status the OpenAI SDKs map to the right error class (400 BadRequestError,
 * 401 AuthenticationError, 429 RateLimitError, 5xx InternalServerError, …).
 * An invalid request keeps its exact 4xx and a server error its exact 5xx;
 * other kinds get OpenAI's own status (overloaded is 503, not Anthropic's 529).
 * @see https://platform.openai.com/docs/guides/error-codes
 */
export function encodeOpenAIChatError(error: IRError): { status: number; body: { error: Record<string, unknown> } } {
  const shape = SHAPE[error.kind];
  const keepStatus =
    (error.kind === 'invalid-request' && error.status >= 400 && error.status < 500) ||
    (error.kind === 'server' && error.status >= 500 && error.status < 600);
  return {
    status: keepStatus ? error.status : statusFromErrorKind(error.kind),
    body: { error: { message: error.message, type: shape.type, param: shape.param ?? null, code: shape.code } },
  };
}

/**
 * The frame that ends a client's stream with an error. The OpenAI SDKs raise
 * an APIError for a `data:` chunk that carries `error`.
 */
export function encodeOpenAIChatStreamError(error: IRError): string {
  return `data: ${JSON.stringify(encodeOpenAIChatError(error).body)}\n\n`;
}
