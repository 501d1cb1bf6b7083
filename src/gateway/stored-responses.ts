import type { Context } from 'hono';
import { z } from 'zod';
import type { DataPlaneDeps } from './deps.js';
import { identifyClient } from './identify.js';
import { encodeError, GatewayError } from '../protocols/errors.js';
import { formatPath } from '../protocols/format-path.js';
import { listedItems } from '../stored-responses/history.js';
import type { StoredResponse } from '../stored-responses/stored-response.js';

/**
 * The Responses API's read side over the key's own stored answers:
 * `GET /v1/responses/{id}`, `DELETE /v1/responses/{id}` and
 * `GET /v1/responses/{id}/input_items`. An id another key stored is as
 * unknown as one never made (404). Nothing goes upstream, so no log row.
 * @see https://platform.openai.com/docs/api-reference/responses/get
 */
export async function getStoredResponse(c: Context, ctx: DataPlaneDeps): Promise<Response> {
  return answer(c, async () => c.json((await find(c, ctx)).response));
}

/** @see https://platform.openai.com/docs/api-reference/responses/delete */
export async function deleteStoredResponse(c: Context, ctx: DataPlaneDeps): Promise<Response> {
  return answer(c, async () => {
    const key = await identifyClient(c, ctx, ctx.catalog.current());
    const id = c.req.param('id') ?? '';
    if (!(await ctx.responses.delete(key.id, id))) throw notFound(id);
    return c.json({ id, object: 'response', deleted: true });
  });
}

const listQuery = z.object({
  after: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  order: z.enum(['asc', 'desc']).default('desc'),
});

/** @see https://platform.openai.com/docs/api-reference/responses/input-items */
export async function listStoredInputItems(c: Context, ctx: DataPlaneDeps): Promise<Response> {
  return answer(c, async () => {
    const parsed = listQuery.safeParse(c.req.query());
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = formatPath(issue.path);
      throw new GatewayError('SB_ERR_BAD_REQUEST', `${field}: ${issue.message}`, field);
    }
    const { after, limit, order } = parsed.data;
    const items = listedItems(await find(c, ctx));
    if (order === 'desc') items.reverse();
    const start = after === undefined ? 0 : items.findIndex((item) => item.id === after) + 1;
    if (after !== undefined && start === 0) throw new GatewayError('SB_ERR_BAD_REQUEST', `after: no input item with id '${after}' in this response`, 'after');
    const page = items.slice(start, start + limit);
    return c.json({
      object: 'list',
      data: page,
      first_id: page[0]?.id ?? null,
      last_id: page.at(-1)?.id ?? null,
      has_more: start + limit < items.length,
    });
  });
}

async function find(c: Context, ctx: DataPlaneDeps): Promise<StoredResponse> {
  const key = await identifyClient(c, ctx, ctx.catalog.current());
  const id = c.req.param('id') ?? '';
  const stored = await ctx.responses.get(key.id, id);
  if (!stored) throw notFound(id);
  return stored;
}

/** OpenAI's words for an unknown response id. */
function notFound(id: string): GatewayError {
  return new GatewayError('SB_ERR_NOT_FOUND', `Response with id '${id}' not found.`);
}

async function answer(c: Context, handle: () => Promise<Response>): Promise<Response> {
  try {
    return await handle();
  } catch (err) {
    const error = err instanceof GatewayError ? err : new GatewayError('SB_ERR_INTERNAL', `internal error: ${String(err)}`);
    const { status, body } = encodeError('openai', error);
    return c.json(body, status as 400);
  }
}
