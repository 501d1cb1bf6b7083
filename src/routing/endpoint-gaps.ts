import type { Protocol } from '../protocols/protocol.js';
import type { UpstreamRecord } from '../store/types.js';

/**
 * What the gateway learned that an upstream does not serve after all: an
 * OpenAI-compatible server declared (or defaulted) to speak Responses whose
 * `/responses` answered 404. From then on the upstream is planned without
 * that protocol (Responses clients are translated to Chat).
 *
 * Kept in memory only, keyed by upstream id and base URL: relearning costs
 * one 404 per process start (retried at once, unseen by the client), a
 * server upgraded to serve the endpoint is found again after a restart, and
 * a changed base URL starts afresh. `speaks: [chat]` declares it for good.
 */
export class EndpointGaps {
  readonly #missing = new Set<string>();

  constructor(private readonly log: (message: string) => void = () => {}) {}

  lacks(upstream: UpstreamRecord, protocol: Protocol): boolean {
    return this.#missing.has(keyOf(upstream, protocol));
  }

  learn(upstream: UpstreamRecord, protocol: Protocol, why: string): void {
    const key = keyOf(upstream, protocol);
    if (this.#missing.has(key)) return;
    this.#missing.add(key);
    this.log(`upstream ${upstream.id} does not serve ${protocol} (${why}); translated from now on`);
  }
}

function keyOf(upstream: UpstreamRecord, protocol: Protocol): string {
  return `${upstream.id}\n${upstream.baseUrl ?? ''}\n${protocol}`;
}
