import type { Runtime } from '../runtime/runtime.js';
import { pricedIds } from '../routing/priced-ids.js';
import { GatewayError } from '../protocols/errors.js';
import type { Endpoint } from '../protocols/protocol.js';
import type { ClientBody } from '../protocols/requests.js';
import type { Snapshot } from '../routing/catalog.js';
import { CountersUnavailableError, windowAt, type Counters, type Lasting, type Lease, type Taken } from '../store/counters.js';
import type { Store } from '../store/store.js';
import { memoryCountersHealth, type CountersHealth } from '../store/outage-counters.js';
import type { KeyRecord } from '../store/types.js';
import type { PriceLookup } from '../usage/cost.js';
import { budgetTakes, seedBudgets, type SeedDeps } from './budgets.js';
import {
  bucketPrefix,
  globalScope,
  groupScope,
  isEmptyRule,
  keyScope,
  saveRules,
  type Dimension,
  type LimitRules,
  type Planned,
  type Scope,
  type ScopeRule,
} from './limit-rules.js';
import { MINUTE_MS } from './periods.js';
import { estimateRequest, tokensUsed, type Estimate } from './reservation.js';
import { hostedToolsEstimate, type HostedToolsAsk } from './hosted-tools-estimate.js';
import { formatDuration, rateLimitHeaders, retryAfterSeconds, tightest } from './rate-limit-headers.js';
import type { Usage } from '../translate/ir.js';

/** What the gateway knows of a request when it checks limits (proxy.ts admit(), step 3). */
export interface AdmitRequest {
  key: KeyRecord;
  /** The group the request counts under: the key's, or a narrowing of it. */
  group: string;
  endpoint: Endpoint;
  body: ClientBody;
  /** For the model's price: the routes' upstream model ids are tried before the public id. */
  snapshot: Snapshot;
  /** The hosted tools the gateway may run for it (searches, an image): reserved in USD with its tokens. */
  hostedTools?: HostedToolsAsk;
}

/** A request let through: the headers to answer with, and the settlement of what it reserved. */
export interface Admission {
  /** x-ratelimit-* figures after this request, for the response. */
  headers: Record<string, string>;
  /** Replaces the reservations with the real usage and cost (null cost: unpriced, counted as 0). Only the first call counts. */
  settle(usage: Usage, costUsd: number | null): void;
}

export interface DimensionStatus {
  dimension: Dimension;
  limit: number;
  used: number;
  remaining: number;
  /** When the window or period ends, epoch ms; null for concurrency and `total` budgets. */
  resetAt: number | null;
}

export interface ScopeStatus {
  rule: ScopeRule;
  counters: DimensionStatus[];
  /** Requests refused by this scope since the process started, by dimension. */
  blocks: Partial<Record<Dimension, number>>;
}

export interface BlockReport {
  total: number;
  /** `<scope kind>.<dimension>`, e.g. `key.rpm`, `group.budget-usd`. */
  byReason: Record<string, number>;
}

export interface Limits {
  admit(request: AdmitRequest): Promise<Admission>;
  /** Group and gateway-wide rules as they are enforced now. */
  rules(): LimitRules;
  /** Sets (or with null, removes) a group's rule: stored, its budget seeded, then enforced. */
  setGroupRule(id: string, rule: ScopeRule | null): Promise<void>;
  setGlobalRule(rule: ScopeRule): Promise<void>;
  /** Where the counters are and how they are doing (Redis outages). */
  countersHealth(): CountersHealth;
  /** Keeps the concurrency leases of requests still in flight (a job runs it every `leaseMs / 3`). */
  renewLeases(): Promise<void>;
  /** Enforces rules another process stored; budgets new here are seeded first (buckets already counting are kept). */
  adoptRules(next: LimitRules): Promise<void>;
  /** Seeds a key's budget from the database before a new or changed budget is enforced. */
  prepareKey(key: KeyRecord): Promise<void>;
  /** Seeds every budget in force (at start). */
  seedAll(snapshot: Snapshot): Promise<void>;
  status(scope: Scope): Promise<ScopeStatus>;
  blocks(): BlockReport;
}

export interface LimitsDeps {
  prices: PriceLookup;
  /** Group and gateway-wide rules as stored (limit-rules.ts loadRules). */
  rules: LimitRules;
  now: () => number;
  /** Writes queued usage rows, so budget seeding reads the latest spend. */
  flush: () => Promise<void>;
  log: Runtime['log'];
  /** How long a concurrency slot is held without a renewal: a crashed replica's slots free themselves after this (default 60 s). */
  leaseMs?: number;
  /** How the counters are doing; absent: this process's memory, never down. */
  countersHealth?: () => CountersHealth;
}

