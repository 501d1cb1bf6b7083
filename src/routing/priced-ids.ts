import type { Snapshot } from './catalog.js';

/**
 * The ids a public model is priced by before it is known which route will
 * serve: its routes' upstream ids (what will be billed), then its public id;
 * for an alias, its targets' in declared order.
 */
export function pricedIds(snapshot: Pick<Snapshot, 'aliases' | 'models'>, model: string): string[] {
  const models = snapshot.aliases.get(model)?.targets.map((t) => t.model) ?? [model];
  const routes = models.flatMap((id) => snapshot.models.get(id)?.routes ?? []);
  return [...routes.map((r) => r.model), ...models];
}
