import type { UpstreamKind } from '../config/schema.js';
import type { Endpoint, Protocol } from '../protocols/protocol.js';
import type { UpstreamRecord } from '../store/types.js';
import type { HttpClient, HttpReply } from './http.js';

/** One call to an upstream, already planned: which upstream, which credential, what body. */
export interface UpstreamCall {
  upstream: UpstreamRecord;
  /** The plaintext credential; null for upstreams that need none (mock). */
  credential: string | null;
  endpoint: Endpoint;
  /** The JSON body to send (model id already rewritten), for POST endpoints. */
  body?: string;
  /** Client headers safe to forward (auth and hop-by-hop already removed). */
  headers: Record<string, string>;
  /** The upstream's model id (already in the body for most kinds; Gemini puts it in the URL). */
  upstreamModel?: string;
  /** Whether a streamed answer is wanted (Gemini chooses the URL by it). */
  stream?: boolean;
}

export type UpstreamReply = HttpReply;

/**
 * One per upstream kind. A provider knows its upstream's URLs, auth headers
 * and which protocols it speaks natively; nothing about clients, keys or billing.
 */
export interface Provider {
  kind: UpstreamKind;
  speaks: readonly Protocol[];
  /** Endpoints it can serve (models listing, token counting, …). */
  endpoints: readonly Endpoint[];
  send(call: UpstreamCall, signal: AbortSignal): Promise<UpstreamReply>;
}

export type ProviderFactory = (http: HttpClient) => Provider;

/**
 * What every HTTP provider does once it knows the URL and its auth header:
 * the client's forwardable headers, the upstream's configured extras, the
 * auth, JSON framing, and the upstream's timeouts.
 */
export function sendJson(
  http: HttpClient,
  call: UpstreamCall,
  url: string,
  auth: Record<string, string>,
  signal: AbortSignal,
): Promise<UpstreamReply> {
  const headers: Record<string, string> = { ...call.headers, ...call.upstream.headers, ...auth };
  if (call.body !== undefined) headers['content-type'] = 'application/json';
  return http({ url, method: call.body === undefined ? 'GET' : 'POST', headers, body: call.body, signal, timeouts: call.upstream.timeouts });
}

/** Joins a base URL and a path without doubling or dropping the slash. */
export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + path;
}
