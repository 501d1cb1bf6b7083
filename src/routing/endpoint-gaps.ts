import type { Protocol } from '../protocols/protocol.js';
import type { UpstreamRecord } from '../store/types.js';

/**
 * What the gateway learned that an upstream does not serve after all: an
 * OpenAI-compatible server declared (or defaulted) to speak Responses whose
 * `/responses` answered 404, or one without legacy `/completions`. From then
 * on the upstream is planned without that protocol (its clients are
 * translated to Chat). A gap may hold for one model only: OpenAI and Azure
 * serve `/completions` for completion models and refuse their chat models there.
 *
 * Kept in memory only, keyed by upstream id and base URL: relearning costs
 * one 404 per process start (retried at once, unseen by the client), a
 * server upgraded to serve the endpoint is found again after a restart, and
 * a changed base URL starts afresh. `speaks: [chat]` declares it for good.
 */
export class EndpointGaps {
  readonly #missing = new Set<string>();

  constructor(private readonly log: (message: string) => void = () => {}) {}

  /** Whether the upstream lacks the protocol altogether or, given a model (the upstream's id), for that model. */
  lacks(upstream: UpstreamRecord, protocol: Protocol, model?: string): boolean {
    if (this.#missing.has(keyOf(upstream, protocol))) return true;
    return model !== undefined && this.#missing.has(keyOf(upstream, protocol, model));
  }

  /** Learns that the upstream lacks the protocol, for every model or, given one, for that model only. */
  learn(upstream: UpstreamRecord, protocol: Protocol, why: string, model?: string): void {
    const key = keyOf(upstream, protocol, model);
    if (this.#missing.has(key)) return;
    this.#missing.add(key);
    const what = model === undefined ? protocol : `${protocol} for model ${model}`;
    this.log(`upstream ${upstream.id} does not serve ${what} (${why}); translated from now on`);
  }
}

function keyOf(upstream: UpstreamRecord, protocol: Protocol, model?: string): string {
  return `${upstream.id}\n${upstream.baseUrl ?? ''}\n${protocol}${model === undefined ? '' : `\n${model}`}`;
}
