import { upstreamErrorMessage } from '../../protocols/errors.js';
import type { IRError, IRErrorKind } from '../ir.js';
import { errorKindFromStatus, statusFromErrorKind } from '../shared/error-kind.js';
import { isRecord } from '../shared/json.js';

/**
 * An OpenAI(-compatible) error answer -> IR. OpenAI marks a too-long prompt
 * with code `context_length_exceeded`; compatible servers (vLLM, Azure,
 * llama.cpp) often only say so in the message, so that is checked too.
 * @see https://platform.openai.com/docs/guides/error-codes
 */
export function decodeOpenAIChatError(status: number, bodyText: string): IRError {
  let error: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(bodyText);
    if (isRecord(parsed)) error = isRecord(parsed.error) ? parsed.error : parsed;
  } catch {
    // not JSON: classify by status alone
  }
  return classifyOpenAIChatError(status, error, upstreamErrorMessage(status, bodyText));
}

const CONTEXT_LENGTH = /context[ _]length|maximum context|context window|too many (input )?tokens|prompt is too long|reduce the length of the (messages|prompt)/i;

/** `status` 0 means unknown (an error inside a 200 stream): the body's `type`/`code` decide. */
export function classifyOpenAIChatError(status: number, error: Record<string, unknown>, message: string): IRError {
  const code = typeof error.code === 'string' ? error.code : '';
  const type = typeof error.type === 'string' ? error.type : '';
  const kind = classify(status, code, type, message);
  return { kind, message, status: status > 0 ? status : statusFromErrorKind(kind) };
}

function classify(status: number, code: string, type: string, message: string): IRErrorKind {
  if (code === 'context_length_exceeded') return 'context-length';
  if ((status === 0 || status === 400 || status === 413 || status === 422) && CONTEXT_LENGTH.test(message)) return 'context-length';
  if (status >= 400) return errorKindFromStatus(status);
  // No status (an in-stream error): go by the body.
  if (code === 'rate_limit_exceeded' || type === 'rate_limit_error' || type === 'tokens' || type === 'requests') return 'rate-limit';
  if (type === 'invalid_request_error') return 'invalid-request';
  if (code === 'invalid_api_key' || type === 'authentication_error') return 'authentication';
  return 'server';
}
