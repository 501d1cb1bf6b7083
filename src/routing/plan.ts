import type { Endpoint, Protocol } from '../protocols/protocol.js';
import type { Providers } from '../providers/registry.js';
import type { LiveCredential, LiveUpstream, Snapshot } from './catalog.js';

export type Plan =
  | { kind: 'ok'; upstream: LiveUpstream; upstreamModel: string; credential: LiveCredential | null }
  | { kind: 'unknown-model' }
  | { kind: 'no-route'; reason: string };

/** A model's routes: the declared ones, or else every upstream that lists the model itself. */
export function routesOf(snapshot: Snapshot, model: string): { upstream: string; model: string }[] | undefined {
  const declared = snapshot.models.get(model);
  if (declared) return declared.routes;
  const listed = snapshot.listedModels.get(model);
  return listed?.map((upstream) => ({ upstream, model }));
}

/**
 * Picks the first route whose upstream is enabled, speaks the client's
 * protocol natively and has a usable credential, then a credential from its
 * pool (round-robin). Later routes are the fallback.
 */
export function planRoute(snapshot: Snapshot, providers: Providers, model: string, protocol: Protocol, endpoint: Endpoint): Plan {
  const routes = routesOf(snapshot, model);
  if (!routes) return { kind: 'unknown-model' };
  const reasons: string[] = [];
  for (const route of routes) {
    const upstream = snapshot.upstreams.get(route.upstream);
    if (!upstream || !upstream.record.enabled) {
      reasons.push(`${route.upstream} is disabled or gone`);
      continue;
    }
    const provider = providers[upstream.record.kind];
    if (!provider.speaks.includes(protocol) || !provider.endpoints.includes(endpoint)) {
      reasons.push(`${route.upstream} (${upstream.record.kind}) does not speak ${protocol}`);
      continue;
    }
    if (upstream.record.kind === 'mock') return { kind: 'ok', upstream, upstreamModel: route.model, credential: null };
    const credential = pickRoundRobin(upstream);
    if (!credential) {
      reasons.push(`${route.upstream} has no usable credential`);
      continue;
    }
    return { kind: 'ok', upstream, upstreamModel: route.model, credential };
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
