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
  private readonly missing = new Map<string, Set<Protocol>>();

  constructor(private readonly log: (message: string) => void = () => {}) {}

  lacks(upstream: UpstreamRecord, protocol: Protocol): boolean {
    return this.missing.get(keyOf(upstream))?.has(protocol) ?? false;
  }

  learn(upstream: UpstreamRecord, protocol: Protocol, why: string): void {
    const key = keyOf(upstream);
    const set = this.missing.get(key) ?? new Set<Protocol>();
    if (set.has(protocol)) return;
    set.add(protocol);
    this.missing.set(key, set);
    this.log(`upstream ${upstream.id} does not serve ${protocol} (${why}); translated from now on`);
  }

  forgetAll(): void {
    this.missing.clear();
  }
}

function keyOf(upstream: UpstreamRecord): string {
  return `${upstream.id} ${upstream.baseUrl ?? ''}`;
}