export const DEFAULT_LEASE_MS = 60_000;

/** Admits every request, reserving nothing: no scope has a rule. */
const UNLIMITED: Admission = { headers: {}, settle() {} };
const NO_ESTIMATE: Estimate = { tokens: 0, usd: 0 };
/** The order blocks are reported in: a spent budget first, since waiting out a minute will not help. */
const REPORT_ORDER: Dimension[] = ['budget-usd', 'budget-tokens', 'concurrent', 'rpm', 'tpm'];

/**
 * Rate limits (requests and tokens per minute, concurrent requests) and
 * budgets per key, per group and for the whole gateway, counted in
 * `Counters`. A request takes from every bucket that applies to it at once,
 * all or nothing, with its tokens and cost estimated; when it ends the
 * estimate is settled with the real figures (exchange.finish).
 */
export function createLimits(counters: Counters, store: Store, deps: LimitsDeps): Limits {
  let rules = deps.rules;
  const blockCounts = new Map<string, number>();
  const scopeBlocks = new Map<string, Partial<Record<Dimension, number>>>();
  const seedDeps: SeedDeps = { store, counters, now: deps.now, flush: deps.flush };
  const leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  /** Concurrency slots held by requests in flight here, renewed until they end. */
  const leases = new Set<Lease>();

  /** The scopes with a rule that a request falls under: its key, its group and the groups above it, the gateway. */
  const scopesOf = (key: KeyRecord, group: string): Scope[] => {
    const scopes: Scope[] = [];
    const own = keyScope(key);
    if (!isEmptyRule(own.rule)) scopes.push(own);
    for (const id of groupChain(group)) {
      const rule = rules.groups.get(id);
      if (rule && !isEmptyRule(rule)) scopes.push(groupScope(id, rule));
    }
    if (!isEmptyRule(rules.global)) scopes.push(globalScope(rules.global));
    return scopes;
  };

  const countBlock = (p: Planned) => {
    const reason = `${p.scope.kind}.${p.dimension}`;
    blockCounts.set(reason, (blockCounts.get(reason) ?? 0) + 1);
    const counts = scopeBlocks.get(bucketPrefix(p.scope)) ?? {};
    counts[p.dimension] = (counts[p.dimension] ?? 0) + 1;
    scopeBlocks.set(bucketPrefix(p.scope), counts);
  };

  const admission = (planned: Planned[], taken: Taken[], headers: Record<string, string>): Admission => {
    let settled = false;
    const held: Lease[] = planned.flatMap((p, i) => (p.take.lasts.kind === 'lease' ? [{ bucket: taken[i]!.bucket, id: p.take.lasts.id }] : []));
    for (const lease of held) leases.add(lease);
    const failed = (what: string) => (err: unknown) => deps.log(`limits: ${what} failed: ${String(err)}`, 'error');
    return {
      headers,
      settle(usage, costUsd) {
        if (settled) return;
        settled = true;
        for (const lease of held) {
          leases.delete(lease);
          counters.release(lease).catch(failed(`releasing a slot of ${lease.bucket}`));
        }
        const actual: Record<Planned['measure'], number> = { request: 1, slot: 0, tokens: tokensUsed(usage), usd: costUsd ?? 0 };
        planned.forEach((p, i) => {
          const real = actual[p.measure];
          if (p.measure === 'slot' || real === p.take.amount) return;
          counters.settle(taken[i]!, p.take.amount, real).catch(failed(`settling ${p.take.bucket}`));
        });
      },
    };
  };

  return {
    async admit({ key, group, endpoint, body, snapshot, hostedTools }) {
      const scopes = scopesOf(key, group);
      if (scopes.length === 0) return UNLIMITED;
      const now = deps.now();
      // One lease id for every concurrency slot this request holds (its key's, its groups', the gateway's).
      const leaseId = crypto.randomUUID();
      let planned: Planned[];
      if (endpoint === 'count_tokens') {
        // Counting spends no tokens and no money, but it is a request like any other: a flood is refused by rpm and concurrency.
        planned = scopes.flatMap((s) => rateTakes(s, NO_ESTIMATE, { id: leaseId, ms: leaseMs }).filter((p) => p.measure !== 'tokens'));
      } else {
        const needsEstimate = scopes.some((s) => s.rule.budget !== null || s.rule.limits?.tpm !== undefined);
        const price = needsEstimate ? priceOf(deps.prices, snapshot, body.model) : null;
        if (price === null) refuseUnpriced(scopes, body.model);
        let estimate = needsEstimate ? estimateRequest(endpoint, body, price) : NO_ESTIMATE;
        if (needsEstimate && hostedTools)
          estimate = { ...estimate, usd: estimate.usd + hostedToolsEstimate(hostedTools, price, (model) => priceOf(deps.prices, snapshot, model)) };
        planned = scopes.flatMap((s) => [...rateTakes(s, estimate, { id: leaseId, ms: leaseMs }), ...budgetTakes(s, estimate, now)]);
      }
      if (planned.length === 0) return UNLIMITED;

      const taken = await takeOrRefuse(counters, planned);
      // One pass (every request comes here): the tightest rpm and tpm buckets, and the refusal to report first.
      let rpm: Taken | undefined;
      let tpm: Taken | undefined;
      let refused: number | undefined;
      for (let i = 0; i < planned.length; i++) {
        const t = taken[i]!;
        const dimension = planned[i]!.dimension;
        if (dimension === 'rpm') rpm = tightest(rpm ? [rpm, t] : [t]);
        else if (dimension === 'tpm') tpm = tightest(tpm ? [tpm, t] : [t]);
        if (!t.allowed && (refused === undefined || REPORT_ORDER.indexOf(dimension) < REPORT_ORDER.indexOf(planned[refused]!.dimension))) refused = i;
      }
      const headers = rateLimitHeaders(rpm, tpm, now);
      if (refused === undefined) return admission(planned, taken, headers);

      countBlock(planned[refused]!);
      throw blockedError(planned[refused]!, taken[refused]!, headers, now);
    },

    rules: () => rules,

    async setGroupRule(id, rule) {
      const groups = new Map(rules.groups);
      if (rule && !isEmptyRule(rule)) {
        await seedBudgets(seedDeps, [groupScope(id, rule)], true);
        groups.set(id, rule);
      } else groups.delete(id);
      const next = { ...rules, groups };
      await saveRules(store, next);
      rules = next;
    },

    async setGlobalRule(rule) {
      await seedBudgets(seedDeps, [globalScope(rule)], true);
      const next = { ...rules, global: rule };
      await saveRules(store, next);
      rules = next;
    },

    countersHealth: deps.countersHealth ?? memoryCountersHealth,

    async renewLeases() {
      await counters.renew([...leases], leaseMs);
    },

    async adoptRules(next) {
      const changed = (a: ScopeRule | undefined, b: ScopeRule) => JSON.stringify(a ?? null) !== JSON.stringify(b);
      const seeding = [...next.groups].filter(([id, rule]) => changed(rules.groups.get(id), rule)).map(([id, rule]) => groupScope(id, rule));
      if (changed(rules.global, next.global)) seeding.push(globalScope(next.global));
      await seedBudgets(seedDeps, seeding);
      rules = next;
    },

    prepareKey: (key) => seedBudgets(seedDeps, [keyScope(key)], true),

    async seedAll(snapshot) {
      const keys = [...snapshot.keysById.values()].filter((k) => k.revokedAt === null).map(keyScope);
      const groups = [...rules.groups].map(([id, rule]) => groupScope(id, rule));
      await seedBudgets(seedDeps, [...keys, ...groups, globalScope(rules.global)]);
    },

    async status(scope) {
      const now = deps.now();
      const planned = [...rateTakes(scope, NO_ESTIMATE, { id: '', ms: leaseMs }), ...budgetTakes(scope, NO_ESTIMATE, now)];
      const counts = await Promise.all(planned.map((p) => counters.peek(p.take.bucket, p.take.lasts)));
      return {
        rule: scope.rule,
        counters: planned.map((p, i) => ({
          dimension: p.dimension,
          limit: p.take.limit,
          used: counts[i]!,
          remaining: Math.max(0, p.take.limit - counts[i]!),
          resetAt: resetOf(p.take.lasts, now),
        })),
        blocks: { ...scopeBlocks.get(bucketPrefix(scope)) },
      };
    },

    blocks() {
      const byReason = Object.fromEntries(blockCounts);
      return { total: Object.values(byReason).reduce((sum, n) => sum + n, 0), byReason };
    },
  };
}

