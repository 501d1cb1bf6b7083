import type { Endpoint, Protocol } from '../protocols/protocol.js';
import type { Providers } from '../providers/registry.js';
import type { AliasRecord, RouteRecord, UpstreamRecord } from '../store/types.js';
import type { AliasTarget, RequestOverrides } from '../config/schema.js';
import type { LiveCredential, LiveUpstream, Snapshot } from './catalog.js';
import { isRerank, TRANSLATABLE, TRANSLATION_TARGETS } from '../protocols/operations.js';
import type { PoolHealth } from './credential-health.js';
import type { EndpointGaps } from './endpoint-gaps.js';
import { orderCredentials } from './strategies.js';
import { targetsInOrder } from './aliases.js';
import { weightedOrder } from './weighted-order.js';

/**
 * Media asked of an upstream that serves it in another shape, translated by
 * the media handler (not the IR): OpenAI images of a Gemini image model
 * become a `generateContent` call (translate/gemini/images.ts).
 */
const MEDIA_TRANSLATIONS: Partial<Record<Protocol, Protocol>> = { 'openai-images': 'gemini' };

/**
 * Embeddings asked in the other vendor's shape (translate/embeddings/, by
 * gateway/embeddings.ts): OpenAI's of a Gemini upstream, Gemini's of an
 * upstream that serves OpenAI's `/embeddings`.
 */
const EMBEDDINGS_TRANSLATIONS: Partial<Record<Protocol, Protocol>> = { 'openai-embeddings': 'gemini', gemini: 'openai-embeddings' };

/** One route a request may try: the upstream, how it is spoken to, and its usable credentials in try order. */
export interface Candidate {
  upstream: LiveUpstream;
  /** The public model this route serves: the one asked for, or the alias target it resolved to. */
  model: string;
  upstreamModel: string;
  /** The protocol the upstream is spoken to in. */
  upstreamProtocol: Protocol;
  /** True when client and upstream protocols differ and the request goes through the IR. */
  translate: boolean;
  /** Credentials in the order to try them; `[null]` for upstreams that need none (mock). */
  credentials: (LiveCredential | null)[];
  /** An alias target's request settings over the client's (translate/overrides.ts). */
  overrides?: RequestOverrides;
}

export type Plan =
  | { kind: 'ok'; candidates: Candidate[] }
  | { kind: 'unknown-model' }
  /** No route can ever serve this (protocol, disabled upstream, empty pool): a configuration problem. */
  | { kind: 'no-route'; reason: string }
  /**
   * Routes exist, but every credential is cooling down or disabled right now;
   * `rateLimited` when what will come back is only waiting out upstream 429s.
   */
  | { kind: 'unavailable'; reason: string; retryAt: number | null; rateLimited: boolean };

/** A model's routes: the declared ones, or else every upstream that lists the model itself. */
export function routesOf(snapshot: Snapshot, model: string): RouteRecord[] | undefined {
  const declared = snapshot.models.get(model);
  if (declared) return declared.routes;
  const listed = snapshot.listedModels.get(model);
  return listed?.map((upstream) => ({ upstream, model }));
}

/**
 * The protocols an upstream serves, the first translation target being the
 * one other clients are translated to. An `openai` or `ollama` upstream
 * serves what its `speaks` lists, in that order (default chat, then
 * responses), less what it turned out not to serve (`gaps`: a 404 on
 * /responses), embeddings, and legacy completions until it turns out not to
 * serve them either; an `ollama` one also Anthropic Messages, unless declared
 * (`anthropicMessages: false`) or learned (a 404 on /v1/messages) otherwise;
 * an `openai` one also the rerank dialect its `rerank` setting names, if any.
 */
export function protocolsOf(providers: Providers, upstream: UpstreamRecord, gaps?: EndpointGaps): readonly Protocol[] {
  const speaks = providers[upstream.kind].speaks;
  if (upstream.kind !== 'openai' && upstream.kind !== 'ollama') return speaks;
  const declared = upstream.speaks.map((s): Protocol => (s === 'chat' ? 'openai-chat' : 'openai-responses'));
  const served = declared.filter((p) => !gaps?.lacks(upstream, p));
  const completions: Protocol[] = gaps?.lacks(upstream, 'openai-completions') ? [] : ['openai-completions'];
  const protocols: Protocol[] = [...(served.length > 0 ? served : declared), 'openai-embeddings', ...completions];
  if (upstream.kind === 'ollama' && upstream.settings?.anthropicMessages !== false && !gaps?.lacks(upstream, 'anthropic-messages'))
    protocols.push('anthropic-messages');
  if (upstream.kind === 'openai' && upstream.settings?.rerank) protocols.push(`rerank-${upstream.settings.rerank.dialect}`);
  // Images and audio where the kind serves them (openai: passed through).
  protocols.push(...speaks.filter((p) => p === 'openai-images' || p === 'openai-audio'));
  return protocols;
}

/**
 * Every route that can serve the request, in try order. A model's routes
 * come in declared order, or, when they carry weights, a first route drawn
 * by weight and the others after it in declared order. An alias
 * (routing/aliases.ts) expands into its targets in selection order, each
 * into its routes, and only the targets `allowed` (the key's reach through
 * the alias). A route qualifies when its upstream is enabled, can serve the
 * client's protocol (natively: pass-through; else through the IR when both
 * sides translate) and has a usable credential, ordered by its pool's strategy.
 */
