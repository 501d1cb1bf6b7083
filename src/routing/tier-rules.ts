import type { RouterConfig, TierConditions, TierRule } from '../config/schema.js';
import type { RouterRecord } from '../store/types.js';
import type { TierFeatures } from './tier-features.js';

/**
 * Routers (docs/routing-tiers.md): a public name such as `auto` that sends
 * each request to one of its tiers, by the first rule whose conditions hold
 * over the request's features (routing/tier-features.ts), else by its
 * classifier model, else to its default tier.
 */

/** A router as the hot path uses it: its patterns compiled and keywords lowered once, when the snapshot is built. */
export interface LiveRouter {
  record: RouterRecord;
  rules: LiveRule[];
}

interface LiveRule {
  rule: TierRule;
  /** How the log names it: the rule's `name`, else `rules[i]`. */
  label: string;
  keywords: string[] | null;
  pattern: RegExp | null;
}

export function compileRouter(record: RouterRecord): LiveRouter {
  return {
    record,
    rules: record.rules.map((rule, i) => ({
      rule,
      label: rule.name ?? `rules[${i}]`,
      keywords: rule.when.keywords?.map((k) => k.toLowerCase()) ?? null,
      pattern: rule.when.pattern === undefined ? null : new RegExp(rule.when.pattern, 'iu'),
    })),
  };
}

/** What the rules decided: a tier, or to ask the classifier (a `classify` rule, or no rule and a classifier to ask). */
export type RuleDecision = { kind: 'tier'; tier: string; reason: string } | { kind: 'classify'; reason: string };

export function decideByRules(router: LiveRouter, features: TierFeatures): RuleDecision {
  for (const live of router.rules) {
    if (!holds(live, features)) continue;
    if (live.rule.classify) return { kind: 'classify', reason: `rule ${live.label}` };
    return { kind: 'tier', tier: live.rule.tier!, reason: `rule ${live.label}` };
  }
  if (router.record.classifier) return { kind: 'classify', reason: 'no rule matched' };
  return { kind: 'tier', tier: defaultTier(router.record), reason: 'default' };
}

/** The tier when nothing else decides. */
export function defaultTier(router: RouterConfig): string {
  return router.default ?? router.tiers[0].name;
}

/** The tier savings are measured against: the declared reference, else the last (largest) tier. */
export function referenceTier(router: RouterConfig): string {
  return router.reference ?? router.tiers[router.tiers.length - 1].name;
}

/** The model or alias that serves `tier`. */
export function tierModel(router: RouterConfig, tier: string): string {
  return router.tiers.find((t) => t.name === tier)!.model;
}

function holds(live: LiveRule, f: TierFeatures): boolean {
  const when: TierConditions = live.rule.when;
  if (when.minInputTokens !== undefined && f.inputTokens < when.minInputTokens) return false;
  if (when.maxInputTokens !== undefined && f.inputTokens > when.maxInputTokens) return false;
  if (when.minTurns !== undefined && f.turns < when.minTurns) return false;
  if (when.maxTurns !== undefined && f.turns > when.maxTurns) return false;
  if (when.tools !== undefined && f.tools !== when.tools) return false;
  if (when.images !== undefined && f.images !== when.images) return false;
  if (when.reasoning !== undefined && f.reasoning !== when.reasoning) return false;
  if (when.protocols && !when.protocols.some((p) => p === f.protocol)) return false;
  if (when.groups && !when.groups.some((g) => f.group === g || (f.group ?? '').startsWith(`${g}/`))) return false;
  if (live.keywords) {
    const text = f.lastUserText.toLowerCase();
    if (!live.keywords.some((k) => text.includes(k))) return false;
  }
  if (live.pattern && !live.pattern.test(f.lastUserText)) return false;
  return true;
}
