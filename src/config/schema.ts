import { z } from 'zod';
import { parseCidr } from './ip-address.js';
import { patternProblems } from './redact-patterns.js';

/**
 * The config file's schema (DESIGN.md, "Configuration"). Validated once at the
 * edge; everything inside trusts the resulting types.
 */

export const UPSTREAM_KINDS = ['openai', 'anthropic', 'gemini', 'azure', 'copilot', 'codex', 'mock'] as const;
export type UpstreamKind = (typeof UPSTREAM_KINDS)[number];

const id = z
  .string()
  .min(1, 'must not be empty')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/@-]*$/, 'may hold only letters, digits and . _ : / @ -');

const url = z.string().refine((v) => {
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}, 'must be a URL');

/** How an upstream spreads requests over its credentials (routing/strategies.ts). */
export const STRATEGIES = ['round-robin', 'weighted', 'least-busy', 'latency'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export const credentialSchema = z.strictObject({
  id: id.optional(),
  key: z.string().min(1, 'must not be empty'),
  weight: z.number().int().positive().default(1),
  label: z.string().optional(),
});

/** Timeouts toward an upstream, in milliseconds. */
export const timeoutsSchema = z.strictObject({
  connectMs: z.number().int().positive().default(10_000),
  firstByteMs: z.number().int().positive().default(120_000),
  idleMs: z.number().int().positive().default(120_000),
});

/**
 * Settings only some upstream kinds read (docs/upstreams.md). They sit flat
 * on the upstream in the file and the admin API, and are kept together as
 * the record's `settings`.
 */
export const modelSyncSchema = z.strictObject({
  /** Ask the upstream for its model list this often and store it as the upstream's `models`. */
  intervalMinutes: z.number().positive(),
});

export const copilotAuthSchema = z.strictObject({
  /** Where the device flow runs (default https://github.com). */
  githubUrl: url.optional(),
  /** Where the Copilot token is exchanged (default https://api.github.com). */
  githubApiUrl: url.optional(),
  /** The OAuth app the device flow signs in to (default: the Copilot editor plugins' public client id). */
  clientId: z.string().min(1).optional(),
});

function upstreamSettingsShape() {
  return {
    /** azure: the dated `api-version` of the deployments API. */
    apiVersion: z.string().min(1).optional(),
    /** azure: public model id -> deployment name; a model not listed is its own deployment name. */
    deployments: z.record(z.string().min(1), z.string().min(1)).optional(),
    /** azure: `api-key` (default) or `bearer` (Microsoft Entra ID access tokens as credentials). */
    authHeader: z.enum(['api-key', 'bearer']).optional(),
    /** copilot: the GitHub endpoints of the login and the token exchange. */
    auth: copilotAuthSchema.optional(),
    /** codex: the OpenAI sign-in server for login and refresh (default https://auth.openai.com). */
    authUrl: url.optional(),
    /** Periodic model catalog sync; absent: only on demand. */
    modelSync: modelSyncSchema.optional(),
    /**
     * anthropic: how a translated request asks for a JSON-schema answer:
     * `native` (`output_config.format`, the default), `tool` (a forced tool)
     * or `prompt` (the schema in the system prompt), for upstreams that refuse
     * native structured output. A model that refuses it is also learned.
     */
    structuredOutput: z.enum(['native', 'tool', 'prompt']).optional(),
  };
}

/** The per-kind settings as stored on the upstream record. */
export const upstreamSettingsSchema = z.strictObject(upstreamSettingsShape());
export type UpstreamSettings = z.infer<typeof upstreamSettingsSchema>;
export const UPSTREAM_SETTING_KEYS = Object.keys(upstreamSettingsSchema.shape) as (keyof UpstreamSettings)[];

export const upstreamSchema = z.strictObject({
  id,
  kind: z.enum(UPSTREAM_KINDS),
  baseUrl: url.optional(),
  credentials: z.array(credentialSchema).default([]),
  strategy: z.enum(STRATEGIES).default('round-robin'),
  /**
   * The API shapes an `openai` upstream serves: `chat` (/chat/completions),
   * `responses` (/responses), or both (the default: OpenAI's own API serves
   * both). The first listed is the one other clients are translated to. A
   * server whose /responses answers 404 is translated to chat once learned.
   * Other kinds know their own.
   */
  speaks: z.array(z.enum(['chat', 'responses'])).min(1).default(['chat', 'responses']),
  /** Models this upstream serves under their own ids, for models not declared under `models`. */
  models: z.array(z.string().min(1)).default([]),
  /** Extra headers sent with every request to this upstream. */
  headers: z.record(z.string(), z.string()).default({}),
  timeouts: timeoutsSchema.prefault({}),
  enabled: z.boolean().default(true),
  ...upstreamSettingsShape(),
});

export const routeSchema = z.strictObject({
  upstream: id,
  model: z.string().min(1, 'must not be empty'),
  /** When any route of a model has a weight, the first try is drawn by weight (absent: 1) and the rest follow in order. */
  weight: z.number().int().nonnegative().optional(),
});

export const modelSchema = z.strictObject({
  id: z.string().min(1, 'must not be empty'),
  routes: z.array(routeSchema).min(1, 'needs at least one route'),
});

export const keyLimitsSchema = z.strictObject({
  rpm: z.number().int().positive().optional(),
  tpm: z.number().int().positive().optional(),
  concurrent: z.number().int().positive().optional(),
});

export const keyBudgetSchema = z.strictObject({
  usd: z.number().positive().optional(),
  tokens: z.number().int().positive().optional(),
  period: z.enum(['day', 'week', 'month', 'total']).default('month'),
});

/** A key's or a model's response-cache choice: on, off, or on with its own time to live. */
export const cacheChoiceSchema = z.union([z.boolean(), z.strictObject({ ttlSeconds: z.number().int().positive() })]);

/** An IPv4 or IPv6 address or CIDR range (policy/ip-allowlist.ts). */
export const cidrSchema = z
  .string()
  .refine((v) => parseCidr(v) !== undefined, 'must be an IPv4 or IPv6 address or CIDR range, e.g. 10.0.0.0/8 or 2001:db8::/32');
export const cidrListSchema = z.array(cidrSchema);

/**
 * Stateful Responses for a key (docs/responses.md): with `store: true` the
 * gateway keeps the key's Responses answers (sealed with the secret) for
 * `retentionDays`, serves them back, and expands `previous_response_id`.
 */
export const keyResponsesSchema = z.strictObject({
  store: z.boolean(),
  retentionDays: z.number().int().min(1).max(3650).default(30),
});

export const keySchema = z.strictObject({
  name: z.string().min(1, 'must not be empty'),
  /** The plaintext key to import (hashed at once). Absent: one is generated and printed once. */
  key: z.string().min(20, 'must be at least 20 characters').optional(),
  group: z.string().min(1).default('default'),
  /** Public model ids this key may use; absent means all. */
  models: z.array(z.string().min(1)).optional(),
  limits: keyLimitsSchema.optional(),
  budget: keyBudgetSchema.optional(),
  /** The response cache for this key: `false` keeps it off even when a request asks (policy/cache-policy.ts). */
  cache: cacheChoiceSchema.optional(),
  /** Addresses this key may be used from (CIDRs); absent: anywhere the global list allows. */
  ipAllowlist: cidrListSchema.optional(),
  /** Stored Responses for this key; absent: the Responses API is served statelessly. */
  responses: keyResponsesSchema.optional(),
});

/**
 * Limits and a budget shared by every key of a group (`groups:`); a group
 * `team-a` also covers keys narrowed to `team-a/<sub>`.
 */
export const groupSchema = z.strictObject({
  id: z.string().min(1, 'must not be empty'),
  limits: keyLimitsSchema.optional(),
  budget: keyBudgetSchema.optional(),
});

/** A model's price in USD per million tokens; absent cache prices are charged at the input price. */
export const priceSchema = z.strictObject({
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
  cacheRead: z.number().nonnegative().optional(),
  cacheWrite: z.number().nonnegative().optional(),
  /** Only when reasoning tokens cost other than output tokens. */
  reasoning: z.number().nonnegative().optional(),
});

/** Retries before the first byte reached the client: next credential, then next route. */
export const retrySchema = z.strictObject({
  /** Tries per request in all, the first included. */
  maxAttempts: z.number().int().min(1).max(20).default(4),
  /** No new try starts after this long since the request arrived. */
  deadlineMs: z.number().int().positive().default(60_000),
  /** Backoff before try n is a random wait up to backoffMs * 2^(n-2), capped at maxBackoffMs. */
  backoffMs: z.number().int().nonnegative().default(50),
  maxBackoffMs: z.number().int().nonnegative().default(2_000),
});

/** When a credential cools down, and how it is checked back to health. */
export const healthSchema = z.strictObject({
  /** Consecutive 5xx / timeout / connect failures before a credential cools down. */
  failuresBeforeCooling: z.number().int().positive().default(3),
  /** First cooldown after failures (doubling on each new one, up to maxCooldownMs); 429s use the upstream's reset time. */
  cooldownMs: z.number().int().positive().default(10_000),
  maxCooldownMs: z.number().int().positive().default(300_000),
  /** How often cooling and disabled credentials are probed (a model listing); 0 turns probes off. */
  probeIntervalMs: z.number().int().nonnegative().default(60_000),
});

/** The response cache (gateway/response-cache.ts): exact-match answers kept in the database. */
export const cacheSchema = z.strictObject({
  /** On for every request; keys, models and the request's headers may say otherwise. */
  enabled: z.boolean().default(false),
  ttlSeconds: z.number().int().positive().default(3600),
  /** All entries together; the sweep evicts the least recently used past it. */
  maxBytes: z
    .number()
    .int()
    .positive()
    .default(100 * 1024 * 1024),
  /** An answer larger than this is sent but not kept. */
  maxEntryBytes: z
    .number()
    .int()
    .positive()
    .default(2 * 1024 * 1024),
  sweepIntervalSeconds: z.number().int().positive().default(60),
  /** Who shares answers: each key its own (default), or every key of a group. */
  scope: z.enum(['key', 'group']).default('key'),
  /** Per public model id: on, off or on with its own TTL. */
  models: z.record(z.string().min(1), cacheChoiceSchema).default({}),
});

/** Who may reach the data plane, and how the client's address is read (docs/security.md). */
export const securitySchema = z.strictObject({
  /** Client addresses allowed on the data plane; empty: any. */
  ipAllowlist: cidrListSchema.default([]),
  /**
   * Whether to read X-Forwarded-For: `false` (the socket address), `true` (one
   * proxy in front), a number of proxies in front, or the proxies' CIDRs.
   */
  trustProxy: z.union([z.boolean(), z.number().int().min(1).max(32), cidrListSchema.min(1)]).default(false),
});

/** Logging of request and response bodies (policy/body-log.ts). */
export const loggingSchema = z.strictObject({
  bodies: z.enum(['off', 'metadata', 'full']).default('off'),
  redact: z
    .strictObject({
      emails: z.boolean().default(false),
      /** Extra regular expressions; each match is replaced (a first capture group is kept). */
      patterns: z.array(z.string().min(1)).default([]),
    })
    .superRefine((r, check) => {
      for (const { index, message } of patternProblems(r.patterns)) check.addIssue({ code: 'custom', path: ['patterns', index], message });
    })
    .prefault({}),
});

export const serverSchema = z.strictObject({
  host: z.string().default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8788),
  /** Largest request body accepted, in bytes (413 beyond). */
  maxBodyBytes: z
    .number()
    .int()
    .positive()
    .default(32 * 1024 * 1024),
  /**
   * On SIGTERM or SIGINT: how long requests in flight (streams and WebSocket turns included) may take to
   * finish before their connections are cut; no new connection is taken meanwhile. A second signal cuts at once.
   */
  drainSeconds: z.number().min(0).max(3600).default(30),
});

