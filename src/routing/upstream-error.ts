/**
 * The structured fields of an upstream's error body, in the three shapes
 * vendors answer with:
 *
 *   OpenAI     {"error": {"message", "type", "param", "code"}}
 *              (https://platform.openai.com/docs/guides/error-codes)
 *   Anthropic  {"type": "error", "error": {"type", "message"}}
 *              (https://docs.anthropic.com/en/api/errors)
 *   Google     {"error": {"code": 400, "message", "status", "details": [{"@type", "reason", "retryDelay"}]}}
 *              (https://ai.google.dev/gemini-api/docs/troubleshooting; a stream's error may come as a one-element array)
 *
 * Credential verdicts read these fields, never a search over the whole text:
 * an error body often echoes the client's own input (a 400 quoting the
 * prompt), and what a client wrote must not read as what the upstream said
 * about the credential.
 */
export interface UpstreamError {
  /** OpenAI's and Anthropic's `error.type`. */
  type: string | null;
  /** OpenAI's `error.code` (a string; Google's numeric `code` is the HTTP status and not kept). */
  code: string | null;
  /** Google's `error.status` (`RESOURCE_EXHAUSTED`, `PERMISSION_DENIED`, …). */
  status: string | null;
  message: string;
  /** Google's `ErrorInfo.reason` values in `error.details` (`API_KEY_INVALID`, …). */
  reasons: string[];
  /** Google's `RetryInfo.retryDelay` (`"36s"`) in milliseconds, when given. */
  retryDelayMs: number | null;
}

const NONE: UpstreamError = { type: null, code: null, status: null, message: '', reasons: [], retryDelayMs: null };

/** Reads an error body's fields; a body that is not one of the shapes above (HTML, plain text) has none. */
export function readUpstreamError(text: string): UpstreamError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return NONE;
  }
  if (Array.isArray(parsed)) parsed = parsed[0];
  const error = isRecord(parsed) ? parsed.error : undefined;
  if (!isRecord(error)) return NONE;
  const details = Array.isArray(error.details) ? error.details.filter(isRecord) : [];
  const delay = details.map((d) => d.retryDelay).find((d): d is string => typeof d === 'string');
  return {
    type: stringOrNull(error.type),
    code: stringOrNull(error.code),
    status: stringOrNull(error.status),
    message: typeof error.message === 'string' ? error.message : '',
    reasons: details.map((d) => d.reason).filter((r): r is string => typeof r === 'string'),
    retryDelayMs: delay !== undefined && /^\d+(\.\d+)?s$/.test(delay) ? Math.round(Number(delay.slice(0, -1)) * 1000) : null,
  };
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