export function planRoute(
  snapshot: Snapshot,
  providers: Providers,
  health: PoolHealth,
  request: { model: string; protocol: Protocol; endpoint: Endpoint; allowed?: (alias: AliasRecord) => AliasTarget[] },
  now: number,
  random: () => number = Math.random,
  gaps?: EndpointGaps,
): Plan {
  const alias = snapshot.aliases.get(request.model);
  if (!alias && !routesOf(snapshot, request.model)) return { kind: 'unknown-model' };
  const targets: { model: string; overrides?: RequestOverrides }[] = alias
    ? targetsInOrder(alias.select, request.allowed?.(alias) ?? alias.targets, random)
    : [{ model: request.model }];
  const tally: Tally = { candidates: [], reasons: [], unhealthy: 0, rateLimited: 0, retryAt: null };
  for (const target of targets) {
    const routes = routesOf(snapshot, target.model);
    if (routes) planModel(snapshot, providers, health, { ...request, ...target }, routes, now, random, gaps, tally);
    else tally.reasons.push(`alias target ${target.model} is not a model`);
  }
  const { candidates, reasons, unhealthy, rateLimited, retryAt } = tally;
  if (candidates.length > 0) return { kind: 'ok', candidates };
  const reason = reasons.join('; ');
  // Routes skipped for their configuration do not make a rate-limited model "broken": waiting helps.
  return unhealthy > 0 ? { kind: 'unavailable', reason, retryAt, rateLimited: rateLimited === unhealthy } : { kind: 'no-route', reason };
}

/** What planning the routes found so far: the candidates, and why the others were left out. */
interface Tally {
  candidates: Candidate[];
  reasons: string[];
  /** Routes left out because every credential is cooling or disabled, and of those, only rate limited. */
  unhealthy: number;
  rateLimited: number;
  retryAt: number | null;
}

/** Adds one model's qualifying routes to the tally, in try order. */
function planModel(
  snapshot: Snapshot,
  providers: Providers,
  health: PoolHealth,
  request: { model: string; protocol: Protocol; endpoint: Endpoint; overrides?: RequestOverrides },
  routes: RouteRecord[],
  now: number,
  random: () => number,
  gaps: EndpointGaps | undefined,
  tally: Tally,
): void {
  const { model, protocol, endpoint, overrides } = request;
  const { reasons } = tally;
  for (const route of weightedOrder(routes, random)) {
    const upstream = snapshot.upstreams.get(route.upstream);
    if (!upstream || !upstream.record.enabled) {
      reasons.push(`${route.upstream} is disabled or gone`);
      continue;
    }
    const speaks = protocolsOf(providers, upstream.record, gaps);
    const native =
      speaks.includes(protocol) && providers[upstream.record.kind].endpoints.includes(endpoint) && !gaps?.lacks(upstream.record, protocol, route.model);
    const via = native ? protocol : translatedTo(protocol, endpoint, speaks, providers[upstream.record.kind].endpoints);
    if (!via) {
      reasons.push(`${route.upstream} (${upstream.record.kind}) cannot serve ${protocol}`);
      continue;
    }
    // A kind that may go without (mock, a local Ollama server) and was given no credential at all.
    const needsNone = providers[upstream.record.kind].credentialOptional === true && upstream.record.credentials.length === 0;
    if (!needsNone && upstream.credentials.length === 0) {
      reasons.push(`${route.upstream} has no credential`);
      continue;
    }
    const credentials = needsNone ? [null] : orderCredentials(upstream, health, now);
    if (credentials.length === 0) {
      tally.unhealthy++;
      const ids = upstream.credentials.map((c) => c.id);
      const back = health.soonestBack(ids);
      if (back !== null && (tally.retryAt === null || back < tally.retryAt)) tally.retryAt = back;
      if (health.onlyRateLimited(ids, now)) {
        tally.rateLimited++;
        reasons.push(`every credential of ${route.upstream} is rate limited by the upstream`);
      } else reasons.push(`every credential of ${route.upstream} is cooling down or disabled`);
      continue;
    }
    tally.candidates.push({
      upstream,
      model,
      upstreamModel: route.model,
      upstreamProtocol: via,
      translate: via !== protocol,
      credentials,
      ...(overrides ? { overrides } : {}),
    });
  }
}

/**
 * The protocol a client's request is translated to on an upstream that does
 * not speak it: chat shapes through the IR, rerank dialects among
 * themselves, images to a Gemini image model, embeddings between OpenAI's
 * and Gemini's; Gemini's other methods (`:predict`) are never translated.
 */
function translatedTo(protocol: Protocol, endpoint: Endpoint, speaks: readonly Protocol[], endpoints: readonly Endpoint[]): Protocol | undefined {
  if (isRerank(protocol)) return speaks.find(isRerank);
  if (endpoint === 'embeddings') {
    const other = EMBEDDINGS_TRANSLATIONS[protocol];
    return other && endpoints.includes('embeddings') ? speaks.find((p) => p === other) : undefined;
  }
  if (protocol === 'gemini' && endpoint !== 'generate' && endpoint !== 'count_tokens') return undefined;
  const media = MEDIA_TRANSLATIONS[protocol];
  if (media) return speaks.find((p) => p === media);
  return TRANSLATABLE.includes(protocol) ? speaks.find((p) => TRANSLATION_TARGETS.includes(p)) : undefined;
}
