import { Hono } from 'hono';
import { z } from 'zod';
import type { AdminDeps } from './deps.js';

/**
 * /security: refused requests since the process started (in memory, per
 * process): failed admin-key and client-key checks and IP-allowlist
 * refusals and connections past the per-address cap, overall, by source
 * address, and the latest few.
 */
export function securityRoutes(ctx: AdminDeps): Hono {
  const app = new Hono();
  app.get('/', (c) => c.json(ctx.refusals.report()));
  return app;
}

const kind = z.enum(['failedAdminAuth', 'failedClientAuth', 'ipBlocked', 'connectionCapped']);

export const securityReportView = z.object({
  since: z.number().int().describe('epoch ms: when this process started counting'),
  failedAdminAuth: z.number().int(),
  failedClientAuth: z.number().int(),
  ipBlocked: z.number().int(),
  connectionCapped: z.number().int().describe('connections closed at once for being past server.maxConnectionsPerAddress'),
  bySource: z
    .array(
      z.object({
        address: z.string().describe('the client address as read (see security.trustProxy), or `unknown`'),
        failedAdminAuth: z.number().int(),
        failedClientAuth: z.number().int(),
        ipBlocked: z.number().int(),
        connectionCapped: z.number().int(),
        lastAt: z.number().int(),
      }),
    )
    .describe('at most 100 sources, most refusals first'),
  recent: z
    .array(z.object({ at: z.number().int(), kind, address: z.string().nullable(), reason: z.string() }))
    .describe('the latest refusals, newest first'),
});
