import { z } from 'zod';
import {
  ALIAS_SELECTIONS,
  MODEL_KINDS,
  STRATEGIES,
  aliasSchema,
  routerSchema,
  aliasTargetSchema,
  cacheChoiceSchema,
  cidrListSchema,
  keyResponsesSchema,
  credentialSchema,
  keyBudgetSchema,
  keyLimitsSchema,
  keySchema,
  modelSchema,
  timeoutsSchema,
  upstreamSchema,
  upstreamSettingsSchema,
  UPSTREAM_KINDS,
} from '../config/schema.js';
import type { Outcome, UsageDimension } from '../store/types.js';

/**
 * What the control plane accepts and returns. Request bodies reuse the config
 * file's schemas, so a thing is described the same way in YAML and over HTTP;
 * the OpenAPI document is generated from these same schemas.
 */

// ---- request bodies -------------------------------------------------------

/** POST /upstreams: an upstream exactly as the config file declares one. */
export const createUpstreamBody = upstreamSchema;

/** POST /upstreams/:id/credentials: one credential as the config file declares one. */
export const createCredentialBody = credentialSchema;

/** PUT /upstreams/:id/credentials/order: every credential id of the pool, in the new order. */
export const credentialOrderBody = z.strictObject({ ids: z.array(z.string().min(1)).min(1) });

/**
 * PATCH /upstreams/:id. Built from the config fields with their defaults
 * removed: zod 4 applies a default even inside `.optional()`, which would
 * turn every field left out of a patch into a reset.
 */
export const patchUpstreamBody = z.strictObject({
  baseUrl: upstreamSchema.shape.baseUrl.unwrap().optional(),
  speaks: upstreamSchema.shape.speaks.unwrap().optional(),
  strategy: upstreamSchema.shape.strategy.unwrap().optional(),
  models: upstreamSchema.shape.models.unwrap().optional(),
  headers: upstreamSchema.shape.headers.unwrap().optional(),
  timeouts: z
    .strictObject({
      connectMs: timeoutsSchema.shape.connectMs.unwrap().optional(),
      firstByteMs: timeoutsSchema.shape.firstByteMs.unwrap().optional(),
      idleMs: timeoutsSchema.shape.idleMs.unwrap().optional(),
    })
    .optional(),
  enabled: z.boolean().optional(),
  // Per-kind settings (azure, copilot, codex, model sync): given ones replace the stored ones, null removes one.
  ...nullableSettings(),
});

/** Each per-kind setting as a patch field: its value, or null to remove it (back to the kind's default). */
function nullableSettings() {
  type Shape = typeof upstreamSettingsSchema.shape;
  const shape = upstreamSettingsSchema.shape;
  return Object.fromEntries(Object.entries(shape).map(([name, field]) => [name, field.nullable().optional()])) as {
    [K in keyof Shape]: z.ZodOptional<z.ZodNullable<Shape[K]>>;
  };
}

/** POST /models. */
export const createModelBody = modelSchema;

/** PUT /models/:id: the model's whole ordered route list, and its kind (absent: read from the id). */
export const putModelBody = z.strictObject({ routes: modelSchema.shape.routes, kind: modelSchema.shape.kind });

/** POST /aliases: an alias as the config file declares one. */
export const createAliasBody = aliasSchema;

/** PUT /aliases/:id: the whole alias but its id. */
export const putAliasBody = aliasSchema.omit({ id: true });

/** POST /routers: a router as the config file declares one. */
export const createRouterBody = routerSchema;

/** PUT /routers/:id: the whole router but its id. */
export const putRouterBody = routerSchema.omit({ id: true });

/** A router as stored: the config file's shape with its defaults filled in. */
export const routerView = routerSchema;

/** POST /keys: a key as the config file declares one, minus an imported plaintext. */
export const createKeyBody = keySchema.omit({ key: true }).extend({
  ownerId: z
    .string()
    .min(1)
    .optional()
    .describe("the user who owns the key (admins only; a member's key is always their own); absent: the admins'"),
  setup: z
    .union([
      z.boolean(),
      z.strictObject({
        ttlMinutes: z.number().int().min(1).max(1440).optional().describe('how long the link is served; default 15'),
      }),
    ])
    .optional()
    .describe(
      'also make a one-line agent setup link for this key (`curl -fsSL <url>/claude.sh | sh`; docs/security.md): served once, for 15 minutes unless ttlMinutes says otherwise; needs the gateway secret, as the link holds the key sealed',
    ),
});

