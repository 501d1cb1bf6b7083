import type { IRError, IRErrorKind } from '../ir.js';
import { isObject } from './anthropic-wire.js';

/**
 * Anthropic error `type` -> IR error kind, and the status each kind has.
 * @see https://docs.anthropic.com/en/api/errors
 */
const KIND_OF_TYPE: Record<string, IRErrorKind> = {
  invalid_request_error: 'invalid-request',
  authentication_error: 'authentication',
  permission_error: 'permission',
  billing_error: 'permission',
  not_found_error: 'not-found',
  request_too_large: 'request-too-large',
  rate_limit_error: 'rate-limit',
  api_error: 'server',
  overloaded_error: 'overloaded',
  timeout_error: 'timeout',
};

const STATUS_OF_KIND: Record<IRErrorKind, number> = {
  'invalid-request': 400,
  'context-length': 400,
  authentication: 401,
  permission: 403,
  'not-found': 404,
  'request-too-large': 413,
  'rate-limit': 429,
  overloaded: 529,
  timeout: 504,
  server: 500,
};

export function statusOfKind(kind: IRErrorKind): number {
  return STATUS_OF_KIND[kind];
}

function kindOfStatus(status: number): IRErrorKind {
  if (status === 401) return 'authentication';
  if (status === 402 || status === 403) return 'permission';
  if (status === 404) return 'not-found';
  if (status === 408 || status === 504) return 'timeout';
  if (status === 413) return 'request-too-large';
  if (status === 429) return 'rate-limit';
  if (status === 529 || status === 503) return 'overloaded';
  if (status >= 400 && status < 500) return 'invalid-request';
  return 'server';
}

/**
 * Anthropic reports a prompt over the context window as an
 * invalid_request_error whose message starts with `prompt is too long`; a
 * prompt plus `max_tokens` over the window says `exceed context limit`.
 */
function isContextLength(message: string): boolean {
  return /^prompt is too long/i.test(message) || /exceed(s|ed)? (the )?context (limit|window)/i.test(message);
}

/** A parsed `{type:'error', error:{type, message}}` (HTTP body or SSE `error` event) -> IR error. */
export function decodeAnthropicErrorBody(body: unknown, status: number | undefined): IRError {
  const inner = isObject(body) && isObject(body.error) ? body.error : undefined;
  const type = typeof inner?.type === 'string' ? inner.type : undefined;
  const message = typeof inner?.message === 'string' ? inner.message : '';
  let kind: IRErrorKind = (type !== undefined ? KIND_OF_TYPE[type] : undefined) ?? (status !== undefined ? kindOfStatus(status) : 'server');
  if ((kind === 'invalid-request' || kind === 'request-too-large') && isContextLength(message)) kind = 'context-length';
  return { kind, message: message || `upstream answered ${status ?? 'with an error'}`, status: status ?? statusOfKind(kind) };
}

/** An upstream's error answer (status and body text) -> IR error. Non-JSON bodies are classified by status. */
export function decodeAnthropicError(status: number, body: string): IRError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    const kind = kindOfStatus(status);
    return { kind, message: body.slice(0, 500) || `upstream answered ${status}`, status };
  }
  return decodeAnthropicErrorBody(parsed, status);
}
