import { z } from 'zod';

/**
 * The config file's schema (DESIGN.md, "Configuration"). Validated once at the
 * edge; everything inside trusts the resulting types.
 */

export const UPSTREAM_KINDS = ['openai', 'anthropic', 'gemini', 'mock'] as const;
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

export const upstreamSchema = z.strictObject({
  id,
  kind: z.enum(UPSTREAM_KINDS),
  baseUrl: url.optional(),
  credentials: z.array(credentialSchema).default([]),
  strategy: z.enum(['round-robin']).default('round-robin'),
  /**
   * The API shapes an `openai` upstream serves: `chat` (/chat/completions),
   * `responses` (/responses), or both. Other kinds know their own.
   */
  speaks: z.array(z.enum(['chat', 'responses'])).min(1).default(['chat']),
  /** Models this upstream serves under their own ids, for models not declared under `models`. */
  models: z.array(z.string().min(1)).default([]),
  /** Extra headers sent with every request to this upstream. */
  headers: z.record(z.string(), z.string()).default({}),
  timeouts: timeoutsSchema.prefault({}),
  enabled: z.boolean().default(true),
});

export const routeSchema = z.strictObject({
  upstream: id,
  model: z.string().min(1, 'must not be empty'),
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

export const keySchema = z.strictObject({
  name: z.string().min(1, 'must not be empty'),
  /** The plaintext key to import (hashed at once). Absent: one is generated and printed once. */
  key: z.string().min(20, 'must be at least 20 characters').optional(),
  group: z.string().min(1).default('default'),
  /** Public model ids this key may use; absent means all. */
  models: z.array(z.string().min(1)).optional(),
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

export const serverSchema = z.strictObject({
  host: z.string().default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8788),
  /** Largest request body accepted, in bytes (413 beyond). */
  maxBodyBytes: z
    .number()
    .int()
    .positive()
    .default(32 * 1024 * 1024),
});

export const storageSchema = z.strictObject({
  url: z
    .string()
    .regex(/^sqlite:/, 'must be sqlite:<path> (PostgreSQL comes with the scale-out work)')
    .default('sqlite:./data/switchboard.db'),
});

export const configSchema = z.strictObject({
  server: serverSchema.prefault({}),
  /** Bearer token for /admin/api. Absent: generated once and kept in the data folder. */
  adminKey: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Encrypts credentials at rest. Absent: generated once and kept in the data folder. */
  secret: z.string().min(16, 'must be at least 16 characters').optional(),
  storage: storageSchema.prefault({}),
  upstreams: z.array(upstreamSchema).default([]),
  models: z.array(modelSchema).default([]),
  keys: z.array(keySchema).default([]),
  /** Prices by model id (upstream or public), over the shipped table (usage/prices.json). */
  prices: z.record(z.string().min(1), priceSchema).default({}),
});

export type Config = z.infer<typeof configSchema>;
export type UpstreamConfig = z.infer<typeof upstreamSchema>;
export type CredentialConfig = z.infer<typeof credentialSchema>;
export type ModelConfig = z.infer<typeof modelSchema>;
export type RouteConfig = z.infer<typeof routeSchema>;
export type KeyConfig = z.infer<typeof keySchema>;
export type KeyLimits = z.infer<typeof keyLimitsSchema>;
export type KeyBudget = z.infer<typeof keyBudgetSchema>;
export type Timeouts = z.infer<typeof timeoutsSchema>;
export type Price = z.infer<typeof priceSchema>;
