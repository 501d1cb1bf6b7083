import { Hono } from 'hono';
import { z } from 'zod';
import type { AdminDeps } from './deps.js';
import { ownerScope, principalOf } from './principal.js';
import type { LogRecord } from '../store/types.js';
import { readQuery } from './errors.js';
import { logQueryOf } from './logs.js';
import { logsQuery, MAX_LOG_LIMIT } from './schemas.js';

/**
 * /logs/export: every row matching the /logs filters, as CSV or JSON Lines,
 * streamed page by page so a long export never sits whole in memory. The
 * range is pinned at the first page (`to` defaults to now) and each page
 * starts after the previous page's last row, so rows arriving or pruned
 * meanwhile neither shift nor repeat rows.
 */

export const MAX_EXPORT_ROWS = 100_000;

export const logsExportQuery = logsQuery.omit({ limit: true, offset: true }).extend({
  format: z.enum(['csv', 'jsonl']).default('csv'),
});

/** CSV columns, in order: the scalar fields of a log row; nested ones (metadata, warnings, attempts) go as JSON text. */
const CSV_COLUMNS = [
  'id', 'ts', 'time', 'keyId', 'group', 'protocol', 'endpoint', 'model', 'alias', 'router', 'tier', 'tierReason', 'upstreamModel', 'upstreamId', 'credentialId',
  'stream', 'status', 'outcome', 'inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheWriteTokens', 'reasoningTokens',
  'costUsd', 'referenceCostUsd', 'latencyMs', 'ttfbMs', 'cacheStatus', 'error', 'translation', 'usageEstimated', 'metadata', 'warnings', 'attempts', 'units',
] as const;

export function logExportRoutes(ctx: AdminDeps): Hono {
  const app = new Hono();

  app.get('/', async (c) => {
    const { format, ...filters } = readQuery(c, logsExportQuery);
    const base = await logQueryOf(ctx, { ...filters, to: filters.to ?? ctx.now(), limit: MAX_LOG_LIMIT, offset: 0 }, ownerScope(principalOf(c)));
    const encoder = new TextEncoder();
    let sent = 0;
    // Each page starts after the last row sent (keyset), not at an offset: a deep page costs what the first does.
    let after: { ts: number; id: string } | undefined;
    let header = format === 'csv';
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const page = await ctx.store.logs.query({ ...base, after });
        sent += page.data.length;
        const last = page.data.at(-1);
        if (last) after = { ts: last.ts, id: last.id };
        let text = header ? `${CSV_COLUMNS.join(',')}\r\n` : '';
        header = false;
        for (const row of page.data) text += format === 'csv' ? csvLine(row) : `${JSON.stringify(row)}\n`;
        if (text) controller.enqueue(encoder.encode(text));
        if (!page.hasMore || sent >= MAX_EXPORT_ROWS) controller.close();
      },
    });
    const stamp = new Date(ctx.now()).toISOString().replace(/[:.]/g, '-');
    return c.body(body, 200, {
      'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      'content-disposition': `attachment; filename="switchboard-logs-${stamp}.${format}"`,
    });
  });

  return app;
}

function csvLine(row: LogRecord): string {
  const record = row as unknown as Record<string, unknown>;
  return `${CSV_COLUMNS.map((column) => csvCell(column === 'time' ? new Date(row.ts).toISOString() : record[column])).join(',')}\r\n`;
}

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
