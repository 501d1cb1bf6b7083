import type { Context } from 'hono';
import type { GatewayContext } from './context.js';
import { authenticate, mayUseModel } from '../policy/auth.js';
import { encodeError, GatewayError } from '../protocols/errors.js';
import type { ErrorShape } from '../protocols/protocol.js';

/** Unix seconds the gateway reports as a model's creation time (it has no better figure). */
const CREATED = 1_700_000_000;

/**
 * `GET /v1/models` and `GET /v1/models/{id}`: the models this key may use,
 * declared or listed by an upstream, in OpenAI's list shape, or Anthropic's
 * when the request carries `anthropic-version` (as the Anthropic SDK does).
 */
export async function listModels(c: Context, ctx: GatewayContext, one?: string): Promise<Response> {
  const shape: ErrorShape = c.req.header('anthropic-version') ? 'anthropic' : 'openai';
  try {
    const snapshot = ctx.catalog.current();
    const key = await authenticate(snapshot, c.req.raw.headers);
    const ids = [...new Set([...snapshot.models.keys(), ...snapshot.listedModels.keys()])]
      .filter((id) => mayUseModel(key, id))
      .sort();
    if (one !== undefined) {
      if (!ids.includes(one)) throw new GatewayError('SB_ERR_MODEL_NOT_FOUND', `model ${one} does not exist`, 'model');
      return c.json(shape === 'anthropic' ? anthropicModel(one) : openaiModel(one));
    }
    if (shape === 'anthropic') {
      // https://docs.anthropic.com/en/api/models-list
      return c.json({ data: ids.map(anthropicModel), has_more: false, first_id: ids[0] ?? null, last_id: ids.at(-1) ?? null });
    }
    // https://platform.openai.com/docs/api-reference/models/list
    return c.json({ object: 'list', data: ids.map(openaiModel) });
  } catch (err) {
    const gatewayError = err instanceof GatewayError ? err : new GatewayError('SB_ERR_INTERNAL', String(err));
    const { status, body } = encodeError(shape, gatewayError);
    return c.json(body, status as 400);
  }
}

function openaiModel(id: string) {
  return { id, object: 'model', created: CREATED, owned_by: 'switchboard' };
}

function anthropicModel(id: string) {
  return { type: 'model', id, display_name: id, created_at: new Date(CREATED * 1000).toISOString() };
}
