import type { IRError, IRErrorKind } from '../ir.js';
import { sseFrame } from './anthropic-wire.js';
import { statusOfKind } from './decode-error.js';

/** @see https://docs.anthropic.com/en/api/errors#error-shapes */
const TYPE_OF_KIND: Record<IRErrorKind, string> = {
  'invalid-request': 'invalid_request_error',
  'context-length': 'invalid_request_error',
  authentication: 'authentication_error',
  permission: 'permission_error',
  'not-found': 'not_found_error',
  'request-too-large': 'request_too_large',
  'rate-limit': 'rate_limit_error',
  overloaded: 'overloaded_error',
  timeout: 'timeout_error',
  server: 'api_error',
};

const CONTEXT_PREFIX = 'prompt is too long';

function errorBody(error: IRError): { type: 'error'; error: { type: string; message: string } } {
  let message = error.message;
  // Clients (Claude Code among them) detect context overflow by this prefix.
  if (error.kind === 'context-length' && !message.toLowerCase().startsWith(CONTEXT_PREFIX)) message = `${CONTEXT_PREFIX}: ${message}`;
  return { type: 'error', error: { type: TYPE_OF_KIND[error.kind], message } };
}

/**
 * IR error -> Anthropic status and body. Each kind gets Anthropic's status
 * for it; a server error keeps the upstream's 5xx, an invalid request its 4xx.
 */
export function encodeAnthropicError(error: IRError): { status: number; body: unknown } {
  let status = statusOfKind(error.kind);
  if (error.kind === 'server' && error.status >= 500 && error.status <= 599) status = error.status;
  if (error.kind === 'invalid-request' && error.status >= 400 && error.status <= 499) status = error.status;
  return { status, body: errorBody(error) };
}

/** The `event: error` frame that ends a stream. @see https://docs.anthropic.com/en/docs/build-with-claude/streaming#error-events */
export function encodeAnthropicStreamError(error: IRError): string {
  return sseFrame(errorBody(error));
}