/**
 * A USD budget cannot be kept on a model without a price: its requests would
 * cost $0 forever. Such a request is refused, naming the model, until the
 * model has a price (config `prices`, the admin API) or a default price is
 * set (`prices["*"]`). Token budgets and rate limits do not need a price.
 */
function refuseUnpriced(scopes: Scope[], model: string): void {
  const usd = scopes.find((s) => s.rule.budget?.usd !== undefined);
  if (!usd) return;
  throw new GatewayError(
    'SB_ERR_MODEL_UNPRICED',
    `model ${model} has no price, so the USD budget of ${usd.label} cannot be kept; an administrator must set its price (or a default price, "*")`,
    'model',
  );
}

/** `team-a/sub/x` -> `team-a/sub/x`, `team-a/sub`, `team-a`: a group's rule covers its narrowings. */
function groupChain(group: string): string[] {
  const chain: string[] = [];
  for (let id = group; id !== ''; id = id.includes('/') ? id.slice(0, id.lastIndexOf('/')) : '') chain.push(id);
  return chain;
}

/**
 * The model's price for the reservation: the routes' upstream ids first
 * (what will be billed), then the public id; for an alias, its targets' in
 * declared order.
 */
function priceOf(prices: PriceLookup, snapshot: Snapshot, model: string) {
  return prices(...pricedIds(snapshot, model));
}

