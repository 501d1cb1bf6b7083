import type { ReplyHeaders } from '../providers/http.js';
import { UpstreamFailure } from '../providers/http.js';
import { UpstreamStatusError } from '../providers/upstream-json.js';
import { readUpstreamError, type UpstreamError } from './upstream-error.js';

/** A failed try, by what it says about the credential that made it. */
export type Failure =
  /**
   * The credential is refused or out of quota (401, 402, 403, a 400 that says so, quota errors): out of the pool
   * until a probe or an admin.
   */
  | { kind: 'disable'; reason: string }
  /**
   * 429: bench the credential until the upstream's reset time, at most an
   * hour unless `untilReset` (a subscription's usage window: nothing will
   * be served before it resets, however long that is).
   */
  | { kind: 'rate-limited'; reason: string; retryAfterMs: number | null; untilReset?: boolean }
  /** 5xx, timeouts, connection errors: try elsewhere; repeated ones cool the credential down. */
  | { kind: 'unavailable'; reason: string };

/** How a 429's reason begins, so a cooldown can later be told apart as the upstream's rate limit (routing/credential-health.ts). */
export const RATE_LIMITED_REASON = 'rate limited (429)';

/** What a try's answer means for the request. */
export type Verdict = { kind: 'ok' } | { kind: 'client-error' } | Failure;

/**
 * OpenAI's codes for an account out of money or quota, each sent as a 429
 * whose `error.type` is (or used to be) `insufficient_quota`
 * (https://platform.openai.com/docs/guides/error-codes: "429 - You exceeded
 * your current quota"); `billing_hard_limit_reached` also comes as a 400.
 */
const OPENAI_QUOTA_CODES = new Set([
  'insufficient_quota',
  'credit_balance_exhausted',
  'organization_spend_limit_exceeded',
  'project_spend_limit_exceeded',
  'organization_usage_limit_exceeded',
  'billing_hard_limit_reached',
]);

/**
 * Whether an error says the account is out of money or quota. Read only from
 * the fields and statuses that carry it, so that a client whose request is
 * echoed in an error ("insufficient_quota" in its prompt) cannot disable the
 * credential:
 * - OpenAI: 429 with `error.type` or `error.code` `insufficient_quota` (or one of its finer codes above);
 * - Anthropic: 400 `invalid_request_error` whose message begins "Your credit balance is too low"
 *   (https://docs.anthropic.com/en/api/errors; the 402 `billing_error` is told by its status);
 * - a 402 from anyone. Google's 429 RESOURCE_EXHAUSTED is a rate limit (its
 *   RetryInfo says when to come back) and cools the credential instead.
 */
function outOfQuota(status: number, error: UpstreamError): boolean {
  if (status === 402 || error.type === 'billing_error') return true;
  if (status === 429) return error.type === 'insufficient_quota' || (error.code !== null && OPENAI_QUOTA_CODES.has(error.code));
  if (status === 400) {
    if (error.code === 'billing_hard_limit_reached') return true;
    return error.type === 'invalid_request_error' && /^your credit balance is too low/i.test(error.message);
  }
  return false;
}

/**
 * A key the upstream does not accept, told with a 400: Google answers a wrong
 * or expired API key with INVALID_ARGUMENT and an ErrorInfo reason
 * API_KEY_INVALID / API_KEY_EXPIRED (https://ai.google.dev/gemini-api/docs/troubleshooting).
 */
function refusesKeyWith400(error: UpstreamError): boolean {
  if (error.reasons.some((r) => r === 'API_KEY_INVALID' || r === 'API_KEY_EXPIRED')) return true;
  if (error.status === 'INVALID_ARGUMENT' && /^API key (not valid|expired)/i.test(error.message)) return true;
  return onlyForClaudeCode(error);
}

