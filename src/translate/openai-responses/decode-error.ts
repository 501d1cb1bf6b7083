/**
 * An OpenAI error answer (`{"error":{"message","type","param","code"}}`) or
 * in-stream `error` event -> IR error kind.
 * @see https://platform.openai.com/docs/guides/error-codes
 */
import type { IRError, IRErrorKind } from '../ir.js';
import { errorKindFromStatus, statusFromErrorKind } from '../shared/error-kind.js';
import { isRecord } from '../shared/json.js';
import { str } from './wire.js';

export function decodeError(status: number, body: string): IRError {
  let error: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(body);
    if (isRecord(parsed) && isRecord(parsed.error)) error = parsed.error;
    else if (isRecord(parsed)) error = parsed;
  } catch {
    // not JSON: classify by status, keep the text as the message
  }
  const message = str(error.message) ?? (body.slice(0, 500) || `upstream answered ${status}`);
  return classifyError(status, str(error.code), str(error.type), message);
}

/** Kind from the error code first (it is the most specific), then the HTTP status. */
export function classifyError(status: number | undefined, code: string | undefined, type: string | undefined, message: string): IRError {
  const kind = kindOf(status, code, type, message);
  return { kind, message, status: status ?? statusFromErrorKind(kind) };
}

function kindOf(status: number | undefined, code: string | undefined, type: string | undefined, message: string): IRErrorKind {
  if (code === 'context_length_exceeded' || /maximum context length|exceeds the context window/i.test(message)) return 'context-length';
  if (code === 'rate_limit_exceeded' || code === 'insufficient_quota' || type === 'tokens' || type === 'requests') return 'rate-limit';
  if (code === 'invalid_api_key') return 'authentication';
  if (code === 'model_not_found') return 'not-found';
  if (code === 'server_error' && status === undefined) return 'server';
  if (status === undefined) return type === 'invalid_request_error' ? 'invalid-request' : 'server';
  return errorKindFromStatus(status);
}
