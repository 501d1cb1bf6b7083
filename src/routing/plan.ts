import type { Endpoint, Protocol } from '../protocols/protocol.js';
import type { Providers } from '../providers/registry.js';
import type { UpstreamRecord } from '../store/types.js';
import type { LiveCredential, LiveUpstream, Snapshot } from './catalog.js';
import { TRANSLATABLE } from '../gateway/operations.js';

export type Plan =
  | {
      kind: 'ok';
      upstream: LiveUpstream;
      upstreamModel: string;
      credential: LiveCredential | null;
      /** The protocol the upstream is spoken to in. */
      upstreamProtocol: Protocol;
      /** True when client and upstream protocols differ and the request goes through the IR. */
      translate: boolean;
    }
  | { kind: 'unknown-model' }
  | { kind: 'no-route'; reason: string };

/** A model's routes: the declared ones, or else every upstream that lists the model itself. */
export function routesOf(snapshot: Snapshot, model: string): { upstream: string; model: string }[] | undefined {
  const declared = snapshot.models.get(model);
  if (declared) return declared.routes;
  const listed = snapshot.listedModels.get(model);
  return listed?.map((upstream) => ({ upstream, model }));
}

/** The protocols an upstream serves: its kind's, narrowed by `speaks` for `openai` upstreams. */
export function protocolsOf(providers: Providers, upstream: UpstreamRecord): readonly Protocol[] {
  const speaks = providers[upstream.kind].speaks;
  if (upstream.kind !== 'openai') return speaks;
  return speaks.filter(
    (p) =>
      (p === 'openai-chat' && upstream.speaks.includes('chat')) ||
      (p === 'openai-responses' && upstream.speaks.includes('responses')) ||
      p === 'openai-embeddings',
  );
}

/**
 * Picks the first route whose upstream is enabled, can serve the client's
 * protocol (natively, or through the IR when both sides translate) and has a
 * usable credential, then a credential from its pool (round-robin). Native
 * is pass-through; otherwise the upstream's first translatable protocol is used.
 */
export function planRoute(
  snapshot: Snapshot,
  providers: Providers,
  model: string,
  protocol: Protocol,
  endpoint: Endpoint,
): Plan {
  const routes = routesOf(snapshot, model);
  if (!routes) return { kind: 'unknown-model' };
  const reasons: string[] = [];
  for (const route of routes) {
    const upstream = snapshot.upstreams.get(route.upstream);
    if (!upstream || !upstream.record.enabled) {
      reasons.push(`${route.upstream} is disabled or gone`);
      continue;
    }
    const speaks = protocolsOf(providers, upstream.record);
    const native = speaks.includes(protocol) && providers[upstream.record.kind].endpoints.includes(endpoint);
    const via = native ? protocol : TRANSLATABLE.includes(protocol) ? speaks.find((p) => TRANSLATABLE.includes(p)) : undefined;
    if (!via) {
      reasons.push(`${route.upstream} (${upstream.record.kind}) cannot serve ${protocol}`);
      continue;
    }
    const credential = upstream.record.kind === 'mock' ? null : pickRoundRobin(upstream);
    if (upstream.record.kind !== 'mock' && !credential) {
      reasons.push(`${route.upstream} has no usable credential`);
      continue;
    }
    return { kind: 'ok', upstream, upstreamModel: route.model, credential, upstreamProtocol: via, translate: via !== protocol };
  }
  return { kind: 'no-route', reason: reasons.join('; ') };
}

function pickRoundRobin(upstream: LiveUpstream): LiveCredential | null {
  const pool = upstream.credentials;
  if (pool.length === 0) return null;
  const credential = pool[upstream.cursor % pool.length];
  upstream.cursor = (upstream.cursor + 1) % pool.length;
  return credential;
}