/**
 * Anthropic's 400 for a Claude subscription's OAuth token used outside Claude
 * Code, or a claude-code credential it no longer takes that way:
 * `invalid_request_error` "This credential is only authorized for use with
 * Claude Code and cannot be used for other API requests." The request is
 * fine; the credential cannot serve it, so it is refused like a 401. Read
 * from the start of `error.message` only, so a client's text echoed in some
 * other error cannot disable a credential.
 */
function onlyForClaudeCode(error: UpstreamError): boolean {
  return error.type === 'invalid_request_error' && /^(this )?credential is only authorized for use with claude code\b/i.test(error.message);
}

/**
 * A 403 about the request rather than the key: the credential may not use
 * this model or feature (OpenAI's `model_not_found` "does not have access to
 * model", Anthropic's `permission_error` naming a model, a beta or a feature).
 * Other credentials and other requests may still be served by this key, so it
 * stays in the pool. A 403 that speaks of neither is about the key, its
 * project or its account, and disables it.
 */
function forbidsTheRequest(error: UpstreamError): boolean {
  if (error.code === 'model_not_found' || error.code === 'unsupported_model') return true;
  return /\b(models?|features?|beta|betas)\b/i.test(error.message);
}

/** Judges an upstream's HTTP answer; `errorText` is its body when the status is 400 or above. */
export function judgeReply(status: number, headers: ReplyHeaders, errorText: string, now: number): Verdict {
  if (status < 400) return { kind: 'ok' };
  const detail = briefly(errorText);
  const error = readUpstreamError(errorText);
  if (outOfQuota(status, error)) return { kind: 'disable', reason: `quota exhausted (${status}): ${detail}` };
  if (status === 401 || (status === 403 && !forbidsTheRequest(error)) || (status === 400 && refusesKeyWith400(error)))
    return { kind: 'disable', reason: `refused the credential (${status}): ${detail}` };
  if (status === 429) {
    const window = subscriptionWindow(headers, now);
    if (window) return { kind: 'rate-limited', reason: `${RATE_LIMITED_REASON}: ${window.why}: ${detail}`, retryAfterMs: window.waitMs, untilReset: true };
    return { kind: 'rate-limited', reason: `${RATE_LIMITED_REASON}: ${detail}`, retryAfterMs: retryAfterMs(headers, now) ?? error.retryDelayMs };
  }
  if (status === 408 || status >= 500) return { kind: 'unavailable', reason: `answered ${status}: ${detail}` };
  return { kind: 'client-error' };
}

/**
 * A Claude subscription's 429 on a spent usage window: its
 * `anthropic-ratelimit-unified-status` is no longer `allowed…` (it is
 * `rejected`), and `-reset` (epoch seconds) and `-representative-claim` say
 * when and which window (providers/claude-code/quota.ts). Every answer
 * carries these headers, so a 429 while the status is still `allowed` is
 * some other limit, judged as any 429. Null for those and any other 429.
 */
function subscriptionWindow(headers: ReplyHeaders, now: number): { waitMs: number; why: string } | null {
  const status = headers.get('anthropic-ratelimit-unified-status');
  const reset = headers.get('anthropic-ratelimit-unified-reset');
  if (status === null || status.startsWith('allowed') || reset === null || !/^\d+(\.\d+)?$/.test(reset.trim())) return null;
  const at = Number(reset) * 1000;
  const claim = headers.get('anthropic-ratelimit-unified-representative-claim') ?? 'usage';
  return { waitMs: Math.max(0, at - now), why: `subscription ${claim} limit ${status} until ${new Date(at).toISOString()}` };
}

/**
 * Whether an answer says the endpoint itself does not exist, as servers
 * without a route for a path answer: 404 (FastAPI's `{"detail":"Not Found"}`,
 * Go's `404 page not found`, `Invalid URL (POST /v1/responses)`, Groq's
 * `unknown_url`), 405, or 501. A 404 that speaks of a model is the model
 * missing (OpenAI's `model_not_found`), and one that names a parameter
 * (`"param": "previous_response_id"`) came from the endpoint: neither counts.
 */
