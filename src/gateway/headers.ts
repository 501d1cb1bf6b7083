import type { ReplyHeaders } from '../providers/http.js';
import { CLIENT_HEADERS_HELD_BACK } from '../config/schema.js';

/**
 * Which headers cross the gateway. Client auth, hop-by-hop headers and
 * Switchboard's own headers stop here; everything else (vendor betas, new
 * headers we do not know) goes to the upstream untouched.
 */
const NOT_FORWARDED = new Set([
  // client auth: the upstream gets its own credential
  'authorization',
  'x-api-key',
  'x-goog-api-key',
  'cookie',
  // hop-by-hop (RFC 9110 §7.6.1) and framing the HTTP client sets itself
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'content-type',
  // Switchboard reads usage from the body, so it asks for an uncompressed one
  'accept-encoding',
  'expect',
]);

/**
 * The client's headers for the upstream: without the ones above, and
 * without those the upstream must not take from a client unless its config
 * lets them through (`forwardClientHeaders`, config/schema.ts
 * CLIENT_HEADERS_HELD_BACK): the headers that choose which organization or
 * project the gateway's credential bills, and the client's address.
 */
export function forwardableRequestHeaders(headers: Headers, allowed: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (NOT_FORWARDED.has(name) || name.startsWith('x-switchboard-')) return;
    if (HELD_BACK.has(name) && !allowed.includes(name)) return;
    out[name] = value;
  });
  return out;
}

const HELD_BACK = new Set<string>(CLIENT_HEADERS_HELD_BACK);

/** Upstream headers worth passing back: request ids, rate limits, retry hints, processing time. */
const PASSED_BACK = /^(request-id|openai-|anthropic-|x-ratelimit-|retry-after$|x-should-retry$)/;
/**
 * Of those, the ones that name the gateway's account with the vendor
 * (`openai-organization`, `openai-project`, `anthropic-organization-id`):
 * which organization holds the credential is the operator's business, not
 * the client's.
 */
const NAMES_THE_ACCOUNT = /organization|project|account|user/;

export function passBackHeaders(upstream: ReplyHeaders, into: ResponseHeaders): void {
  upstream.forEach((value, name) => {
    if (PASSED_BACK.test(name) && !NAMES_THE_ACCOUNT.test(name)) into[name] = value;
  });
  // Switchboard's own x-request-id names the log row; the upstream's is kept beside it.
  const upstreamRequestId = upstream.get('x-request-id');
  if (upstreamRequestId) into['x-upstream-request-id'] = upstreamRequestId;
}

/**
 * Response headers as a plain record (lower-case names): the Node adapter
 * writes a record straight to the socket, where a Headers object is converted first.
 */
export type ResponseHeaders = Record<string, string>;

/** A JSON answer with the given headers. */
export function jsonResponse(body: unknown, status: number, headers: ResponseHeaders): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...headers, 'content-type': 'application/json' } });
}
