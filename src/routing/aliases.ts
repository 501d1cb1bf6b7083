import type { AliasTarget } from '../config/schema.js';
import type { AliasRecord, KeyRecord } from '../store/types.js';
import type { Snapshot } from './catalog.js';
import { weightedOrder } from './weighted-order.js';

/**
 * Aliases (docs/aliases.md): a public name that resolves to several models.
 * An alias expands into its targets in selection order, and each target
 * into its routes (routing/plan.ts), so a target that fails before the first
 * byte is followed by the next one like any route.
 */

/**
 * The targets of `alias` a key reaches through it: every one when the key
 * may use every model or names the alias; else only the targets the key
 * names itself (an alias is a name, not a way around the key's list).
 */
export function allowedTargets(key: Pick<KeyRecord, 'models'>, alias: AliasRecord): AliasTarget[] {
  if (key.models === null || key.models.includes(alias.id)) return alias.targets;
  return alias.targets.filter((t) => key.models!.includes(t.model));
}

/**
 * Whether a key may ask for `model`: a model its list names (or any, without
 * a list), or an alias with at least one target it reaches. A router is
 * asked for like a model (its name in the key's list), and reaches every
 * tier through it (docs/routing-tiers.md, "Keys").
 */
export function mayAskFor(key: Pick<KeyRecord, 'models'>, snapshot: Pick<Snapshot, 'aliases'> & Partial<Pick<Snapshot, 'routers'>>, model: string): boolean {
  if (snapshot.routers?.has(model)) return key.models === null || key.models.includes(model);
  const alias = snapshot.aliases.get(model);
  if (alias) return allowedTargets(key, alias).length > 0;
  return key.models === null || key.models.includes(model);
}

/**
 * The order targets are tried in: `first-available` as declared (a target
 * with no usable credential now yields no candidate, so the first one that
 * has one serves); `random` one drawn by weight (absent: 1), then the rest
 * as declared, as failover.
 */
export function targetsInOrder(select: AliasRecord['select'], targets: AliasTarget[], random: () => number): AliasTarget[] {
  if (select === 'first-available') return targets;
  return weightedOrder(targets.map((t) => ({ ...t, weight: t.weight ?? 1 })), random);
}
