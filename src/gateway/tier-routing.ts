import type { Context } from 'hono';
import type { DataPlaneDeps } from './deps.js';
import type { Exchange } from './exchange.js';
import type { Operation } from '../protocols/operations.js';
import type { UrlHints } from '../protocols/requests.js';
import type { Snapshot } from '../routing/catalog.js';
import type { KeyRecord } from '../store/types.js';
import { ROUTER_PROTOCOLS } from '../config/schema.js';
import { decideByRules, defaultTier, referenceTier, tierModel, type LiveRouter } from '../routing/tier-rules.js';
import { tierFeatures, type TierFeatures } from '../routing/tier-features.js';
import { askClassifier } from './tier-classifier.js';
import { pricedIds } from '../routing/priced-ids.js';

/** The endpoints a classifier is asked for: generation. A token count is routed by the rules alone (a classifier call would cost more than the count). */
const CLASSIFIED_ENDPOINTS = new Set(['chat', 'responses', 'messages', 'generate']);

/**
 * Step 2c of admission for a request to a router (docs/routing-tiers.md):
 * the tier, by the first rule that holds over the request's features, or by
 * the router's classifier, or its default; written on the row with why.
 * Returns the model (or alias) of the tier, which is planned like a model
 * asked for by name. The row also learns what the reference tier would have
 * cost (exchange.ts prices it when the row is finished).
 */
export async function chooseTier(
  c: Context,
  ctx: DataPlaneDeps,
  ex: Exchange,
  op: Operation,
  json: Record<string, unknown>,
  hints: UrlHints,
  key: KeyRecord,
  router: LiveRouter,
  snapshot: Snapshot,
): Promise<string> {
  const { record } = router;
  const chat = ROUTER_PROTOCOLS.some((p) => p === op.protocol);
  let tier: string;
  let reason: string;
  if (!chat) {
    tier = defaultTier(record);
    reason = `default (${op.endpoint} is not a chat request)`;
  } else {
    const features = tierFeatures(op.protocol, json, hints, ex.row.group);
    const decision = decideByRules(router, features);
    if (decision.kind === 'tier') ({ tier, reason } = decision);
    else ({ tier, reason } = await classified(c, ctx, ex, op, key, router, features, decision.reason));
  }
  const model = tierModel(record, tier);
  ex.row.router = record.id;
  ex.row.tier = tier;
  ex.row.tierReason = reason;
  ex.priceReference(pricedIds(snapshot, tierModel(record, referenceTier(record))));
  return model;
}

/** The classifier's tier, or the fallback when it fails, is slow, or is not asked here. */
async function classified(
  c: Context,
  ctx: DataPlaneDeps,
  ex: Exchange,
  op: Operation,
  key: KeyRecord,
  router: LiveRouter,
  features: TierFeatures,
  because: string,
): Promise<{ tier: string; reason: string }> {
  const classifier = router.record.classifier!;
  const fallback = classifier.fallback ?? defaultTier(router.record);
  if (!CLASSIFIED_ENDPOINTS.has(op.endpoint)) return { tier: fallback, reason: `${because}; classifier not asked for ${op.endpoint}: fallback` };
  const answer = await askClassifier(c, ctx, ex, key, router.record, features);
  if (answer.kind === 'tier') return { tier: answer.tier, reason: `${because}; classifier said ${answer.tier}` };
  return { tier: fallback, reason: `${because}; classifier failed (${answer.reason}): fallback` };
}
