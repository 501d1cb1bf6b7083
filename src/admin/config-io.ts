import { Hono } from 'hono';
import { z } from 'zod';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import type { AdminDeps } from './deps.js';
import { applyConfig } from './apply-config.js';
import { loadConfig } from '../config/load.js';
import { credentialSchema, keySchema, routeSchema, upstreamSchema, type Config } from '../config/schema.js';
import { loadSettings } from '../policy/gateway-settings.js';
import type { CredentialRecord, KeyRecord, ModelRecord, UpstreamRecord } from '../store/types.js';
import { unmaskProxyUrl } from '../providers/proxy-url.js';
import { exportedHostedTools } from './hosted-tools.js';
import { shownSettings } from './upstreams.js';
import { invalid, readQuery } from './errors.js';

/**
 * /config: the gateway's configuration in the config file's shape, out and in.
 *
 * Export reads the database (not the file the gateway started from), so what
 * the admin API and dashboard changed is in it. Secrets never leave: each
 * credential's key is written as a `${SB_CREDENTIAL_…}` placeholder, which the
 * config loader fills from the environment when the file is used to start a
 * gateway, and which import reads as "keep the credential stored under this
 * id". Client keys go out without their plaintext (only a hash is stored), and
 * revoked keys are left out.
 *
 * Import validates with the config loader (schema and cross-checks, every
 * problem at once) and applies with admin/apply-config.ts, as at start: upserts by
 * id (keys by name); nothing absent from the document is deleted.
 */

export const configExportQuery = z.object({
  format: z.enum(['json', 'yaml']).default('json'),
});

export const configImportQuery = z.object({
  dryRun: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true')
    .describe('true: validate only, change nothing'),
});

export const configImportView = z.object({
  dryRun: z.boolean(),
  upstreams: z.number().int().describe('upstreams in the document'),
  models: z.number().int(),
  aliases: z.number().int(),
  routers: z.number().int(),
  keys: z.number().int(),
  createdKeys: z
    .array(z.object({ name: z.string(), key: z.string() }))
    .describe('keys the document named without a key and that did not exist: their plaintext, shown only here'),
});

/** A `${NAME}` or `${NAME:-default}` placeholder, as the config loader reads them. */
const PLACEHOLDER = /^\$\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\}$/;

export function configRoutes(ctx: AdminDeps): Hono {
  const app = new Hono();

  app.get('/', async (c) => {
    const { format } = readQuery(c, configExportQuery);
    const doc = await exportConfig(ctx);
    if (format === 'json') return c.json(doc);
    return c.body(stringifyYaml(doc), 200, { 'content-type': 'application/yaml; charset=utf-8' });
  });

  app.post('/', async (c) => {
    const { dryRun } = readQuery(c, configImportQuery);
    let raw: unknown;
    try {
      // YAML is a superset of JSON, so one parser reads both.
      raw = parseYaml(await c.req.text()) ?? {};
    } catch (err) {
      throw invalid([{ path: 'body', message: `not YAML or JSON: ${err instanceof Error ? err.message : String(err)}` }], 'invalid_body');
    }
    const filled = await fillStoredCredentials(ctx, raw);
    // Routes may name upstreams the gateway already has: the loader's cross-check sees them as
    // stand-ins appended after the document's own, which are dropped again before applying.
    const stored = (await ctx.store.upstreams.list()).map((u) => u.id);
    const { document, standIns } = withStandIns(filled, stored);
    // The loader reads YAML text; the JSON form of the document is that. No environment: import takes values as given.
    const loaded = loadConfig(JSON.stringify(document), {});
    if (!loaded.ok) throw invalid(loaded.problems.map(splitProblem), 'invalid_config');
    const config = { ...loaded.config, upstreams: loaded.config.upstreams.filter((u) => !standIns.has(u.id)) };
    let createdKeys: { name: string; key: string }[] = [];
    if (!dryRun) {
      createdKeys = (await applyConfig(config, ctx.store, ctx.secrets)).createdKeys;
      await applyLiveParts(ctx, config);
      await ctx.catalog.reload();
    }
    const result: z.infer<typeof configImportView> = {
      dryRun,
      upstreams: config.upstreams.length,
      models: config.models.length,
      aliases: config.aliases.length,
      routers: config.routers.length,
      keys: config.keys.length,
      createdKeys,
    };
    return c.json(result);
  });

  return app;
}

