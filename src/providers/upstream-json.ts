import type { UpstreamRecord } from '../store/types.js';
import type { HttpClient, HttpReply } from './http.js';

/**
 * An upstream answered, but not with a 2xx. Carries the status so callers
 * (model listing, health probes, token exchanges) can tell a refused
 * credential (401/403) from an upstream that is down (5xx).
 */
export class UpstreamStatusError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The start of the upstream's answer, for logs. */
    readonly detail: string = '',
  ) {
    super(message);
  }
}

export interface JsonRequest {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** A JSON value (sent as application/json) or a form (sent as x-www-form-urlencoded). */
  json?: unknown;
  form?: Record<string, string>;
}

/**
 * One JSON call made by the gateway itself (model listing, token exchange,
 * refresh), not on behalf of a client: the upstream's extra headers,
 * timeouts and proxy apply; network failures surface as UpstreamFailure (from the
 * HttpClient), non-2xx answers as UpstreamStatusError.
 */
export async function requestJson(
  http: HttpClient,
  upstream: Pick<UpstreamRecord, 'headers' | 'timeouts' | 'settings'>,
  req: JsonRequest,
  signal: AbortSignal,
): Promise<unknown> {
  const headers: Record<string, string> = { accept: 'application/json', ...upstream.headers, ...req.headers };
  let body: string | undefined;
  if (req.json !== undefined) {
    body = JSON.stringify(req.json);
    headers['content-type'] = 'application/json';
  } else if (req.form !== undefined) {
    body = new URLSearchParams(req.form).toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  const method = req.method ?? (body === undefined ? 'GET' : 'POST');
  const proxy = upstream.settings?.proxy;
  const reply = await http({ url: req.url, method, headers, body, signal, timeouts: upstream.timeouts, ...(proxy ? { proxy } : {}) });
  const text = await readText(reply);
  if (reply.status < 200 || reply.status > 299) {
    const detail = text.slice(0, 500);
    throw new UpstreamStatusError(reply.status, `${method} ${withoutQuery(req.url)} answered ${reply.status}: ${detail}`, detail);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new UpstreamStatusError(502, `${method} ${withoutQuery(req.url)} answered ${reply.status} with a body that is not JSON`, text.slice(0, 500));
  }
}

/** Reads and drops an answer that will not be used, so its connection can be reused. */
export async function discardBody(reply: HttpReply): Promise<void> {
  await readText(reply).catch(() => '');
}

async function readText(reply: HttpReply): Promise<string> {
  if (reply.text) return reply.text();
  return reply.body ? new Response(reply.body).text() : '';
}

/** Query strings may carry secrets (Gemini's `?key=`); messages leave them out. */
function withoutQuery(url: string): string {
  return url.replace(/\?.*$/, '');
}

/** A JSON object's field as a plain record, or an empty one. */
export function recordOf(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** A JSON array, or an empty one. */
export function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
