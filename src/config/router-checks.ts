import type { RouterConfig } from './schema.js';

type Problem = { path: string; message: string };

/**
 * What makes a set of routers wrong, as `path: message` pairs: an id given
 * twice or named like a model or alias (which one a request means would be
 * a guess), a tier or classifier that is itself a router (one level, so a
 * router always reads as the models it names), tier names given twice, and
 * a rule, default, reference or fallback naming a tier the router lacks.
 */
export function routerProblems(routers: RouterConfig[], modelIds: ReadonlySet<string>, aliasIds: ReadonlySet<string>): Problem[] {
  const problems: Problem[] = [];
  const ids = new Set(routers.map((r) => r.id));
  const seen = new Set<string>();
  routers.forEach((router, i) => {
    const at = `routers[${i}]`;
    if (seen.has(router.id)) problems.push({ path: `${at}.id`, message: `duplicate id ${router.id}` });
    seen.add(router.id);
    if (modelIds.has(router.id)) problems.push({ path: `${at}.id`, message: `${router.id} is already a model id` });
    if (aliasIds.has(router.id)) problems.push({ path: `${at}.id`, message: `${router.id} is already an alias` });
    problems.push(...tierProblems(router, ids, at));
  });
  return problems;
}

/** One router's own problems, its paths under `at`. */
export function tierProblems(router: RouterConfig, routerIds: ReadonlySet<string>, at: string): Problem[] {
  const problems: Problem[] = [];
  const names = new Set<string>();
  router.tiers.forEach((tier, j) => {
    if (names.has(tier.name)) problems.push({ path: `${at}.tiers[${j}].name`, message: `duplicate tier ${tier.name}` });
    names.add(tier.name);
    if (routerIds.has(tier.model)) problems.push({ path: `${at}.tiers[${j}].model`, message: `${tier.model} is a router: a tier must be a model or alias` });
  });
  const known = (name: string | undefined, path: string) => {
    if (name !== undefined && !names.has(name)) problems.push({ path, message: `no tier named ${name} (tiers: ${[...names].join(', ')})` });
  };
  router.rules.forEach((rule, j) => {
    known(rule.tier, `${at}.rules[${j}].tier`);
    if (rule.classify && !router.classifier) problems.push({ path: `${at}.rules[${j}].classify`, message: 'the router has no classifier' });
  });
  known(router.default, `${at}.default`);
  known(router.reference, `${at}.reference`);
  known(router.classifier?.fallback, `${at}.classifier.fallback`);
  if (router.classifier && routerIds.has(router.classifier.model))
    problems.push({ path: `${at}.classifier.model`, message: `${router.classifier.model} is a router: the classifier must be a model or alias` });
  return problems;
}
