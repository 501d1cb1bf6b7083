import type { AliasConfig } from './schema.js';

/**
 * What makes a set of aliases ambiguous, as `path: message` pairs: an alias
 * id given twice, an alias named like a declared model (which of the two a
 * request means would be a guess), or a target that is itself an alias (one
 * level only, so an alias always reads as the models it names).
 */
export function aliasProblems(aliases: Pick<AliasConfig, 'id' | 'targets'>[], modelIds: ReadonlySet<string>): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const ids = new Set(aliases.map((a) => a.id));
  const seen = new Set<string>();
  aliases.forEach((alias, i) => {
    if (seen.has(alias.id)) problems.push({ path: `aliases[${i}].id`, message: `duplicate id ${alias.id}` });
    seen.add(alias.id);
    if (modelIds.has(alias.id)) problems.push({ path: `aliases[${i}].id`, message: `${alias.id} is already a model id` });
    alias.targets.forEach((target, j) => {
      if (ids.has(target.model)) problems.push({ path: `aliases[${i}].targets[${j}].model`, message: `${target.model} is an alias: a target must be a model` });
    });
  });
  return problems;
}