/** PATCH /keys/:id; `null` clears models (all allowed), limits or budget. */
export const patchKeyBody = z.strictObject({
  group: keySchema.shape.group.unwrap().optional(),
  models: keySchema.shape.models.unwrap().nullable().optional(),
  limits: keyLimitsSchema.nullable().optional(),
  budget: keyBudgetSchema.nullable().optional(),
  cache: cacheChoiceSchema.nullable().optional(),
  /** `null` or `[]` removes the key's own IP allowlist. */
  ipAllowlist: cidrListSchema.nullable().optional(),
  /** `null` turns stored Responses off (answers already stored stay until their retention ends). */
  responses: keyResponsesSchema.nullable().optional(),
  /** `null`: the templates whose model the key may use. */
  prompts: keySchema.shape.prompts.unwrap().nullable().optional(),
});

// ---- query strings ----------------------------------------------------------

/** An instant as ISO-8601 (`2025-01-31T12:00:00Z`) or epoch milliseconds. */
export function parseInstant(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

export const instant = z
  .string()
  .describe('ISO-8601 date-time or epoch milliseconds')
  .transform((text, check) => {
    const ms = parseInstant(text);
    if (ms === undefined) {
      check.addIssue({ code: 'custom', message: 'must be an ISO-8601 date or epoch milliseconds' });
      return z.NEVER;
    }
    return ms;
  });

export const USAGE_DIMENSIONS = ['key', 'group', 'model', 'upstream', 'prompt'] as const satisfies readonly UsageDimension[];
export const OUTCOMES = ['ok', 'error', 'upstream_error', 'incomplete', 'interrupted'] as const satisfies readonly Outcome[];
export const MAX_LOG_LIMIT = 500;

export const usageQuery = z.object({
  by: z.enum(USAGE_DIMENSIONS).default('key'),
  from: instant.optional().describe('ISO-8601 date-time or epoch ms; default: 24 hours before `to`'),
  to: instant.optional().describe('ISO-8601 date-time or epoch ms, exclusive; default: now'),
  interval: z.enum(['hour', 'day']).optional().describe('split each row into hour or day buckets'),
});

export const tierUsageQuery = z.object({
  router: z.string().min(1).optional().describe('one router only'),
  from: instant.optional().describe('ISO-8601 date-time or epoch ms; default: 24 hours before `to`'),
  to: instant.optional().describe('ISO-8601 date-time or epoch ms, exclusive; default: now'),
});

const integer = (min: number) => z.coerce.number<string>().int('must be an integer').min(min, `must be at least ${min}`);

export const logsQuery = z.object({
  key: z.string().min(1).optional().describe('a key id or key name'),
  model: z.string().min(1).optional(),
  status: integer(100).max(599, 'must be at most 599').optional(),
  outcome: z.enum(OUTCOMES).optional(),
  group: z.string().min(1).optional(),
  upstream: z.string().min(1).optional().describe('an upstream id'),
  cache: z.string().min(1).optional().describe('a cache status (HIT, MISS), or none for requests the cache did not see'),
  q: z.string().min(1).optional().describe('text found in the request id, model, alias, router, tier, upstream model or error'),
  from: instant.optional(),
  to: instant.optional(),
  limit: integer(1)
    .default(50)
    .transform((n) => Math.min(n, MAX_LOG_LIMIT))
    .describe(`default 50, at most ${MAX_LOG_LIMIT} (larger values are capped)`),
  offset: integer(0).default(0),
});

/** GET /keys: without `limit`, every key (the CLI and scripts); with it, one page. */
export const keysQuery = z.object({
  q: z.string().min(1).optional().describe('text found in the name, group or prefix'),
  revoked: z.enum(['include', 'exclude', 'only']).default('include'),
  limit: integer(1)
    .transform((n) => Math.min(n, MAX_LOG_LIMIT))
    .optional()
    .describe(`a page of at most ${MAX_LOG_LIMIT}; absent: every key`),
  offset: integer(0).default(0),
});

// ---- responses ---------------------------------------------------------------

export const credentialView = z.object({
  id: z.string(),
  hint: z.string().describe('a masked form of the secret, e.g. `sk-…wxyz`'),
  label: z.string().nullable(),
  weight: z.number().int(),
  enabled: z.boolean(),
});

export const credentialQuotaView = z.object({
  status: z.string().nullable().describe('the upstream\'s overall status, verbatim (`allowed`, `allowed_warning`, `rejected`)'),
  resetAt: z.number().int().nullable().describe('when the binding window resets, epoch ms'),
  binding: z.string().nullable().describe('which window binds now (`five_hour`, `seven_day`, …)'),
  windows: z.array(
    z.object({
      name: z.string().describe('the upstream\'s window name (`5h`, `7d`, `7d_opus`, `overage`, …)'),
      status: z.string().nullable(),
      utilization: z.number().nullable().describe('share used, 0..1'),
      resetAt: z.number().int().nullable().describe('epoch ms'),
    }),
  ),
  observedAt: z.number().int().describe('when the answer that told it came, epoch ms'),
});

export const credentialHealthView = z.object({
  id: z.string(),
  hint: z.string(),
  label: z.string().nullable(),
  weight: z.number().int(),
  enabled: z.boolean().describe('false: left out of the pool by configuration'),
  state: z.enum(['healthy', 'cooling', 'disabled']),
  reason: z.string().nullable().describe('why it is in this state'),
  since: z.number().int().nullable().describe('epoch ms; null when it never changed'),
  until: z.number().int().nullable().describe('end of a cooldown, epoch ms'),
  setBy: z.enum(['gateway', 'admin']).describe('admin: set by hand, left alone by probes'),
  requests: z.number().int().describe('tries since this process started'),
  errors: z.number().int(),
  inFlight: z.number().int(),
  tokens: z.number().int(),
  lastError: z.string().nullable(),
  lastErrorAt: z.number().int().nullable(),
  lastUsedAt: z.number().int().nullable(),
  ttfbMs: z.number().int().nullable().describe('time to first byte, exponentially weighted average'),
  quota: credentialQuotaView.nullable().describe('a subscription\'s usage limits as its last answer to this process reported them (claude-code); null when none was seen'),
});
export type CredentialHealthView = z.infer<typeof credentialHealthView>;

export const poolHealthView = z.object({
  upstream: z.string(),
  kind: z.enum(UPSTREAM_KINDS),
  strategy: z.enum(STRATEGIES),
  enabled: z.boolean(),
  credentials: z.array(credentialHealthView),
});
export type PoolHealthView = z.infer<typeof poolHealthView>;

export const credentialCheckView = z.object({
  credentialId: z.string(),
  ok: z.boolean(),
  detail: z.string().describe('what the check saw: the model count, or why it failed'),
  state: z.enum(['healthy', 'cooling', 'disabled']),
});

export const upstreamView = z.object({
  id: z.string(),
  kind: z.enum(UPSTREAM_KINDS),
  baseUrl: z.string().nullable(),
  strategy: z.enum(STRATEGIES),
  speaks: z.array(z.enum(['chat', 'responses'])),
  models: z.array(z.string()),
  headers: z.record(z.string(), z.string()),
  timeouts: z.object({ connectMs: z.number().int(), firstByteMs: z.number().int(), idleMs: z.number().int() }),
  enabled: z.boolean(),
  settings: upstreamSettingsSchema.optional().describe('settings only some kinds read (docs/upstreams.md)'),
  credentials: z.array(credentialView),
});

export const modelView = z.object({
  id: z.string(),
  routes: z.array(z.object({ upstream: z.string(), model: z.string(), weight: z.number().int().optional() })),
  kind: z.enum(MODEL_KINDS).optional().describe('absent: read from the id'),
});

export const aliasView = z.object({
  id: z.string(),
  select: z.enum(ALIAS_SELECTIONS),
  targets: z.array(aliasTargetSchema),
  listed: z.boolean(),
});

export const keyView = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string().describe('the first characters of the key, for recognising it'),
  group: z.string(),
  models: z.array(z.string()).nullable().describe('null: every model'),
  limits: keyLimitsSchema.nullable(),
  budget: keyBudgetSchema.nullable(),
  cache: cacheChoiceSchema.nullable().describe('the response cache for this key; null: the model\'s or the global setting'),
  ipAllowlist: z.array(z.string()).nullable().describe('CIDRs this key may be used from; null: wherever the gateway allows'),
  responses: keyResponsesSchema
    .nullable()
    .describe('stored Responses: answers kept (sealed) for retentionDays, previous_response_id and GET /v1/responses/{id}; null: stateless'),
  prompts: z.array(z.string()).nullable().describe('prompt templates the key may call, whatever their model; null: those whose model it may use'),
  source: z.string().describe('config, admin, cli or request (approved key request)'),
  ownerId: z.string().nullable().describe('the user who owns it; null: the admins\''),
  createdAt: z.number().int().describe('epoch ms'),
  revokedAt: z.number().int().nullable().describe('epoch ms'),
});

