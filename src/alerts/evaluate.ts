import type { AlertRule } from '../config/alerts-schema.js';
import type { Store } from '../store/store.js';
import type { Snapshot } from '../routing/catalog.js';
import type { PoolHealth } from '../routing/credential-health.js';
import type { Limits } from '../policy/limits.js';
import { keyScope, type Scope } from '../policy/limit-rules.js';

/** One scope of a rule over its threshold now. */
export interface Breach {
  /** `model=gpt-4o`, `credential=…`; '' for the whole window or gateway. */
  scope: string;
  value: number;
  message: string;
}

export interface EvaluateDeps {
  store: Store;
  snapshot: Snapshot;
  pools: PoolHealth;
  limits: Limits;
  now: number;
}

/** What a rule finds over its threshold now, one breach per scope (alerts/alerter.ts opens and resolves firings from it). */
export async function evaluateRule(rule: AlertRule, deps: EvaluateDeps): Promise<Breach[]> {
  switch (rule.kind) {
    case 'error-rate':
    case 'latency-p95':
    case 'limit-refusals':
      return fromRequestLog(rule, deps);
    case 'budget':
      return budgets(rule, deps);
    case 'credential-disabled':
      return disabledCredentials(rule, deps);
    case 'upstream-benched':
      return benchedUpstreams(rule, deps);
    default:
      return rule.kind satisfies never;
  }
}

async function fromRequestLog(rule: AlertRule, deps: EvaluateDeps): Promise<Breach[]> {
  const keyName = (id: string) => deps.snapshot.keysById.get(id)?.name ?? id;
  let keyId: string | undefined;
  if (rule.scope.key !== undefined) {
    keyId = [...deps.snapshot.keysById.values()].find((k) => k.name === rule.scope.key)?.id;
    if (keyId === undefined) return [];
  }
  const rows = await deps.store.alerts.figures({
    from: deps.now - rule.windowMinutes * 60_000,
    to: deps.now + 1,
    by: rule.per,
    model: rule.scope.model,
    upstreamId: rule.scope.upstream,
    keyId,
    group: rule.scope.group,
    latency: rule.kind === 'latency-p95',
  });
  const window = `over ${rule.windowMinutes} min`;
  const out: Breach[] = [];
  for (const row of rows) {
    const scope = rule.per ? `${rule.per}=${rule.per === 'key' ? keyName(row.value) : row.value}` : '';
    const where = scope === '' ? '' : ` for ${scope}`;
    if (rule.kind === 'error-rate') {
      if (row.requests < rule.minRequests) continue;
      const rate = row.errors / row.requests;
      if (rate >= rule.threshold)
        out.push({ scope, value: rate, message: `error rate ${(rate * 100).toFixed(1)} % (${row.errors} of ${row.requests} requests)${where} ${window}, threshold ${(rule.threshold * 100).toFixed(1)} %` });
    } else if (rule.kind === 'latency-p95') {
      if (row.requests < rule.minRequests || row.latencyP95 === null) continue;
      if (row.latencyP95 >= rule.threshold)
        out.push({ scope, value: row.latencyP95, message: `p95 latency ${row.latencyP95} ms over ${row.requests} requests${where} ${window}, threshold ${rule.threshold} ms` });
    } else if (row.refusals >= rule.threshold) {
      out.push({ scope, value: row.refusals, message: `${row.refusals} requests refused by the gateway's limits${where} ${window}, threshold ${rule.threshold}` });
    }
  }
  return out;
}

async function budgets(rule: AlertRule, deps: EvaluateDeps): Promise<Breach[]> {
  const rules = deps.limits.rules();
  let scopes: Scope[];
  if (rule.per === 'key') {
    scopes = [...deps.snapshot.keysById.values()]
      .filter((k) => k.revokedAt === null && k.budget && (rule.scope.key === undefined || k.name === rule.scope.key))
      .map((k) => keyScope(k));
  } else if (rule.per === 'group') {
    scopes = [...rules.groups.entries()]
      .filter(([id, r]) => r.budget && (rule.scope.group === undefined || id === rule.scope.group))
      .map(([id, r]) => ({ kind: 'group' as const, id, label: `group ${id}`, rule: r }));
  } else scopes = rules.global.budget ? [{ kind: 'global', id: 'global', label: 'the gateway', rule: rules.global }] : [];
  const out: Breach[] = [];
  for (const scope of scopes) {
    const status = await deps.limits.status(scope);
    for (const counter of status.counters) {
      if (counter.dimension !== 'budget-usd' && counter.dimension !== 'budget-tokens') continue;
      if (counter.limit <= 0) continue;
      const share = counter.used / counter.limit;
      if (share < rule.threshold) continue;
      const unit = counter.dimension === 'budget-usd' ? 'USD' : 'tokens';
      out.push({
        scope: scope.kind === 'global' ? '' : `${scope.kind}=${scope.kind === 'key' ? (deps.snapshot.keysById.get(scope.id)?.name ?? scope.id) : scope.id}`,
        value: share,
        message: `${scope.label} has spent ${(share * 100).toFixed(1)} % of its budget (${round(counter.used)} of ${round(counter.limit)} ${unit}), threshold ${(rule.threshold * 100).toFixed(0)} %`,
      });
    }
  }
  return out;
}

function disabledCredentials(rule: AlertRule, deps: EvaluateDeps): Breach[] {
  const out: Breach[] = [];
  for (const upstream of deps.snapshot.upstreams.values()) {
    if (rule.scope.upstream !== undefined && upstream.record.id !== rule.scope.upstream) continue;
    for (const credential of upstream.record.credentials) {
      const health = deps.pools.state(credential.id);
      if (health.state !== 'disabled') continue;
      out.push({
        scope: `credential=${credential.id}`,
        value: 1,
        message: `credential ${credential.label ?? credential.hint} of upstream ${upstream.record.id} is disabled${health.reason ? `: ${health.reason}` : ''} (by ${health.setBy})`,
      });
    }
  }
  return out;
}

function benchedUpstreams(rule: AlertRule, deps: EvaluateDeps): Breach[] {
  const out: Breach[] = [];
  for (const upstream of deps.snapshot.upstreams.values()) {
    const record = upstream.record;
    if (!record.enabled || (rule.scope.upstream !== undefined && record.id !== rule.scope.upstream)) continue;
    const enabled = record.credentials.filter((c) => c.enabled);
    if (enabled.length === 0) continue;
    const states = enabled.map((c) => deps.pools.state(c.id).state);
    if (states.every((s) => s !== 'healthy'))
      out.push({ scope: `upstream=${record.id}`, value: enabled.length, message: `upstream ${record.id} has no usable credential: all ${enabled.length} are cooling down or disabled` });
  }
  return out;
}

function round(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}
