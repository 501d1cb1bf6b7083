import type { Snapshot } from '../routing/catalog.js';
import type { KeyBudget, KeyLimits } from '../config/schema.js';
import type { UserCaps } from '../store/types.js';

/**
 * A member's caps (docs/users.md) applied to a key they make or change:
 * what is left out is filled from the caps (a member with a models cap gets
 * a key for those models), and what goes past them is refused, naming the cap.
 * Caps are checked when a key is made or changed; lowering a cap later does
 * not change keys already made.
 */

export interface KeyShape {
  group: string;
  models: string[] | null;
  limits: KeyLimits | null;
  budget: KeyBudget | null;
}

export interface CapRefusal {
  cap: keyof UserCaps;
  message: string;
}

/** Every public model id the catalog serves (declared, listed by an upstream, aliases), sorted. */
export function publicModels(snapshot: Snapshot): string[] {
  return [...new Set([...snapshot.models.keys(), ...snapshot.listedModels.keys(), ...snapshot.aliases.keys()])].sort();
}

/** The upstreams a model may be served by; an alias is served by its targets' upstreams. */
function upstreamsOf(snapshot: Snapshot, model: string, depth = 0): string[] {
  const declared = snapshot.models.get(model);
  if (declared) return declared.routes.map((r) => r.upstream);
  const listed = snapshot.listedModels.get(model);
  if (listed) return listed;
  const alias = snapshot.aliases.get(model);
  if (alias && depth === 0) return alias.targets.flatMap((t) => upstreamsOf(snapshot, t.model, 1));
  return [];
}

/** The models a member's keys may list: within the models cap, and served only by allowed upstreams. */
export function modelsWithinCaps(snapshot: Snapshot, caps: UserCaps): string[] {
  return publicModels(snapshot).filter((model) => modelRefusal(snapshot, caps, model) === undefined);
}

function modelRefusal(snapshot: Snapshot, caps: UserCaps, model: string): CapRefusal | undefined {
  if (caps.models && !caps.models.includes(model))
    return { cap: 'models', message: `model ${model} is not among the models your keys may use (${caps.models.join(', ') || 'none'})` };
  if (caps.upstreams) {
    const upstreams = upstreamsOf(snapshot, model);
    const outside = upstreams.filter((u) => !caps.upstreams!.includes(u));
    if (upstreams.length === 0 || outside.length > 0)
      return { cap: 'upstreams', message: `model ${model} is served by upstreams your keys may not use (${outside.join(', ') || 'unknown'})` };
  }
  return undefined;
}

/** Fills what the member left out from their caps (models, group, rpm, tpm, budget). */
export function withCapDefaults(key: KeyShape, caps: UserCaps, snapshot: Snapshot, given: { models: boolean; limits: boolean; budget: boolean; group: boolean }): KeyShape {
  const limits: KeyLimits | null = given.limits ? key.limits : caps.rpm !== null || caps.tpm !== null ? { ...(caps.rpm !== null ? { rpm: caps.rpm } : {}), ...(caps.tpm !== null ? { tpm: caps.tpm } : {}) } : key.limits;
  return {
    group: given.group ? key.group : (caps.group ?? key.group),
    models: given.models ? key.models : caps.models !== null || caps.upstreams !== null ? modelsWithinCaps(snapshot, caps) : key.models,
    limits,
    budget: given.budget ? key.budget : (caps.budget ?? key.budget),
  };
}

/** The first cap the key goes past; undefined when it fits. `activeKeys` counts the member's other keys not revoked. */
export function capRefusal(snapshot: Snapshot, caps: UserCaps, key: KeyShape, activeKeys: number | undefined): CapRefusal | undefined {
  if (activeKeys !== undefined && caps.maxKeys !== null && activeKeys >= caps.maxKeys)
    return { cap: 'maxKeys', message: `you may hold at most ${caps.maxKeys} keys that are not revoked` };
  if (caps.group !== null && key.group !== caps.group) return { cap: 'group', message: `your keys are counted under group ${caps.group}, not ${key.group}` };
  if (caps.models !== null || caps.upstreams !== null) {
    if (key.models === null) return { cap: caps.models !== null ? 'models' : 'upstreams', message: 'your keys must list their models: every model is past your caps' };
    for (const model of key.models) {
      const refusal = modelRefusal(snapshot, caps, model);
      if (refusal) return refusal;
    }
  }
  for (const cap of ['rpm', 'tpm'] as const) {
    const most = caps[cap];
    const asked = key.limits?.[cap];
    if (most !== null && (asked === undefined || asked > most)) return { cap, message: `a key of yours may have at most ${most} ${cap}${asked === undefined ? ', and must set it' : `, not ${asked}`}` };
  }
  if (caps.budget !== null) {
    const budget = key.budget;
    if (!budget || budget.period !== caps.budget.period)
      return { cap: 'budget', message: `a key of yours must have a budget per ${caps.budget.period}, within ${describeBudget(caps.budget)}` };
    for (const unit of ['usd', 'tokens'] as const) {
      const most = caps.budget[unit];
      if (most !== undefined && (budget[unit] === undefined || budget[unit] > most))
        return { cap: 'budget', message: `a key of yours may have a budget of at most ${describeBudget(caps.budget)}` };
    }
  }
  return undefined;
}

function describeBudget(budget: KeyBudget): string {
  const parts = [budget.usd !== undefined ? `${budget.usd} USD` : '', budget.tokens !== undefined ? `${budget.tokens} tokens` : ''].filter(Boolean);
  return `${parts.join(' and ') || 'no spend'} per ${budget.period}`;
}