const setupCommandsView = z.object({ sh: z.string().describe('`curl -fsSL … | sh`'), ps1: z.string().describe('PowerShell: `irm … | iex`') });

export const createdKeyView = keyView.extend({
  key: z.string().describe('the plaintext key; shown only in this response'),
  setup: z
    .object({
      url: z.string().describe('the link without its script name: `<url>/<agent>.sh` or `.ps1`, agent one of claude, codex, gemini, opencode'),
      expiresAt: z.number().int().describe('epoch ms; served once, and not after this'),
      commands: z.object({ claude: setupCommandsView, codex: setupCommandsView, gemini: setupCommandsView, opencode: setupCommandsView }),
    })
    .optional()
    .describe('the one-line agent setup link, when asked for with `setup`'),
});

export const deletedView = z.object({ id: z.string(), deleted: z.literal(true) });

const tokenCounts = {
  inputTokens: z.number().int().describe('input tokens not read from a cache'),
  outputTokens: z.number().int(),
  cacheReadTokens: z.number().int(),
  cacheWriteTokens: z.number().int(),
  reasoningTokens: z.number().int(),
};

const usageCounts = {
  requests: z.number().int(),
  errors: z.number().int(),
  ...tokenCounts,
  costUsd: z
    .number()
    .nullable()
    .describe('cost of the priced requests in USD; null when no request had a known price (unknown, not zero)'),
  unpricedRequests: z
    .number()
    .int()
    .describe('requests whose model has no price; when above 0 and costUsd is a number, costUsd is a partial total'),
  images: z.number().int().describe('images made (images endpoints)'),
  audioSeconds: z.number().describe('seconds of audio transcribed or translated'),
  characters: z.number().int().describe('characters turned into speech'),
  searches: z.number().int().describe('rerank searches'),
  webSearches: z.number().int().describe('web searches the gateway ran (hosted tools)'),
};

