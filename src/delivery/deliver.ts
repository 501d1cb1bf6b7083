import type { HttpClient } from '../providers/http.js';
import type { Sleep } from '../runtime/runtime.js';

/**
 * Sends one batch (a log-export batch, an alert's message) to an HTTP
 * endpoint, trying again with backoff while the answer says "later": no
 * answer at all, 408, 429 or a 5xx. Any other answer is final: a 2xx is
 * delivered, a 4xx is refused (the endpoint will refuse the same bytes
 * again, so trying again would only repeat the refusal). Shared by log
 * export (log-export/) and alerts (alerts/); both run it from a job, never
 * on a request's path.
 */
export interface Delivery {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface RetryPolicy {
  /** How many tries in all (1: no retry). */
  tries: number;
  /** The wait before the second try; doubled before each later one. */
  backoffMs: number;
  /** The longest wait between tries, also the cap on a `Retry-After` the endpoint asks for. */
  maxBackoffMs: number;
  /** How long one try may take to answer. */
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { tries: 4, backoffMs: 500, maxBackoffMs: 10_000, timeoutMs: 10_000 };

export type DeliveryOutcome =
  /** The endpoint took it (2xx); `text` is its answer's body, for formats whose 200 may still hold refusals (Elastic's `_bulk`). */
  | { kind: 'delivered'; status: number; tries: number; text: string }
  /** The endpoint refused it for good (a 4xx other than 408 and 429). */
  | { kind: 'refused'; status: number; tries: number; error: string }
  /** Every try failed with something that might pass later (no answer, 408, 429, 5xx). */
  | { kind: 'failed'; status: number | null; tries: number; error: string };

export interface DeliverDeps {
  http: HttpClient;
  sleep: Sleep;
  /** Aborted when the gateway stops: no further try, no further wait. */
  signal?: AbortSignal;
}

/** An answer's body is read only this far: enough for an error's text or Elastic's item statuses of a batch. */
const MAX_ANSWER_CHARS = 1_000_000;

export async function deliver(deps: DeliverDeps, delivery: Delivery, policy: RetryPolicy = DEFAULT_RETRY): Promise<DeliveryOutcome> {
  let last: DeliveryOutcome = { kind: 'failed', status: null, tries: 0, error: 'not tried' };
  let wait = policy.backoffMs;
  for (let tries = 1; tries <= policy.tries; tries++) {
    const answer = await tryOnce(deps, delivery, policy.timeoutMs);
    if (answer.status !== null && answer.status >= 200 && answer.status < 300) return { kind: 'delivered', status: answer.status, tries, text: answer.text };
    if (answer.status !== null && !retryable(answer.status)) return { kind: 'refused', status: answer.status, tries, error: describe(answer) };
    last = { kind: 'failed', status: answer.status, tries, error: describe(answer) };
    if (tries === policy.tries || deps.signal?.aborted) break;
    // A 429's or 503's Retry-After is honoured when it asks for no longer than the cap; the doubling backoff otherwise.
    const asked = answer.retryAfterMs;
    await deps.sleep(Math.min(asked ?? wait, policy.maxBackoffMs), deps.signal).catch(() => {});
    if (deps.signal?.aborted) break;
    wait = Math.min(wait * 2, policy.maxBackoffMs);
  }
  return last;
}

/** Worth another try: the request timed out at the endpoint, was rate limited, or the endpoint failed. */
export function retryable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

interface Answer {
  status: number | null;
  text: string;
  error?: string;
  retryAfterMs?: number;
}

async function tryOnce(deps: DeliverDeps, delivery: Delivery, timeoutMs: number): Promise<Answer> {
  const signal = deps.signal ?? new AbortController().signal;
  try {
    const reply = await deps.http({
      url: delivery.url,
      method: 'POST',
      headers: delivery.headers,
      body: delivery.body,
      signal,
      timeouts: { connectMs: timeoutMs, firstByteMs: timeoutMs, idleMs: timeoutMs },
    });
    const text = await readText(reply);
    return { status: reply.status, text, retryAfterMs: retryAfterMs(reply.headers.get('retry-after')) };
  } catch (err) {
    return { status: null, text: '', error: err instanceof Error ? err.message : String(err) };
  }
}

async function readText(reply: { body: ReadableStream<Uint8Array> | null; text?: () => Promise<string> }): Promise<string> {
  if (reply.text) return (await reply.text()).slice(0, MAX_ANSWER_CHARS);
  if (!reply.body) return '';
  const reader = reply.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    // Past the cap the rest is not wanted: the connection is let go rather than read to its end.
    if (text.length > MAX_ANSWER_CHARS) {
      await reader.cancel().catch(() => {});
      break;
    }
  }
  return text.slice(0, MAX_ANSWER_CHARS);
}

/** `Retry-After` in seconds (RFC 9110 §10.2.3 also allows a date, which an endpoint rarely sends here: read as absent). */
function retryAfterMs(value: string | null): number | undefined {
  if (value === null) return undefined;
  const seconds = Number(value.trim());
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

function describe(answer: Answer): string {
  if (answer.status === null) return answer.error ?? 'no answer';
  const text = answer.text.trim().slice(0, 300);
  return text ? `HTTP ${answer.status}: ${text}` : `HTTP ${answer.status}`;
}