export function lacksEndpoint(status: number, errorText: string): boolean {
  if (status !== 404 && status !== 405 && status !== 501) return false;
  return !/model/i.test(errorText) && !namesParam(errorText);
}

/** True when an OpenAI-shaped error body names the parameter at fault. */
function namesParam(errorText: string): boolean {
  try {
    const param = (JSON.parse(errorText) as { error?: { param?: unknown } } | null)?.error?.param;
    return typeof param === 'string' && param !== '';
  } catch {
    return false; // not JSON: a plain "404 page not found"
  }
}

/**
 * Judges a try that got no answer (connect error, timeout, reset), or whose
 * credential could not be turned into a usable token first (a Copilot token
 * exchange or a Codex refresh answering non-2xx: `UpstreamStatusError`).
 */
export function judgeFailure(err: unknown): Failure {
  if (err instanceof UpstreamStatusError) {
    const reason = `${err.message}${err.detail ? `: ${err.detail.slice(0, 200)}` : ''}`;
    if (err.status === 401 || err.status === 402 || err.status === 403 || (err.status === 400 && /invalid_grant|refresh_token/i.test(err.detail)))
      return { kind: 'disable', reason: `refused the credential (${err.status}): ${reason}` };
    if (err.status === 429) return { kind: 'rate-limited', reason: `${RATE_LIMITED_REASON}: ${reason}`, retryAfterMs: null };
    return { kind: 'unavailable', reason };
  }
  if (err instanceof UpstreamFailure) return { kind: 'unavailable', reason: err.message };
  return { kind: 'unavailable', reason: (err as Error)?.message ?? String(err) };
}

/**
 * How long the upstream asks us to wait, from the headers vendors send with a 429:
 * `retry-after-ms` and `retry-after` (seconds or an HTTP date, RFC 9110 §10.2.3),
 * OpenAI's `x-ratelimit-reset-requests|tokens` durations like `6m0s` or `20ms`
 * (https://platform.openai.com/docs/guides/rate-limits), and Anthropic's
 * `anthropic-ratelimit-*-reset` RFC 3339 times (https://docs.anthropic.com/en/api/rate-limits).
 * (Google puts its delay in the body instead: `judgeReply` falls back on its RetryInfo.)
 * The explicit retry-after wins; otherwise the latest reset. Null when none is given.
 */
export function retryAfterMs(headers: ReplyHeaders, now: number): number | null {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const after = headers.get('retry-after');
  if (after !== null) {
    if (/^\d+(\.\d+)?$/.test(after.trim())) return Number(after) * 1000;
    const date = Date.parse(after);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  let latest: number | null = null;
  headers.forEach((value, name) => {
    let wait: number | null = null;
    if (name.startsWith('x-ratelimit-reset-')) wait = parseDuration(value);
    else if (name.startsWith('anthropic-ratelimit-') && name.endsWith('-reset')) {
      const at = Date.parse(value);
      wait = Number.isNaN(at) ? null : Math.max(0, at - now);
    }
    if (wait !== null && (latest === null || wait > latest)) latest = wait;
  });
  return latest;
}

/** A Retry-After header value (RFC 9110 §10.2.3) in whole seconds, at least 1, until `at`. */
export function retryAfterSeconds(at: number, now: number): string {
  return String(Math.max(1, Math.ceil((at - now) / 1000)));
}

/** `1h2m3.5s`, `6m0s`, `20ms`, `1.5s` -> milliseconds; null when it is not a duration. */
export function parseDuration(text: string): number | null {
  const parts = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+(?:\.\d+)?)ms)?$/.exec(text.trim());
  if (!parts || text.trim() === '') return null;
  const [, h, m, s, msPart] = parts;
  return Number(h ?? 0) * 3_600_000 + Number(m ?? 0) * 60_000 + Number(s ?? 0) * 1000 + Number(msPart ?? 0);
}

function briefly(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat || '(no body)';
}