export const usageRowView = z.object({
  value: z.string().describe('the key id, group, model, upstream id or prompt template name ("" when the request had none)'),
  name: z.string().nullable().optional().describe('the key name, when by=key'),
  bucket: z.number().int().optional().describe('start of the hour or day, epoch ms, when an interval was asked for'),
  ...usageCounts,
  latencyMsAvg: z.number(),
  ttfbMsAvg: z.number(),
});

export const usageReportView = z.object({
  by: z.enum(USAGE_DIMENSIONS),
  from: z.number().int().describe('epoch ms'),
  to: z.number().int().describe('epoch ms'),
  interval: z.enum(['hour', 'day']).nullable(),
  rows: z.array(usageRowView),
  totals: z.object(usageCounts),
});

export const logRecordView = z.object({
  id: z.string(),
  ts: z.number().int(),
  keyId: z.string().nullable(),
  group: z.string().nullable(),
  protocol: z.string(),
  endpoint: z.string(),
  model: z.string().nullable(),
  alias: z.string().nullable().optional().describe('the alias the client asked for; model is then the target that served'),
  router: z.string().nullable().optional().describe('the router asked for (`auto`); on a classifier call, the router it decided for (tier then null)'),
  tier: z.string().nullable().optional().describe('the tier the router chose; model is then what served it'),
  tierReason: z.string().nullable().optional().describe('why the tier: `rule <name>`, `classifier said <tier>`, `default`, `classifier failed: …`; on a classifier call, `classifier for <request id>`'),
  referenceCostUsd: z.number().nullable().optional().describe("what the request would have cost on the router's reference tier"),
  prompt: z.string().nullable().optional().describe('the prompt template the request ran (POST /v1/prompts/{name}); null otherwise'),
  promptVersion: z.number().int().nullable().optional().describe('the version of that template'),
  upstreamModel: z.string().nullable(),
  upstreamId: z.string().nullable(),
  credentialId: z.string().nullable(),
  stream: z.boolean(),
  status: z.number().int(),
  outcome: z.enum(OUTCOMES),
  ...tokenCounts,
  costUsd: z.number().nullable().describe('USD; null when the model has no price'),
  latencyMs: z.number(),
  ttfbMs: z.number().nullable(),
  cacheStatus: z.string().nullable().describe('HIT or MISS when the response cache looked the request up; else null (cache off or skipped)'),
  savedTokens: z.number().int().optional().describe('on a cache hit: the tokens the stored answer cost when it was made'),
  error: z.string().nullable(),
  metadata: z.unknown(),
  translation: z.string().nullable().describe('`client protocol -> upstream protocol` when the request was translated; else null'),
  warnings: z.array(z.string()).nullable().describe('what translation could not carry across'),
  usageEstimated: z.boolean().describe('true when the token figures are the gateway\'s estimate, not the upstream\'s count'),
  units: z
    .object({
      images: z.number().int().optional(),
      imageSize: z.string().optional(),
      imageQuality: z.string().optional(),
      audioSeconds: z.number().optional(),
      characters: z.number().int().optional(),
      searches: z.number().int().optional(),
      webSearches: z.number().int().optional(),
    })
    .nullable()
    .optional()
    .describe('what an endpoint billed by the unit used (images and their size and quality, seconds of audio, characters spoken, rerank searches, web searches); null or absent: none'),
  attempts: z
    .array(
      z.object({
        upstream: z.string(),
        credential: z.string().nullable(),
        status: z.number().int().nullable().describe('the upstream\'s HTTP status; null when it did not answer'),
        error: z.string().nullable().describe('why the try failed; null for the one that served the request'),
        ms: z.number(),
      }),
    )
    .nullable()
    .describe('every try, when more than one was made or the only one failed; else null'),
});