/**
 * How long and how much of the request log is kept (docs/operations.md);
 * absent: everything, forever. Usage totals (the hourly rollups) are never pruned.
 */
export const logsSchema = z.strictObject({
  retentionDays: z.number().int().min(1).max(36_500).optional().describe('Rows older than this many days are deleted, with their logged bodies. Absent: kept by age.'),
  maxRows: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('At most this many rows are kept: the oldest past it are deleted, with their logged bodies. Absent: no count limit.'),
  bodiesRetentionDays: z
    .number()
    .int()
    .min(1)
    .max(36_500)
    .optional()
    .describe('Logged bodies (logging.bodies) older than this many days are deleted, their rows kept. Absent: as long as their rows.'),
  bodiesMaxBytes: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('Logged bodies together are kept within this many bytes (request and response text, UTF-8): the oldest past it are deleted, their rows kept. Absent: no byte limit.'),
});

export const storageSchema = z.strictObject({
  url: z
    .string()
    .regex(/^(sqlite:|postgres(ql)?:\/\/)/, 'must be sqlite:<path> or postgres://user@host:port/database')
    .default('sqlite:./data/switchboard.db'),
});

/**
 * Where limits are counted (docs/limits.md): in this process's memory (no
 * url), or in Redis so that every replica counts against the same limits.
 */