/**
 * Requests, tokens and concurrent requests of one scope: requests and tokens
 * in fixed minutes on the counters' clock (Redis's, with many replicas),
 * concurrent requests as leases.
 */
function rateTakes(scope: Scope, estimate: Estimate, lease: { id: string; ms: number }): Planned[] {
  const limits = scope.rule.limits;
  if (!limits) return [];
  const minute: Lasting = { kind: 'window', ms: MINUTE_MS };
  const prefix = bucketPrefix(scope);
  const planned: Planned[] = [];
  if (limits.concurrent !== undefined)
    planned.push({
      take: { bucket: `${prefix}:concurrent`, amount: 1, limit: limits.concurrent, lasts: { kind: 'lease', ...lease } },
      scope,
      dimension: 'concurrent',
      measure: 'slot',
    });
  if (limits.rpm !== undefined)
    planned.push({ take: { bucket: `${prefix}:rpm`, amount: 1, limit: limits.rpm, lasts: minute }, scope, dimension: 'rpm', measure: 'request' });
  if (limits.tpm !== undefined)
    planned.push({ take: { bucket: `${prefix}:tpm`, amount: estimate.tokens, limit: limits.tpm, lasts: minute }, scope, dimension: 'tpm', measure: 'tokens' });
  return planned;
}

/** When a bucket's count ends, for the admin API: null for concurrency and running totals. */
function resetOf(lasts: Lasting, now: number): number | null {
  if (lasts.kind === 'window') return windowAt(now, lasts.ms).end;
  return lasts.kind === 'until' && Number.isFinite(lasts.resetAt) ? lasts.resetAt : null;
}

/** Takes every bucket at once; counters that cannot be reached (and fail closed) refuse the request with a 503 naming why. */
async function takeOrRefuse(counters: Counters, planned: Planned[]): Promise<Taken[]> {
  try {
    return await counters.take(planned.map((p) => p.take));
  } catch (err) {
    if (err instanceof CountersUnavailableError) throw new GatewayError('SB_ERR_LIMITS_UNAVAILABLE', `limits cannot be checked, so the request is refused: ${err.message}`);
    throw err;
  }
}

/** The 429 for a refused request, naming what refused it; budgets also tell SDKs not to retry. */
function blockedError(p: Planned, t: Taken, headers: Record<string, string>, now: number): GatewayError {
  const wait = t.resetAt - now;
  const out: Record<string, string> = { ...headers };
  const when = Number.isFinite(t.resetAt) ? `; it resets at ${new Date(t.resetAt).toISOString()}` : '';
  switch (p.dimension) {
    case 'budget-usd':
    case 'budget-tokens': {
      const budget = p.scope.rule.budget!;
      const per = budget.period === 'total' ? 'in total' : `per ${budget.period}`;
      const amount = p.dimension === 'budget-usd' ? `$${t.limit}` : `${t.limit} tokens`;
      if (Number.isFinite(t.resetAt)) out['retry-after'] = retryAfterSeconds(wait);
      // The OpenAI and Anthropic SDKs obey this header and would otherwise sleep out the Retry-After (openai-node, anthropic-sdk-typescript: client shouldRetry()).
      out['x-should-retry'] = 'false';
      return new GatewayError('SB_ERR_BUDGET_EXHAUSTED', `budget exhausted: ${amount} ${per} for ${p.scope.label}${when}`, null, out);
    }
    case 'concurrent':
      // A slot frees when any request in flight ends; there is no window to wait out.
      out['retry-after'] = '1';
      return new GatewayError('SB_ERR_RATE_LIMITED', `rate limit reached: ${t.limit} concurrent requests for ${p.scope.label}`, null, out);
    case 'rpm':
    case 'tpm': {
      out['retry-after'] = retryAfterSeconds(wait);
      const what = p.dimension === 'rpm' ? 'requests' : 'tokens';
      return new GatewayError(
        'SB_ERR_RATE_LIMITED',
        `rate limit reached: ${t.limit} ${what} per minute for ${p.scope.label}; retry in ${formatDuration(wait)}`,
        null,
        out,
      );
    }
    default:
      return p.dimension satisfies never;
  }
}

