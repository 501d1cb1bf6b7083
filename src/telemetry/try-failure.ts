import { UpstreamFailure } from '../providers/http.js';
import type { Failure } from '../routing/verdict.js';

/**
 * Why an upstream try did not serve the request, in the few words metrics
 * count by (the try's own `error` text is free and unbounded):
 * - `rate_limited`: the upstream's 429;
 * - `credential_refused`: 401, 402, 403, an exhausted quota, a token exchange refused;
 * - `upstream_error`: a 5xx or 408, or another unusable answer;
 * - `timeout`: no connection, no first byte or no next byte in time;
 * - `connect`: the upstream could not be reached;
 * - `proxy`: the upstream's proxy could not be reached or refused the tunnel (not the credential's fault);
 * - `broken`: the answer broke off before its first chunk;
 * - `relearned`: the upstream taught the gateway another way to ask (not the credential's fault; tried again at once).
 */
export type TryFailure = 'rate_limited' | 'credential_refused' | 'upstream_error' | 'timeout' | 'connect' | 'proxy' | 'broken' | 'relearned';

/** The reason of a failed try, from what the gateway judged (routing/verdict.ts) and, for a try with no answer, the error. */
export function tryFailureOf(failure: Failure, err?: unknown): TryFailure {
  if (err instanceof UpstreamFailure) return err.isTimeout ? 'timeout' : err.kind === 'connect' || err.kind === 'proxy' ? err.kind : 'broken';
  switch (failure.kind) {
    case 'disable':
      return 'credential_refused';
    case 'rate-limited':
      return 'rate_limited';
    case 'unavailable':
      return 'upstream_error';
    default:
      return failure satisfies never;
  }
}
