import { Hono } from 'hono';
import { z } from 'zod';
import type { AdminDeps } from './deps.js';
import { cacheChoiceSchema, cacheSchema, cidrListSchema, loggingSchema, securitySchema } from '../config/schema.js';
import { saveSettings, type GatewaySettings } from '../policy/gateway-settings.js';
import { describeIssues, invalid, readBody } from './errors.js';

/**
 * /settings: the gateway-wide security, logging and response cache settings
 * (the config file's `security`, `logging` and `cache`). A PATCH changes only the fields it names;
 * the result is validated whole, stored, and used from the next request.
 */

/** PATCH /settings. Built without defaults: zod 4 applies a default even inside `.optional()`, which would reset fields left out. */
export const patchSettingsBody = z.strictObject({
  security: z
    .strictObject({
      ipAllowlist: cidrListSchema.optional(),
      trustProxy: securitySchema.shape.trustProxy.unwrap().optional(),
    })
    .optional(),
  logging: z
    .strictObject({
      bodies: loggingSchema.shape.bodies.unwrap().optional(),
      redact: z.strictObject({ emails: z.boolean().optional(), patterns: z.array(z.string().min(1)).optional() }).optional(),
    })
    .optional(),
  cache: z
    .strictObject({
      enabled: z.boolean().optional(),
      ttlSeconds: cacheSchema.shape.ttlSeconds.unwrap().optional(),
      maxBytes: cacheSchema.shape.maxBytes.unwrap().optional(),
      maxEntryBytes: cacheSchema.shape.maxEntryBytes.unwrap().optional(),
      scope: cacheSchema.shape.scope.unwrap().optional(),
      /** Replaces the per-model choices whole. */
      models: z.record(z.string().min(1), cacheChoiceSchema).optional(),
    })
    .optional(),
});

export const settingsView = z.object({ security: securitySchema, logging: loggingSchema, cache: cacheSchema });

export function settingsRoutes(ctx: AdminDeps): Hono {
  const app = new Hono();

  // Hosted tools have their own route (/hosted-tools), which never shows the sealed search key.
  const view = () => {
    const { security, logging, cache } = ctx.settings.current().raw;
    return { security, logging, cache };
  };
  app.get('/', (c) => c.json(view()));

  app.patch('/', async (c) => {
    const patch = await readBody(c, patchSettingsBody);
    const current = ctx.settings.current().raw;
    const merged = {
      security: { ...current.security, ...definedOnly(patch.security ?? {}) },
      logging: {
        ...current.logging,
        ...definedOnly({ bodies: patch.logging?.bodies }),
        redact: { ...current.logging.redact, ...definedOnly(patch.logging?.redact ?? {}) },
      },
      cache: { ...current.cache, ...definedOnly(patch.cache ?? {}) },
    };
    const parsed = settingsView.safeParse(merged);
    if (!parsed.success) throw invalid(describeIssues(parsed.error), 'invalid_body');
    const next: GatewaySettings = { ...parsed.data, hostedTools: current.hostedTools };
    await saveSettings(ctx.store, next);
    ctx.settings.replace(next);
    return c.json(view());
  });

  return app;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