export const countersSchema = z.strictObject({
  url: z
    .string()
    .regex(/^rediss?:\/\//, 'must be redis://… or rediss://… (leave it out to count in memory)')
    .optional(),
  /** Every key is `{prefix}:…`: gateways sharing one Redis need prefixes of their own. Braces would break the Cluster hash tag. */
  prefix: z
    .string()
    .regex(/^[^{}\s]+$/, 'must be a non-empty word without braces or spaces')
    .default('switchboard'),
  /**
   * While Redis cannot be reached: `failOpen` (default) keeps serving, each
   * replica counting its share of every limit alone; `failClosed` refuses
   * requests that fall under a limit with 503.
   */
  onUnavailable: z.enum(['failOpen', 'failClosed']).default('failOpen'),
  /** What a replica divides limits by during an outage; default: the replicas live when Redis was last seen. */
  replicas: z.number().int().positive().optional(),
  /** How long a concurrency slot is held without a renewal: a crashed replica's slots are free again after this. */
  leaseMs: z.number().int().min(3000).default(60_000),
});

/** Request traces sent to an OpenTelemetry collector over OTLP/HTTP (docs/observability.md). */
export const tracesSchema = z.strictObject({
  endpoint: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .describe("The collector's OTLP/HTTP traces URL, path included (e.g. http://127.0.0.1:4318/v1/traces)."),
  headers: z
    .record(z.string().min(1), z.string())
    .default({})
    .describe('Headers sent with every export (e.g. an authorization token for a hosted collector).'),
  sampleRatio: z
    .number()
    .min(0)
    .max(1)
    .default(1)
    .describe("Share of new traces kept (0 to 1); a request that comes with a W3C traceparent follows its caller's sampling decision."),
  serviceName: z.string().min(1).default('switchboard').describe('The `service.name` the spans are exported under.'),
});

/** Traces and the process log's shape (docs/observability.md). */
export const telemetrySchema = z.strictObject({
  traces: tracesSchema.optional().describe('OpenTelemetry traces of every request and upstream try; absent: none are made.'),
  logFormat: z
    .enum(['text', 'json'])
    .default('text')
    .describe('The process log: `text` (one plain line each, for a terminal) or `json` (JSON lines with time, level, message and the request id).'),
});

export const configSchema = z.strictObject({
  server: serverSchema.prefault({}),
  /** Bearer token for /admin/api. Absent: generated once and kept in the data folder. */
  adminKey: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Encrypts credentials at rest. Absent: read from <data folder>/secret if that exists; else credentials cannot be stored. */
  secret: z.string().min(16, 'must be at least 16 characters').optional(),
  storage: storageSchema.prefault({}),
  counters: countersSchema.prefault({}),
  /** Request-log retention; absent: rows and bodies are kept. */
  logs: logsSchema.prefault({}),
  upstreams: z.array(upstreamSchema).default([]),
  retry: retrySchema.prefault({}),
  health: healthSchema.prefault({}),
  models: z.array(modelSchema).default([]),
  keys: z.array(keySchema).default([]),
  /** Limits and budgets per group of keys (docs/limits.md). */
  groups: z.array(groupSchema).default([]),
  /** Limits and a budget over all traffic through this gateway. */
  limits: keyLimitsSchema.optional(),
  budget: keyBudgetSchema.optional(),
  /** Prices by model id (upstream or public), over the shipped table (usage/prices.json). */
  prices: z.record(z.string().min(1), priceSchema).default({}),
  /** Response cache; absent: the database's (admin API) settings stay as they are. */
  cache: cacheSchema.optional(),
  /** IP allowlist and proxy trust; absent: the database's (admin API) settings stay as they are. */
  security: securitySchema.optional(),
  /** Body logging; absent: the database's (admin API) settings stay as they are. */
  logging: loggingSchema.optional(),
  /** Traces and the process log's format. */
  telemetry: telemetrySchema.prefault({}),
});

export type Config = z.infer<typeof configSchema>;
export type UpstreamConfig = z.infer<typeof upstreamSchema>;
export type CredentialConfig = z.infer<typeof credentialSchema>;
export type ModelConfig = z.infer<typeof modelSchema>;
export type RouteConfig = z.infer<typeof routeSchema>;
export type KeyConfig = z.infer<typeof keySchema>;
export type KeyLimits = z.infer<typeof keyLimitsSchema>;
export type KeyBudget = z.infer<typeof keyBudgetSchema>;
export type GroupConfig = z.infer<typeof groupSchema>;
export type Timeouts = z.infer<typeof timeoutsSchema>;
export type Price = z.infer<typeof priceSchema>;
export type RetrySettings = z.infer<typeof retrySchema>;
export type HealthSettings = z.infer<typeof healthSchema>;
export type CacheChoice = z.infer<typeof cacheChoiceSchema>;
export type KeyResponses = z.infer<typeof keyResponsesSchema>;
export type CacheSettings = z.infer<typeof cacheSchema>;
export type SecuritySettings = z.infer<typeof securitySchema>;
export type LoggingSettings = z.infer<typeof loggingSchema>;
export type LogRetention = z.infer<typeof logsSchema>;
export type TraceSettings = z.infer<typeof tracesSchema>;
export type TelemetrySettings = z.infer<typeof telemetrySchema>;
