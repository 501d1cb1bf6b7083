import type { Config, CredentialConfig, UpstreamConfig, UpstreamSettings } from '../config/schema.js';
import { UPSTREAM_SETTING_KEYS } from '../config/schema.js';
import type { CredentialRecord, UpstreamRecord } from '../store/types.js';
import type { Store } from '../store/store.js';
import type { SecretBox } from '../policy/secrets.js';
import { isCurrentSeal, maskSecret } from '../policy/secrets.js';
import { loadSettings, saveSettings } from '../policy/gateway-settings.js';
import { keepStoredSearchKey, sealHostedTools } from './hosted-tools.js';
import { displayPrefix, generateClientKey, hashClientKey, newId } from '../policy/keys.js';
import { applyLimitsConfig } from '../policy/limit-rules.js';
import { saveWebhook } from '../alerts/webhooks.js';
import { saveDestination } from '../log-export/destinations.js';
import { applyPrompts } from './apply-prompts.js';

/*
 * Applying the file to the database is a control-plane write like the admin
 * API's own (it seals credentials and hashes keys with policy/), so it lives
 * here rather than in config/, which only reads and checks the file.
 */

/** An upstream as the config file (or the admin API, which takes the same shape) declares it, minus its credentials. */
export function upstreamRecordOf(u: UpstreamConfig, baseUrl: string | null): Omit<UpstreamRecord, 'credentials'> {
  return {
    id: u.id,
    kind: u.kind,
    baseUrl,
    strategy: u.strategy,
    speaks: u.speaks,
    models: u.models,
    headers: u.headers,
    timeouts: u.timeouts,
    enabled: u.enabled,
    settings: settingsOf(u),
  };
}

/** The per-kind settings the upstream declares, kept together on the record; undefined when it declares none. */
export function settingsOf(u: Partial<UpstreamSettings>): UpstreamSettings | undefined {
  const settings: Record<string, unknown> = {};
  for (const key of UPSTREAM_SETTING_KEYS) if (u[key] !== undefined) settings[key] = u[key];
  return Object.keys(settings).length > 0 ? (settings as UpstreamSettings) : undefined;
}

/** A credential ready to store: sealed with the gateway secret, with a masked hint to show. */
export async function sealCredential(box: SecretBox, upstreamId: string, id: string, c: CredentialConfig): Promise<CredentialRecord> {
  return { id, upstreamId, secretEnc: await box.encrypt(c.key), hint: maskSecret(c.key), label: c.label ?? null, weight: c.weight, enabled: true };
}

export interface AppliedConfig {
  /** Keys generated because the file named them without a `key:`; shown once. */
  createdKeys: { name: string; key: string }[];
  /** Keys an earlier config file made that this one no longer names: revoked (the file is their source). */
  revokedKeys: string[];
}

/**
 * Writes the config file into the database at start: upstreams, credentials,
 * models and keys are upserted by id (keys by name). Things made through the
 * admin API and absent from the file are left alone.
 */
export interface ApplyOptions {
  /**
   * The config file a gateway starts with is the source of the keys it makes: the ones it no longer names are
   * revoked. An import through the admin API adds to what is there, so it leaves them.
   */
  revokeUnnamedKeys?: boolean;
}

export async function applyConfig(config: Config, store: Store, box: SecretBox, options: ApplyOptions = {}): Promise<AppliedConfig> {
  // Replicas starting together each apply the file: one at a time, so the second finds the first's rows
  // (and does not create a key of the same name, or generate a second value for a key the file leaves out).
  return store.exclusive('apply-config', () => applyConfigAlone(config, store, box, options));
}

/** The setting that holds the fingerprint of the config the database last took. */
const APPLIED_FINGERPRINT = 'config-fingerprint';

/**
 * Applies the file only when it differs from the one applied last (by
 * `fingerprint`), then remembers it: for platforms that start many times
 * over (Workers isolates), where applying at every start would bump the
 * revision and make every other isolate reload.
 */
export async function applyConfigOnce(config: Config, store: Store, box: SecretBox, fingerprint: string, options: ApplyOptions = {}): Promise<AppliedConfig> {
  if ((await store.settings.get(APPLIED_FINGERPRINT)) === fingerprint) return { createdKeys: [], revokedKeys: [] };
  const applied = await applyConfig(config, store, box, options);
  await store.settings.set(APPLIED_FINGERPRINT, fingerprint);
  return applied;
}

