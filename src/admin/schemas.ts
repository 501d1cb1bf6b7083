import { z } from 'zod';
import {
  credentialSchema,
  keyBudgetSchema,
  keyLimitsSchema,
  keySchema,
  modelSchema,
  timeoutsSchema,
  upstreamSchema,
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

/**
 * PATCH /upstreams/:id. Built from the config fields with their defaults
 * removed: zod 4 applies a default even inside `.optional()`, which would
 * turn every field left out of a patch into a reset.
 */
export const patchUpstreamBody = z.strictObject({
  baseUrl: upstreamSchema.shape.baseUrl.unwrap().optional(),
  speaks: upstreamSchema.shape.speaks.unwrap().optional(),
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
});

/** POST /models. */
export const createModelBody = modelSchema;

/** PUT /models/:id: the model's whole ordered route list. */
export const putModelBody = z.strictObject({ routes: modelSchema.shape.routes });

/** POST /keys: a key as the config file declares one, minus an imported plaintext. */
export const createKeyBody = keySchema.omit({ key: true });

/** PATCH /keys/:id; `null` clears models (all allowed), limits or budget. */
export const patchKeyBody = z.strictObject({
  group: keySchema.shape.group.unwrap().optional(),
  models: keySchema.shape.models.unwrap().nullable().optional(),
  limits: keyLimitsSchema.nullable().optional(),
  budget: keyBudgetSchema.nullable().optional(),
});

// ---- query strings ----------------------------------------------------------

/** An instant as ISO-8601 (`2025-01-31T12:00:00Z`) or epoch milliseconds. */
export function parseInstant(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

const instant = z
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

export const USAGE_DIMENSIONS = ['key', 'group', 'model', 'upstream'] as const satisfies readonly UsageDimension[];
export const OUTCOMES = ['ok', 'error', 'upstream_error', 'incomplete'] as const satisfies readonly Outcome[];
export const MAX_LOG_LIMIT = 500;

export const usageQuery = z.object({
  by: z.enum(USAGE_DIMENSIONS).default('key'),
  from: instant.optional().describe('ISO-8601 date-time or epoch ms; default: 24 hours before `to`'),
  to: instant.optional().describe('ISO-8601 date-time or epoch ms, exclusive; default: now'),
  interval: z.enum(['hour', 'day']).optional().describe('split each row into hour or day buckets'),
});

const integer = (min: number) => z.coerce.number<string>().int('must be an integer').min(min, `must be at least ${min}`);

export const logsQuery = z.object({
  key: z.string().min(1).optional().describe('a key id or key name'),
  model: z.string().min(1).optional(),
  status: integer(100).max(599, 'must be at most 599').optional(),
  outcome: z.enum(OUTCOMES).optional(),
  from: instant.optional(),
  to: instant.optional(),
  limit: integer(1)
    .default(50)
    .transform((n) => Math.min(n, MAX_LOG_LIMIT))
    .describe(`default 50, at most ${MAX_LOG_LIMIT} (larger values are capped)`),
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

export const upstreamView = z.object({
  id: z.string(),
  kind: z.enum(UPSTREAM_KINDS),
  baseUrl: z.string().nullable(),
  strategy: z.enum(['round-robin']),
  speaks: z.array(z.enum(['chat', 'responses'])),
  models: z.array(z.string()),
  headers: z.record(z.string(), z.string()),
  timeouts: z.object({ connectMs: z.number().int(), firstByteMs: z.number().int(), idleMs: z.number().int() }),
  enabled: z.boolean(),
  credentials: z.array(credentialView),
});

export const modelView = z.object({
  id: z.string(),
  routes: z.array(z.object({ upstream: z.string(), model: z.string() })),
});

export const keyView = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string().describe('the first characters of the key, for recognising it'),
  group: z.string(),
  models: z.array(z.string()).nullable().describe('null: every model'),
  limits: keyLimitsSchema.nullable(),
  budget: keyBudgetSchema.nullable(),
  source: z.string().describe('config, admin or cli'),
  createdAt: z.number().int().describe('epoch ms'),
  revokedAt: z.number().int().nullable().describe('epoch ms'),
});

export const createdKeyView = keyView.extend({
  key: z.string().describe('the plaintext key; shown only in this response'),
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
};

export const usageRowView = z.object({
  value: z.string().describe('the key id, group, model or upstream id ("" when the request had none)'),
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
  cacheStatus: z.string().nullable(),
  error: z.string().nullable(),
  metadata: z.unknown(),
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

export type CredentialView = z.infer<typeof credentialView>;
export type UpstreamView = z.infer<typeof upstreamView>;
export type KeyView = z.infer<typeof keyView>;
export type UsageRowView = z.infer<typeof usageRowView>;
export type UsageReportView = z.infer<typeof usageReportView>;
