import type { IRError, IRErrorKind } from '../ir.js';
import { errorKindFromStatus, statusFromErrorKind } from '../shared/error-kind.js';
import { isRecord } from '../shared/json.js';

/**
 * Anthropic error `type` -> IR error kind.
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

/** The status each kind has at Anthropic: the usual ones, but overloaded is Anthropic's own 529. */
export function statusOfKind(kind: IRErrorKind): number {
  return kind === 'overloaded' ? 529 : statusFromErrorKind(kind);
}

/** 402 is Anthropic's billing error; anything that is no 4xx or 5xx counts as a server error. */
function kindOfStatus(status: number): IRErrorKind {
  if (status === 402) return 'permission';
  return status >= 400 ? errorKindFromStatus(status) : 'server';
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
  const inner = isRecord(body) && isRecord(body.error) ? body.error : undefined;
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