/**
 * The gateway as a config document. Left out: server, storage, adminKey
 * and secret (they belong to the process, not the database), the shipped
 * prices (only config and admin ones), and sections still at their defaults.
 */
export async function exportConfig(ctx: AdminDeps): Promise<Record<string, unknown>> {
  const [upstreams, models, aliases, routers, keys, prompts] = await Promise.all([
    ctx.store.upstreams.list(),
    ctx.store.models.list(),
    ctx.store.aliases.list(),
    ctx.store.routers.list(),
    ctx.store.keys.list(),
    ctx.store.prompts.list(),
  ]);
  const rules = ctx.limits.rules();
  const prices = Object.fromEntries(ctx.priceBook.entries().filter((e) => e.source !== 'shipped').map((e) => [e.model, e.price]));
  const { security, logging } = ctx.settings.current().raw;
  const hostedTools = exportedHostedTools(ctx.settings.current().raw.hostedTools);
  return {
    upstreams: upstreams.map(upstreamEntry),
    models: models.map(modelEntry),
    ...(aliases.length > 0 ? { aliases } : {}),
    ...(routers.length > 0 ? { routers } : {}),
    // Each template at its published version; older versions stay in the database only.
    ...(prompts.length > 0 ? { prompts: prompts.map((p) => ({ name: p.name, ...p.spec })) } : {}),
    keys: keys.filter((k) => k.revokedAt === null).map(keyEntry),
    ...(rules.groups.size > 0 ? { groups: [...rules.groups].map(([id, rule]) => ({ id, ...pick(rule, ['limits', 'budget']) })) } : {}),
    ...pick(rules.global, ['limits', 'budget']),
    ...(Object.keys(prices).length > 0 ? { prices } : {}),
    security,
    logging,
    // Read at start, not changed at run time: exported so the document is the whole configuration.
    cache: ctx.settings.current().raw.cache,
    // The search key is left out, as credentials are: importing the document keeps the stored one.
    ...(hostedTools ? { hostedTools } : {}),
    retry: ctx.retry,
    health: ctx.health,
  };
}

/**
 * What applyConfig writes only to the database, made live at once: group and
 * gateway-wide limits, key budgets, prices (as admin prices, the layer the
 * admin API writes), security and logging.
 */
async function applyLiveParts(ctx: AdminDeps, config: Config): Promise<void> {
  for (const g of config.groups) await ctx.limits.setGroupRule(g.id, { limits: g.limits ?? null, budget: g.budget ?? null });
  if (config.limits || config.budget) await ctx.limits.setGlobalRule({ limits: config.limits ?? null, budget: config.budget ?? null });
  const named = new Set(config.keys.map((k) => k.name));
  for (const key of await ctx.store.keys.list()) if (named.has(key.name)) await ctx.limits.prepareKey(key);
  if (Object.keys(config.prices).length > 0) {
    const table = { ...ctx.priceBook.adminPrices(), ...config.prices };
    // The row src/admin/prices.ts keeps admin prices in.
    await ctx.store.settings.set('prices', JSON.stringify(table));
    ctx.priceBook.setAdminPrices(table);
  }
  if (config.security || config.logging || config.cache || config.hostedTools) ctx.settings.replace(await loadSettings(ctx.store, ctx.log));
}

export function credentialPlaceholder(credentialId: string): string {
  return `\${SB_CREDENTIAL_${credentialId.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}}`;
}

/**
 * Only the fields the config schema declares are copied, so what the
 * database holds beyond the file's shape (health, hints) stays out, and new
 * config fields are exported as soon as records carry them.
 */
function pick(record: object, fields: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const value = (record as Record<string, unknown>)[field];
    if (value !== null && value !== undefined) out[field] = value;
  }
  return out;
}

const UPSTREAM_FIELDS = Object.keys(upstreamSchema.shape).filter((f) => f !== 'credentials');
const CREDENTIAL_FIELDS = Object.keys(credentialSchema.shape).filter((f) => f !== 'key');
const ROUTE_FIELDS = Object.keys(routeSchema.shape);
const KEY_FIELDS = Object.keys(keySchema.shape).filter((f) => f !== 'key');

