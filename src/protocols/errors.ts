import type { ErrorShape } from './protocol.js';

/** Stable error codes; each protocol's encoder maps them to its own shape. */
export type ErrorCode =
  | 'SB_ERR_BAD_REQUEST'
  | 'SB_ERR_UNAUTHORIZED'
  | 'SB_ERR_FORBIDDEN'
  | 'SB_ERR_NOT_FOUND'
  | 'SB_ERR_PREVIOUS_RESPONSE_NOT_FOUND'
  | 'SB_ERR_MODEL_NOT_FOUND'
  | 'SB_ERR_BODY_TOO_LARGE'
  | 'SB_ERR_REQUEST_TIMEOUT'
  | 'SB_ERR_UNSUPPORTED_MEDIA_TYPE'
  | 'SB_ERR_NO_ROUTE'
  | 'SB_ERR_RATE_LIMITED'
  | 'SB_ERR_BUDGET_EXHAUSTED'
  | 'SB_ERR_MODEL_UNPRICED'
  | 'SB_ERR_UPSTREAMS_UNAVAILABLE'
  | 'SB_ERR_LIMITS_UNAVAILABLE'
  | 'SB_ERR_USAGE_LOG_BEHIND'
  | 'SB_ERR_UPSTREAMS_RATE_LIMITED'
  | 'SB_ERR_UPSTREAM_UNREACHABLE'
  | 'SB_ERR_UPSTREAM_TIMEOUT'
  | 'SB_ERR_UPSTREAM_INVALID'
  | 'SB_ERR_INTERNAL';

const STATUS: Record<ErrorCode, number> = {
  SB_ERR_BAD_REQUEST: 400,
  SB_ERR_UNAUTHORIZED: 401,
  SB_ERR_FORBIDDEN: 403,
  SB_ERR_NOT_FOUND: 404,
  SB_ERR_PREVIOUS_RESPONSE_NOT_FOUND: 404,
  SB_ERR_MODEL_NOT_FOUND: 404,
  SB_ERR_BODY_TOO_LARGE: 413,
  SB_ERR_REQUEST_TIMEOUT: 408,
  SB_ERR_UNSUPPORTED_MEDIA_TYPE: 415,
  SB_ERR_NO_ROUTE: 400,
  SB_ERR_RATE_LIMITED: 429,
  SB_ERR_BUDGET_EXHAUSTED: 429,
  // Not the client's to fix, and not worth retrying: an administrator must price the model.
  SB_ERR_MODEL_UNPRICED: 403,
  SB_ERR_UPSTREAMS_UNAVAILABLE: 503,
  SB_ERR_LIMITS_UNAVAILABLE: 503,
  SB_ERR_USAGE_LOG_BEHIND: 503,
  SB_ERR_UPSTREAMS_RATE_LIMITED: 429,
  SB_ERR_UPSTREAM_UNREACHABLE: 502,
  SB_ERR_UPSTREAM_TIMEOUT: 504,
  SB_ERR_UPSTREAM_INVALID: 502,
  SB_ERR_INTERNAL: 500,
};

/**
 * An error Switchboard itself raises; `param` names the offending field,
 * `headers` go out with it (a 429's Retry-After and x-ratelimit-*).
 */
export class GatewayError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly param: string | null = null,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.status = STATUS[code];
  }
}

/**
 * OpenAI's error body: `{"error":{"message","type","param","code"}}`.
 * @see https://platform.openai.com/docs/guides/error-codes
 */
function openaiError(err: GatewayError): unknown {
  const type =
    err.status === 401
      ? 'authentication_error'
      : err.status === 403
        ? 'permission_error'
        : err.status === 429
          ? // OpenAI names a spent quota `insufficient_quota`; a budget is Switchboard's quota.
            err.code === 'SB_ERR_BUDGET_EXHAUSTED'
            ? 'insufficient_quota'
            : 'rate_limit_error'
          : err.status >= 500
            ? 'server_error'
            : 'invalid_request_error';
  const code: Partial<Record<ErrorCode, string>> = {
    SB_ERR_UNAUTHORIZED: 'invalid_api_key',
    SB_ERR_MODEL_NOT_FOUND: 'model_not_found',
    // OpenAI's own code, which clients (Codex) read to resend the whole conversation.
    SB_ERR_PREVIOUS_RESPONSE_NOT_FOUND: 'previous_response_not_found',
    SB_ERR_BODY_TOO_LARGE: 'request_too_large',
    SB_ERR_REQUEST_TIMEOUT: 'request_timeout',
    SB_ERR_UNSUPPORTED_MEDIA_TYPE: 'unsupported_content_encoding',
    SB_ERR_UPSTREAM_TIMEOUT: 'upstream_timeout',
    SB_ERR_UPSTREAM_UNREACHABLE: 'upstream_unreachable',
    SB_ERR_UPSTREAMS_UNAVAILABLE: 'upstreams_unavailable',
    SB_ERR_LIMITS_UNAVAILABLE: 'limits_unavailable',
    SB_ERR_USAGE_LOG_BEHIND: 'usage_log_behind',
    SB_ERR_UPSTREAMS_RATE_LIMITED: 'rate_limit_exceeded',
    SB_ERR_RATE_LIMITED: 'rate_limit_exceeded',
    SB_ERR_BUDGET_EXHAUSTED: 'budget_exceeded',
    SB_ERR_MODEL_UNPRICED: 'model_unpriced',
  };
  return { error: { message: err.message, type, param: err.param, code: code[err.code] ?? err.code } };
}