async function applyConfigAlone(config: Config, store: Store, box: SecretBox, options: ApplyOptions): Promise<AppliedConfig> {
  const existingUpstreams = new Map((await store.upstreams.list()).map((u) => [u.id, u]));
  for (const u of config.upstreams) {
    await store.upstreams.put(upstreamRecordOf(u, u.baseUrl ?? null));
    const previous = existingUpstreams.get(u.id)?.credentials ?? [];
    const wanted = new Set<string>();
    for (const [i, c] of u.credentials.entries()) {
      const id = c.id ?? `${u.id}#${i + 1}`;
      wanted.add(id);
      const old = previous.find((p) => p.id === id);
      // Re-encrypt only when the value changed, so restarts do not churn the table.
      const same = old && (await box.decrypt(old.secretEnc).catch(() => undefined)) === c.key;
      // An older seal format is re-sealed in passing.
      if (same && isCurrentSeal(old.secretEnc) && old.weight === c.weight && old.label === (c.label ?? null)) continue;
      await store.upstreams.putCredential(await sealCredential(box, u.id, id, c));
    }
    // Credentials the file used to list under its own ids are removed with it.
    for (const old of previous)
      if (old.id.startsWith(`${u.id}#`) && !wanted.has(old.id)) await store.upstreams.deleteCredential(u.id, old.id);
    // The file's order is the pool's order; credentials added elsewhere follow.
    const order = [...wanted];
    const stored = (await store.upstreams.list()).find((s) => s.id === u.id)?.credentials.map((c) => c.id) ?? [];
    if (order.some((id, i) => stored[i] !== id)) await store.upstreams.orderCredentials(u.id, [...order, ...stored.filter((id) => !wanted.has(id))]);
  }

  for (const m of config.models) await store.models.put({ id: m.id, routes: m.routes, ...(m.kind ? { kind: m.kind } : {}) });
  for (const a of config.aliases) await store.aliases.put({ id: a.id, select: a.select, targets: a.targets, listed: a.listed });
  for (const r of config.routers) await store.routers.put(r);
  await applyPrompts(config, store);

  const createdKeys: AppliedConfig['createdKeys'] = [];
  const existingKeys = new Map((await store.keys.list()).map((k) => [k.name, k]));
  for (const k of config.keys) {
    const old = existingKeys.get(k.name);
    let plain = k.key;
    if (!plain && !old) {
      plain = generateClientKey();
      createdKeys.push({ name: k.name, key: plain });
    }
    const hash = plain ? await hashClientKey(plain) : old!.hash;
    await store.keys.put({
      id: old?.id ?? newId('key'),
      name: k.name,
      hash,
      prefix: plain ? displayPrefix(plain) : old!.prefix,
      group: k.group,
      models: k.models ?? null,
      limits: k.limits ?? null,
      budget: k.budget ?? null,
      cache: k.cache ?? null,
      ipAllowlist: k.ipAllowlist ?? null,
      responses: k.responses ?? null,
      prompts: k.prompts ?? null,
      source: 'config',
      createdAt: old?.createdAt ?? Date.now(),
      revokedAt: old?.revokedAt ?? null,
    });
  }
  // A key the file made and no longer names is revoked: otherwise a database first started with another file
  // (the offline demo, whose key is public) would keep serving that file's keys.
  const named = new Set(config.keys.map((k) => k.name));
  const revokedKeys: string[] = [];
  for (const old of existingKeys.values()) {
    if (!options.revokeUnnamedKeys || old.source !== 'config' || old.revokedAt !== null || named.has(old.name)) continue;
    await store.keys.revoke(old.id, Date.now());
    revokedKeys.push(old.name);
  }
  await applyLimitsConfig(config, store);
  // Security, logging, cache and hosted tools sections, when the file has them, replace what the admin API set.
  // An exported document leaves the search key out: the stored key stays for the same vendor.
  const hostedTools = config.hostedTools ? await sealHostedTools(keepStoredSearchKey(config.hostedTools, (await loadSettings(store)).hostedTools), box) : undefined;
  await saveSettings(store, { security: config.security, logging: config.logging, cache: config.cache, hostedTools });
  // Alert rules and webhooks, log export destinations: upserted by id; those the admin API made stay.
  const at = Date.now();
  for (const webhook of config.alerts.webhooks) await saveWebhook(store, box, webhook, at);
  const rules = new Map((await store.alerts.rules.list()).map((r) => [r.id, JSON.stringify(r)]));
  for (const rule of config.alerts.rules) if (rules.get(rule.id) !== JSON.stringify(rule)) await store.alerts.rules.put(rule, at);
  for (const destination of config.logExport.destinations) await saveDestination(store, box, destination, at);
  return { createdKeys, revokedKeys };
}
