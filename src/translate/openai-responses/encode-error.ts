/**
 * IR error -> OpenAI's error answer for a Responses client, and the SSE
 * `error` event for a stream that broke.
 * @see https://platform.openai.com/docs/guides/error-codes
 * @see https://platform.openai.com/docs/api-reference/responses-streaming/error
 */
import type { IRError, IRErrorKind } from '../ir.js';
import { statusFromErrorKind } from '../shared/error-kind.js';

interface OpenAIErrorShape {
  type: string;
  code: string | null;
  param: string | null;
}

const SHAPE: Record<IRErrorKind, OpenAIErrorShape> = {
  'invalid-request': { type: 'invalid_request_error', code: null, param: null },
  'context-length': { type: 'invalid_request_error', code: 'context_length_exceeded', param: 'input' },
  authentication: { type: 'invalid_request_error', code: 'invalid_api_key', param: null },
  permission: { type: 'permission_error', code: null, param: null },
  'not-found': { type: 'invalid_request_error', code: 'not_found', param: null },
  'request-too-large': { type: 'invalid_request_error', code: 'request_too_large', param: null },
  'rate-limit': { type: 'requests', code: 'rate_limit_exceeded', param: null },
  overloaded: { type: 'server_error', code: 'server_overloaded', param: null },
  timeout: { type: 'server_error', code: 'timeout', param: null },
  server: { type: 'server_error', code: 'server_error', param: null },
};

/** The status is the kind's own (an upstream's 529 or 422 means nothing to an OpenAI client). */
export function encodeError(error: IRError): { status: number; body: unknown } {
  const { type, code, param } = SHAPE[error.kind];
  const status = error.kind === 'server' && error.status >= 500 && error.status <= 599 ? error.status : statusFromErrorKind(error.kind);
  return { status, body: { error: { message: error.message, type, param, code } } };
}

/**
 * The documented `error` event (`code`, `message`, `param` at the top), with
 * the same error also under `error`, which makes the official SDKs raise an
 * APIError instead of ending the stream quietly. A stateless helper cannot
 * know the stream's position, so its sequence number is 0.
 */
export function encodeStreamError(error: IRError): string {
  const { type, code, param } = SHAPE[error.kind];
  const data = { type: 'error', sequence_number: 0, code, message: error.message, param, error: { type, code, message: error.message, param } };
  return `event: error\ndata: ${JSON.stringify(data)}\n\n`;
}
