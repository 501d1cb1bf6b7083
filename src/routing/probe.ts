import { UpstreamFailure } from '../providers/http.js';
import { UpstreamStatusError } from '../providers/upstream-json.js';
import type { CredentialHealthRecord } from '../store/types.js';
import type { Catalog, LiveCredential, LiveUpstream } from './catalog.js';
import type { PoolHealth } from './credential-health.js';
import type { Providers } from '../providers/registry.js';
import type { HealthSettings } from '../config/schema.js';

/** What validity checks use: the providers to call, the pools to update, the catalog to find benched credentials in. */
export interface ProbeDeps {
  catalog: Catalog;
  providers: Providers;
  pools: PoolHealth;
  health: HealthSettings;
  now: () => number;
}

/** A check that takes longer than this counts as failed. */
const PROBE_TIMEOUT_MS = 10_000;

export interface CheckResult {
  ok: boolean;
  /** What the check saw: the model count, or why it failed. */
  detail: string;
  health: CredentialHealthRecord;
}

/**
 * A validity check: the cheapest authenticated call an upstream has (its
 * model listing). A pass makes a gateway-benched credential healthy again; a
 * refusal (401, 402, 403) disables it; anything else cools it down. A
 * credential an admin disabled stays disabled whatever the check says.
 */
export async function checkCredential(ctx: ProbeDeps, upstream: LiveUpstream, credential: LiveCredential): Promise<CheckResult> {
  const provider = ctx.providers[upstream.record.kind];
  const pools = ctx.pools;
  const byAdmin = pools.state(credential.id).setBy === 'admin' && pools.state(credential.id).state === 'disabled';
  let ok = false;
  let detail: string;
  try {
    const models = await provider.listModels(upstream.record, credential.secret, AbortSignal.timeout(PROBE_TIMEOUT_MS), credential.id);
    ok = true;
    detail = `listed ${models.length} models`;
  } catch (err) {
    detail = describe(err);
    if (!byAdmin) {
      const now = ctx.now();
      const status = err instanceof UpstreamStatusError ? err.status : null;
      if (status === 401 || status === 402 || status === 403) pools.set(credential.id, 'disabled', `validity check refused: ${detail}`, 'gateway', now);
      else pools.set(credential.id, 'cooling', `validity check failed: ${detail}`, 'gateway', now, now + ctx.health.cooldownMs);
    }
  }
  if (ok && !byAdmin && pools.state(credential.id).state !== 'healthy')
    pools.set(credential.id, 'healthy', 'validity check passed', 'gateway', ctx.now());
  return { ok, detail, health: pools.state(credential.id) };
}

/**
 * Checks the credentials traffic no longer reaches: those disabled by the
 * gateway, and cooling ones whose cooldown is over. The credential-probes
 * job (app/jobs.ts) runs it every `health.probeIntervalMs`.
 */
export async function probeBenched(ctx: ProbeDeps): Promise<void> {
  const now = ctx.now();
  const checks: Promise<CheckResult>[] = [];
  for (const upstream of ctx.catalog.current().upstreams.values()) {
    if (!upstream.record.enabled) continue;
    for (const credential of upstream.credentials) {
      const h = ctx.pools.state(credential.id);
      const benched = (h.state === 'disabled' && h.setBy === 'gateway') || (h.state === 'cooling' && (h.until ?? 0) <= now);
      if (benched) checks.push(checkCredential(ctx, upstream, credential));
    }
  }
  await Promise.all(checks);
}

function describe(err: unknown): string {
  if (err instanceof UpstreamStatusError) return `${err.status} ${err.detail || err.message}`.slice(0, 300);
  if (err instanceof UpstreamFailure) return err.message;
  return (err as Error)?.message ?? String(err);
}
