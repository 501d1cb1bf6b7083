import type { Config } from '../config/schema.js';
import type { Store } from '../store/store.js';
import { promptProblems } from '../prompts/checks.js';

/**
 * The config file's prompt templates into the database: each is checked as
 * the admin API checks a save, and saved as a new version only when it
 * differs from the published one, so restarts do not pile up versions.
 * Templates made through the admin API and absent from the file stay; for
 * one the file declares, the file wins at start as for everything it
 * declares: a version published through the admin API since is followed by
 * the file's again (a new version, the older ones kept).
 */
export async function applyPrompts(config: Config, store: Store): Promise<void> {
  if (config.prompts.length === 0) return;
  const problems = config.prompts.flatMap(({ name: _name, ...spec }, i) => promptProblems(spec).map((p) => `prompts[${i}].${p.path}: ${p.message}`));
  if (problems.length > 0) throw new Error(`config: ${problems.join('; ')}`);
  const published = new Map((await store.prompts.list()).map((p) => [p.name, p]));
  for (const { name, ...spec } of config.prompts) {
    const current = published.get(name);
    if (current && sameJson(current.spec, spec)) continue;
    await store.prompts.save(name, spec, Date.now());
  }
}

/** Equal as JSON with keys in any order. */
function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sorted((value as Record<string, unknown>)[k])]),
  );
}
