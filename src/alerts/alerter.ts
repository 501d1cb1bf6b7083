import type { AlertsSettings, AlertWebhook } from '../config/alerts-schema.js';
import type { Store } from '../store/store.js';
import type { HttpClient } from '../providers/http.js';
import type { Sleep } from '../runtime/runtime.js';
import type { SecretBox } from '../policy/secrets.js';
import type { Catalog } from '../routing/catalog.js';
import type { PoolHealth } from '../routing/credential-health.js';
import type { Limits } from '../policy/limits.js';
import type { AlertDeliveryRecord, AlertFiringRecord } from '../store/types.js';
import { deliver } from '../delivery/deliver.js';
import { alertMessage, type AlertEvent } from './messages.js';
import { evaluateRule } from './evaluate.js';
import { loadWebhooks } from './webhooks.js';

export interface AlerterDeps {
  store: Store;
  catalog: Catalog;
  pools: PoolHealth;
  limits: Limits;
  secrets: SecretBox;
  http: HttpClient;
  sleep: Sleep;
  now: () => number;
  log: (message: string) => void;
  settings: AlertsSettings;
  newId: () => string;
  signal?: AbortSignal;
}

/** Firings and deliveries are kept this long (resolved firings only). */
const KEEP_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * One round of alerts (the `alerts` job; docs/alerts.md): every enabled
 * rule is evaluated from the Store and the shared state; a scope newly over
 * its threshold opens a firing, a scope back under it resolves its firing.
 * Every replica runs the round, and the Store decides who sends: only the
 * call that opened a firing (a unique key per rule and scope while it is
 * open) sends it, and only the one that resolved it sends that; so each
 * firing goes out once across replicas, and once until it resolves.
 */
export async function alertRound(deps: AlerterDeps): Promise<void> {
  const [rules, open] = await Promise.all([deps.store.alerts.rules.list(), deps.store.alerts.openFirings()]);
  let webhooks: AlertWebhook[] | undefined;
  const hooks = async () => (webhooks ??= await loadWebhooks(deps.store, deps.secrets, deps.log));
  const now = deps.now();
  const snapshot = deps.catalog.current();
  const live = new Set<string>();
  for (const rule of rules) {
    if (!rule.enabled) continue;
    live.add(rule.id);
    let breaches;
    try {
      breaches = await evaluateRule(rule, { store: deps.store, snapshot, pools: deps.pools, limits: deps.limits, now });
    } catch (err) {
      deps.log(`alerts: rule ${rule.id} could not be evaluated: ${err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    const openOfRule = open.filter((f) => f.ruleId === rule.id);
    const targets = async () => (await hooks()).filter((w) => w.enabled && (rule.webhooks.length === 0 || rule.webhooks.includes(w.id)));
    for (const breach of breaches) {
      if (openOfRule.some((f) => f.scope === breach.scope)) continue;
      const firing: AlertFiringRecord = { id: deps.newId(), ruleId: rule.id, scope: breach.scope, kind: rule.kind, value: breach.value, threshold: rule.threshold, message: breach.message, startedAt: now, resolvedAt: null };
      if (await deps.store.alerts.open(firing)) await sendAll(deps, await targets(), 'firing', firing);
    }
    for (const firing of openOfRule) {
      if (breaches.some((b) => b.scope === firing.scope)) continue;
      if (await deps.store.alerts.resolve(firing.id, now)) await sendAll(deps, await targets(), 'resolved', { ...firing, resolvedAt: now });
    }
  }
  // A rule deleted or turned off: its open firings resolve quietly (nobody is watching that rule any more).
  for (const firing of open) if (!live.has(firing.ruleId)) await deps.store.alerts.resolve(firing.id, now);
}

/** Sends a test message to one webhook and records it; returns the delivery. */
export async function sendTest(deps: AlerterDeps, webhook: AlertWebhook): Promise<AlertDeliveryRecord> {
  const now = deps.now();
  const firing: AlertFiringRecord = { id: 'test', ruleId: 'test', scope: '', kind: 'test', value: 0, threshold: 0, message: 'A test message from Switchboard: this webhook receives alerts.', startedAt: now, resolvedAt: null };
  return sendOne(deps, webhook, 'test', firing);
}

async function sendAll(deps: AlerterDeps, webhooks: AlertWebhook[], event: AlertEvent, firing: AlertFiringRecord): Promise<void> {
  await Promise.all(webhooks.map((w) => sendOne(deps, w, event, firing)));
}

async function sendOne(deps: AlerterDeps, webhook: AlertWebhook, event: AlertEvent, firing: AlertFiringRecord): Promise<AlertDeliveryRecord> {
  const outcome = await deliver({ http: deps.http, sleep: deps.sleep, signal: deps.signal }, alertMessage(webhook, event, firing), { ...deps.settings.retry, maxBackoffMs: 10_000 });
  const record: AlertDeliveryRecord = {
    id: deps.newId(),
    firingId: event === 'test' ? null : firing.id,
    webhookId: webhook.id,
    event,
    ok: outcome.kind === 'delivered',
    status: outcome.status,
    tries: outcome.tries,
    error: outcome.kind === 'delivered' ? null : outcome.error,
    at: deps.now(),
  };
  if (!record.ok) deps.log(`alerts: ${event} of ${firing.ruleId} to webhook ${webhook.id} failed after ${record.tries} tries: ${record.error}`);
  await deps.store.alerts.recordDelivery(record, deps.now() - KEEP_MS).catch((err: unknown) => deps.log(`alerts: a delivery could not be recorded: ${String(err)}`));
  return record;
}
