import { z } from 'zod';
import { keyBudgetSchema, keyLimitsSchema, type Config, type KeyBudget, type KeyLimits } from '../config/schema.js';
import type { Store } from '../store/store.js';
import type { Take } from '../store/counters.js';

/** The limits and budget of one scope: a key, a group, or the whole gateway. */
export interface ScopeRule {
  limits: KeyLimits | null;
  budget: KeyBudget | null;
}

/** Group and gateway-wide rules; a key's own live on its record (api_keys). */
export interface LimitRules {
  global: ScopeRule;
  groups: Map<string, ScopeRule>;
}

export const NO_RULE: ScopeRule = Object.freeze({ limits: null, budget: null });

/** The settings row the rules are kept in, as JSON. */
const SETTING = 'limits';

const scopeRuleSchema = z.object({ limits: keyLimitsSchema.nullable(), budget: keyBudgetSchema.nullable() });
const storedSchema = z.object({ global: scopeRuleSchema, groups: z.record(z.string(), scopeRuleSchema) });

export function isEmptyRule(rule: ScopeRule): boolean {
  return rule.limits === null && rule.budget === null;
}

export async function loadRules(store: Store): Promise<LimitRules> {
  const text = await store.settings.get(SETTING);
  if (text === undefined) return { global: NO_RULE, groups: new Map() };
  const stored = storedSchema.parse(JSON.parse(text));
  return { global: stored.global, groups: new Map(Object.entries(stored.groups)) };
}

export async function saveRules(store: Store, rules: LimitRules): Promise<void> {
  const groups = Object.fromEntries([...rules.groups].filter(([, rule]) => !isEmptyRule(rule)));
  await store.settings.set(SETTING, JSON.stringify({ global: rules.global, groups }));
}

/**
 * Writes the config file's `groups:`, `limits:` and `budget:` into the
 * database at start, like keys: a group the file names is replaced whole,
 * groups made through the admin API and absent from the file stay; the
 * gateway-wide rule is replaced when the file sets either part of it.
 */
export async function applyLimitsConfig(config: Config, store: Store): Promise<void> {
  if (config.groups.length === 0 && !config.limits && !config.budget) return;
  const rules = await loadRules(store);
  for (const g of config.groups) rules.groups.set(g.id, { limits: g.limits ?? null, budget: g.budget ?? null });
  if (config.limits || config.budget) rules.global = { limits: config.limits ?? null, budget: config.budget ?? null };
  await saveRules(store, rules);
}

// ---- scopes and what a request takes from them ------------------------------

export type ScopeKind = 'key' | 'group' | 'global';

/** One place limits apply: a key, a group, or the whole gateway, with its rule. */
export interface Scope {
  kind: ScopeKind;
  id: string;
  /** How messages name it: `key alice`, `group team-a`, `the gateway`. */
  label: string;
  rule: ScopeRule;
}

export function keyScope(key: { id: string; name: string; limits: KeyLimits | null; budget: KeyBudget | null }): Scope {
  return { kind: 'key', id: key.id, label: `key ${key.name}`, rule: { limits: key.limits, budget: key.budget } };
}

export function groupScope(id: string, rule: ScopeRule): Scope {
  return { kind: 'group', id, label: `group ${id}`, rule };
}

export function globalScope(rule: ScopeRule): Scope {
  return { kind: 'global', id: '', label: 'the gateway', rule };
}

/** The start of every bucket name of a scope. */
export function bucketPrefix(scope: Scope): string {
  return scope.kind === 'global' ? 'global' : `${scope.kind}:${scope.id}`;
}

/** What a limit counts: requests, tokens or concurrent requests per scope; a budget, USD or tokens per period. */
export type Dimension = 'rpm' | 'tpm' | 'concurrent' | 'budget-usd' | 'budget-tokens';

/** How a reservation is settled: a request stays counted, a slot is given back, tokens and USD become the real figures. */
export type Measure = 'request' | 'slot' | 'tokens' | 'usd';

/** One take a request makes, with what it is for. */
export interface Planned {
  take: Take;
  scope: Scope;
  dimension: Dimension;
  measure: Measure;
}