export const keyPageView = z.object({
  data: z.array(keyView),
  hasMore: z.boolean(),
  total: z.number().int().describe('keys matching the filters, all pages'),
});

export const logPageView = z.object({
  data: z.array(logRecordView),
  hasMore: z.boolean(),
  limit: z.number().int(),
  offset: z.number().int(),
});

export const errorView = z.object({
  error: z.object({ message: z.string(), type: z.string(), param: z.string().nullable(), code: z.string() }),
});

/** DELETE /cache: which entries to purge; none given purges all. */
export const cachePurgeQuery = z.object({
  model: z.string().min(1).optional().describe('the public model id'),
  keyId: z.string().min(1).optional().describe('the client key whose requests made the entries'),
  cacheKey: z.string().min(1).optional().describe('a client\'s own x-switchboard-cache-key'),
});

export const cacheStatsView = z.object({
  entries: z.number().int(),
  bytes: z.number().int().describe('bytes of stored answers'),
  hits: z.number().int().describe('hits on the entries still stored'),
  maxBytes: z.number().int().describe('the cap the sweep keeps the cache under'),
});

export const cachePurgedView = z.object({ deleted: z.number().int().describe('entries removed') });

// ---- upstream sign-in and model sync (upstream-login.ts) --------------------

export const copilotPollBody = z.strictObject({
  deviceCode: z.string().min(1).describe('the deviceCode the start call returned'),
  label: z.string().optional().describe('a label for the credential made on success'),
});

