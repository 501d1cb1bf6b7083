import type { Taken } from '../store/counters.js';

/**
 * Rate-limit response headers in OpenAI's names, so clients that already
 * read them from OpenAI read Switchboard's the same way. Reset times are
 * durations (`20ms`, `1s`, `6m0s`) as OpenAI writes them.
 * @see https://platform.openai.com/docs/guides/rate-limits#rate-limits-in-headers
 */
export function rateLimitHeaders(requests: Taken | undefined, tokens: Taken | undefined, now: number): Record<string, string> {
  const headers: Record<string, string> = {};
  if (requests) {
    headers['x-ratelimit-limit-requests'] = String(requests.limit);
    headers['x-ratelimit-remaining-requests'] = String(Math.floor(requests.remaining));
    headers['x-ratelimit-reset-requests'] = formatDuration(requests.resetAt - now);
  }
  if (tokens) {
    headers['x-ratelimit-limit-tokens'] = String(tokens.limit);
    headers['x-ratelimit-remaining-tokens'] = String(Math.floor(tokens.remaining));
    headers['x-ratelimit-reset-tokens'] = formatDuration(tokens.resetAt - now);
  }
  return headers;
}

/** The tightest of several buckets of one dimension (key, group, gateway): the one with the least left. */
export function tightest(taken: Taken[]): Taken | undefined {
  let best: Taken | undefined;
  for (const t of taken) if (!best || t.remaining < best.remaining) best = t;
  return best;
}

/** `20ms`, `1.5s`, `6m0s`, `2h5m0s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.ceil(ms))}ms`;
  const total = Math.ceil(ms) / 1000;
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = `${Number((total % 60).toFixed(3))}s`;
  if (hours > 0) return `${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${minutes}m${seconds}`;
  return seconds;
}

/** Retry-After in whole seconds (RFC 9110 §10.2.3), never 0 so a client does wait. */
export function retryAfterSeconds(ms: number): string {
  return String(Math.max(1, Math.ceil(ms / 1000)));
}
