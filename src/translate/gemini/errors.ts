import type { IRError, IRErrorKind } from '../ir.js';
import { errorKindFromStatus } from '../shared/error-kind.js';
import { isRecord } from '../shared/json.js';
import type { GeminiErrorBody } from './gemini-wire.js';

/**
 * Gemini's context-length error: 400 INVALID_ARGUMENT, "The input token
 * count (N) exceeds the maximum number of tokens allowed (M)."
 */
const CONTEXT_LENGTH = /input token count.*exceeds the maximum|exceeds the maximum number of tokens/i;

/** Google returns 400 INVALID_ARGUMENT, not 401, for a wrong API key. */
const BAD_API_KEY = /API key not valid|API_KEY_INVALID/i;

/** Reads `{error:{code,message,status}}` (also wrapped in an array, as the non-SSE stream sends it). */
function parseError(body: string): { message?: string; status?: string } {
  try {
    let parsed: unknown = JSON.parse(body);
    if (Array.isArray(parsed)) parsed = parsed[0];
    if (isRecord(parsed) && isRecord(parsed.error)) {
      const { message, status } = parsed.error;
      return {
        ...(typeof message === 'string' ? { message } : {}),
        ...(typeof status === 'string' ? { status } : {}),
      };
    }
  } catch {
    // not JSON
  }
  return {};
}

/**
 * An upstream's error answer -> IR, by Google's canonical status name, else
 * by the HTTP status.
 * @see https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
 */
export function decodeGeminiError(httpStatus: number, body: string): IRError {
  const { message: parsedMessage, status } = parseError(body);
  const message = parsedMessage ?? (body.slice(0, 500) || `upstream answered ${httpStatus}`);
  return { kind: kindOf(httpStatus, status, message, body), message, status: httpStatus };
}

function kindOf(httpStatus: number, status: string | undefined, message: string, body: string): IRErrorKind {
  switch (status) {
    case 'INVALID_ARGUMENT':
    case 'FAILED_PRECONDITION':
    case 'OUT_OF_RANGE':
      if (CONTEXT_LENGTH.test(message)) return 'context-length';
      if (BAD_API_KEY.test(body)) return 'authentication';
      return httpStatus === 413 ? 'request-too-large' : 'invalid-request';
    case 'UNAUTHENTICATED':
      return 'authentication';
    case 'PERMISSION_DENIED':
      return 'permission';
    case 'NOT_FOUND':
      return 'not-found';
    case 'RESOURCE_EXHAUSTED':
      return 'rate-limit';
    case 'UNAVAILABLE':
      return 'overloaded';
    case 'DEADLINE_EXCEEDED':
      return 'timeout';
    case 'INTERNAL':
    case 'UNKNOWN':
    case 'DATA_LOSS':
      return 'server';
    default:
      break;
  }
  if (httpStatus === 400) {
    if (CONTEXT_LENGTH.test(message)) return 'context-length';
    return BAD_API_KEY.test(body) ? 'authentication' : 'invalid-request';
  }
  return errorKindFromStatus(httpStatus);
}

const SHAPE: Record<IRErrorKind, { code: number; status: string }> = {
  'invalid-request': { code: 400, status: 'INVALID_ARGUMENT' },
  'context-length': { code: 400, status: 'INVALID_ARGUMENT' },
  authentication: { code: 401, status: 'UNAUTHENTICATED' },
  permission: { code: 403, status: 'PERMISSION_DENIED' },
  'not-found': { code: 404, status: 'NOT_FOUND' },
  'request-too-large': { code: 413, status: 'INVALID_ARGUMENT' },
  'rate-limit': { code: 429, status: 'RESOURCE_EXHAUSTED' },
  overloaded: { code: 503, status: 'UNAVAILABLE' },
  timeout: { code: 504, status: 'DEADLINE_EXCEEDED' },
  server: { code: 500, status: 'INTERNAL' },
};

/**
 * Another vendor's context-length message in Gemini's words, keeping the
 * token counts when the message names them (OpenAI: "maximum context length
 * is M tokens. However, your messages resulted in N tokens"; Anthropic:
 * "prompt is too long: N tokens > M maximum").
 */
function contextLengthMessage(message: string): string {
  if (CONTEXT_LENGTH.test(message)) return message;
  const openai = /maximum context length is (\d+) tokens.*?resulted in (\d+) tokens/is.exec(message);
  const anthropic = /(\d+) tokens > (\d+) maximum/i.exec(message);
  const counts = openai ? { n: openai[2], m: openai[1] } : anthropic ? { n: anthropic[1], m: anthropic[2] } : undefined;
  return counts
    ? `The input token count (${counts.n}) exceeds the maximum number of tokens allowed (${counts.m}).`
    : `The input token count exceeds the maximum number of tokens allowed. ${message}`.trim();
}

function errorBody(error: IRError): GeminiErrorBody {
  const shape = SHAPE[error.kind];
  const message = error.kind === 'context-length' ? contextLengthMessage(error.message) : error.message;
  return { error: { code: shape.code, message, status: shape.status } };
}

/** IR error -> the status and `{error:{code,message,status}}` body a Gemini client expects. */
export function encodeGeminiError(error: IRError): { status: number; body: GeminiErrorBody } {
  const body = errorBody(error);
  return { status: body.error.code, body };
}

/**
 * IR error -> a stream chunk. Gemini streams have no error event; the
 * @google/genai SDK raises an ApiError for a `data:` chunk that carries `error`.
 */
export function encodeGeminiStreamError(error: IRError): string {
  return `data: ${JSON.stringify(errorBody(error))}\r\n\r\n`;
}