/**
 * Anthropic's error body: `{"type":"error","error":{"type","message"}}`.
 * @see https://docs.anthropic.com/en/api/errors
 */
function anthropicError(err: GatewayError): unknown {
  const byStatus: Record<number, string> = {
    400: 'invalid_request_error',
    401: 'authentication_error',
    403: 'permission_error',
    404: 'not_found_error',
    408: 'timeout_error',
    413: 'request_too_large',
    415: 'invalid_request_error',
    429: 'rate_limit_error',
    503: 'overloaded_error',
    504: 'timeout_error',
  };
  // Anthropic has no budget error; its SDKs pick the error class by status (429: RateLimitError), so the type may say what happened.
  const type = err.code === 'SB_ERR_BUDGET_EXHAUSTED' ? 'budget_exceeded_error' : (byStatus[err.status] ?? 'api_error');
  return { type: 'error', error: { type, message: err.message } };
}

/**
 * Gemini's error body: `{"error":{"code","message","status"}}` with Google's canonical status names.
 * @see https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
 */
function geminiError(err: GatewayError): unknown {
  const byStatus: Record<number, string> = {
    400: 'INVALID_ARGUMENT',
    401: 'UNAUTHENTICATED',
    403: 'PERMISSION_DENIED',
    404: 'NOT_FOUND',
    408: 'DEADLINE_EXCEEDED',
    413: 'INVALID_ARGUMENT',
    415: 'INVALID_ARGUMENT',
    429: 'RESOURCE_EXHAUSTED',
    502: 'UNAVAILABLE',
    503: 'UNAVAILABLE',
    504: 'DEADLINE_EXCEEDED',
  };
  return { error: { code: err.status, message: err.message, status: byStatus[err.status] ?? 'INTERNAL' } };
}

/**
 * Cohere's error body: `{"message"}`, the status saying the rest.
 * @see https://docs.cohere.com/reference/errors
 */
function cohereError(err: GatewayError): unknown {
  return { message: err.message };
}

/**
 * Jina's and Voyage's error body, FastAPI's `{"detail"}` (a string when the
 * server raised it, as here), the status saying the rest.
 * @see https://docs.voyageai.com/docs/error-codes
 * @see https://jina.ai/reranker/ (the API's error answers)
 */
function detailError(err: GatewayError): unknown {
  return { detail: err.message };
}

/** A gateway-made error in the client's own shape (upstream errors go through the codecs instead). */
export function encodeError(shape: ErrorShape, err: GatewayError): { status: number; body: unknown } {
  switch (shape) {
    case 'openai':
      return { status: err.status, body: openaiError(err) };
    case 'anthropic':
      return { status: err.status, body: anthropicError(err) };
    case 'gemini':
      return { status: err.status, body: geminiError(err) };
    case 'cohere':
      return { status: err.status, body: cohereError(err) };
    case 'jina':
    case 'voyage':
      return { status: err.status, body: detailError(err) };
    default:
      return shape satisfies never;
  }
}

/** Pulls a readable message out of an upstream's error body, whatever its shape. */
export function upstreamErrorMessage(status: number, body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown; detail?: unknown };
    const inner = parsed.error;
    if (typeof inner === 'string') return inner;
    if (inner && typeof inner.message === 'string') return inner.message;
    if (typeof parsed.message === 'string') return parsed.message;
    // Jina and Voyage (FastAPI): `{"detail": "…"}`.
    if (typeof parsed.detail === 'string') return parsed.detail;
  } catch {
    // not JSON: fall through to the raw text
  }
  return body.slice(0, 500) || `upstream answered ${status}`;
}