export const codexFinishBody = z.strictObject({
  state: z.string().min(1).describe('the state the start call returned'),
  callback: z.string().min(1).describe('the URL the browser landed on after sign-in (http://localhost:1455/auth/callback?code=…), or just its code'),
  label: z.string().optional(),
});

/** The Codex CLI's tokens, as in `~/.codex/auth.json`. */
export const codexTokensBody = z.looseObject({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  id_token: z.string().optional(),
  account_id: z.string().optional().describe('read from the tokens when absent'),
});

export const codexImportBody = z
  .looseObject({
    tokens: codexTokensBody,
    label: z.string().optional(),
  })
  .describe('the content of the Codex CLI\'s ~/.codex/auth.json (other fields are ignored)');

export const claudeCodeFinishBody = z.strictObject({
  state: z.string().min(1).describe('the state the start call returned'),
  code: z.string().min(1).describe('what the sign-in page shows to paste back (`code#state`), or the URL it landed on'),
  label: z.string().optional(),
});

export const claudeCodeLoginView = z.object({
  url: z.string().describe('open in a browser and sign in to Claude (a Pro or Max subscription)'),
  state: z.string().describe('pass back to the finish call'),
  redirectUri: z.string().describe('the page that shows the code to paste back'),
  expiresIn: z.number().describe('seconds this sign-in stays open'),
});

export const modelSyncView = z.object({
  upstream: z.string(),
  models: z.array(z.string()).describe('the upstream\'s model ids, now its `models` list'),
});

export const deviceCodeView = z.object({
  deviceCode: z.string().describe('pass back to the poll call'),
  userCode: z.string().describe('the code the user enters at verificationUri'),
  verificationUri: z.string(),
  expiresIn: z.number().describe('seconds'),
  interval: z.number().describe('seconds to wait between polls'),
});

export const loginProgressView = z.object({
  status: z.enum(['pending', 'done', 'expired', 'denied']),
  interval: z.number().optional().describe('seconds to wait before the next poll (pending)'),
  credential: credentialView.optional().describe('the credential made (done)'),
});

export const codexLoginView = z.object({
  url: z.string().describe('open in a browser and sign in to ChatGPT'),
  state: z.string().describe('pass back to the finish call'),
  redirectUri: z.string().describe('where the browser lands afterwards; copy that URL'),
  expiresIn: z.number().describe('seconds this sign-in stays open'),
});

export type CredentialView = z.infer<typeof credentialView>;
export type UpstreamView = z.infer<typeof upstreamView>;
export type KeyView = z.infer<typeof keyView>;
export type UsageRowView = z.infer<typeof usageRowView>;
export type UsageReportView = z.infer<typeof usageReportView>;

const tierFigures = {
  requests: z.number().int(),
  costUsd: z.number().nullable().describe('what they cost, USD; null when none was priced'),
};

/** GET /usage/tiers: each router's requests by tier, and what routing saved against its reference tier. */
export const tierUsageView = z.object({
  from: z.number().int().describe('epoch ms'),
  to: z.number().int().describe('epoch ms'),
  routers: z.array(
    z.object({
      router: z.string(),
      reference: z.string().nullable().describe('the tier savings are measured against (null: the router is gone)'),
      tiers: z.array(
        z.object({
          tier: z.string(),
          ...tierFigures,
          referenceCostUsd: z.number().nullable().describe('what they would have cost on the reference tier'),
          unpricedRequests: z.number().int().describe('requests without a cost or reference cost'),
        }),
      ),
      classifier: z.object(tierFigures).describe('the classifier calls made for the router'),
      requests: z.number().int().describe('requests routed (classifier calls not counted)'),
      costUsd: z.number().describe('what the routed requests (those priced on both tiers) and the classifier calls cost, USD'),
      referenceCostUsd: z.number().describe('what the same routed requests would have cost on the reference tier'),
      savedUsd: z.number().describe('referenceCostUsd - costUsd (negative: routing cost more)'),
    }),
  ),
});
export type TierUsageView = z.infer<typeof tierUsageView>;