/** Per-kind settings (deployment, API version…) sit together on the record and at the top of the file's entry. */
function upstreamEntry(u: UpstreamRecord): Record<string, unknown> {
  const settings = u.settings ? shownSettings(u.settings) : {};
  return { ...pick(u, UPSTREAM_FIELDS), ...settings, credentials: u.credentials.map((c, i) => credentialEntry(c, i)) };
}

/**
 * Credentials the config file made are named `<upstream>#<position>`, an id
 * the file itself may not spell; they go out without an id, and the same
 * position gives them the same id back (admin/apply-config.ts).
 */
function credentialEntry(c: CredentialRecord, position: number): Record<string, unknown> {
  const { id, ...rest } = pick(c, CREDENTIAL_FIELDS);
  const positional = c.id === positionalId(c.upstreamId, position);
  return { ...(positional ? {} : { id }), key: credentialPlaceholder(c.id), ...rest };
}

function positionalId(upstreamId: string, position: number): string {
  return `${upstreamId}#${position + 1}`;
}

function modelEntry(m: ModelRecord): Record<string, unknown> {
  return { id: m.id, routes: m.routes.map((r) => pick(r, ROUTE_FIELDS)), ...(m.kind ? { kind: m.kind } : {}) };
}

function keyEntry(k: KeyRecord): Record<string, unknown> {
  return pick(k, KEY_FIELDS);
}

/**
 * Replaces each credential key that is a placeholder with the secret stored
 * under that credential's id, so an exported document imports back without
 * its secrets. A placeholder with no stored credential behind it is an error.
 */
async function fillStoredCredentials(ctx: AdminDeps, raw: unknown): Promise<unknown> {
  if (!isObject(raw) || !Array.isArray(raw.upstreams)) return raw;
  const list = await ctx.store.upstreams.list();
  const stored = new Map(list.flatMap((u) => u.credentials.map((c) => [c.id, c] as const)));
  const storedUpstreams = new Map(list.map((u) => [u.id, u] as const));
  const problems: { path: string; message: string }[] = [];
  const upstreams = await Promise.all(
    raw.upstreams.map(async (u: unknown, i) => {
      // An exported proxy's password is masked: the stored one stands for it.
      if (isObject(u) && typeof u.proxy === 'string') u = { ...u, proxy: unmaskProxyUrl(u.proxy, storedUpstreams.get(String(u.id))?.settings?.proxy) };
      if (!isObject(u) || !Array.isArray(u.credentials)) return u;
      const credentials = await Promise.all(
        u.credentials.map(async (cred: unknown, j) => {
          if (!isObject(cred) || typeof cred.key !== 'string' || !PLACEHOLDER.test(cred.key)) return cred;
          const id = typeof cred.id === 'string' ? cred.id : positionalId(String(u.id), j);
          const found = stored.get(id);
          if (!found || found.upstreamId !== u.id) {
            problems.push({
              path: `upstreams[${i}].credentials[${j}].key`,
              message: `${cred.key} stands for a stored credential, but upstream ${String(u.id)} has none with id ${id}; put the real key here`,
            });
            return cred;
          }
          return { ...cred, key: await ctx.secrets.decrypt(found.secretEnc) };
        }),
      );
      return { ...u, credentials };
    }),
  );
  if (problems.length > 0) throw invalid(problems, 'invalid_config');
  return { ...raw, upstreams };
}

/** The document with a `mock` stand-in for each stored upstream it does not declare itself. */
function withStandIns(raw: unknown, storedIds: string[]): { document: unknown; standIns: Set<string> } {
  if (!isObject(raw)) return { document: raw, standIns: new Set() };
  const declared = Array.isArray(raw.upstreams) ? raw.upstreams : [];
  const own = new Set(declared.map((u) => (isObject(u) ? u.id : undefined)));
  const standIns = new Set(storedIds.filter((id) => !own.has(id)));
  if (standIns.size === 0) return { document: raw, standIns };
  return { document: { ...raw, upstreams: [...declared, ...[...standIns].map((id) => ({ id, kind: 'mock' }))] }, standIns };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The loader's `path: message` strings back into pairs. */
function splitProblem(problem: string): { path: string; message: string } {
  const at = problem.indexOf(': ');
  return at < 0 ? { path: 'body', message: problem } : { path: problem.slice(0, at), message: problem.slice(at + 2) };
}
