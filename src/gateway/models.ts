import type { Context } from 'hono';
import type { GatewayContext } from './context.js';
import { mayUseModel } from '../policy/auth.js';
import { identifyClient } from './identify.js';
import { encodeError, GatewayError } from '../protocols/errors.js';
import type { ErrorShape } from '../protocols/protocol.js';

/** Unix seconds the gateway reports as a model's creation time (it has no better figure). */
const CREATED = 1_700_000_000;

/**
 * The models a key may use, declared or listed by an upstream, in the
 * client's own list shape: OpenAI's, Anthropic's (the request carries
 * `anthropic-version`) or Gemini's (`/v1beta/models`, or a Gemini API key header).
 */
export async function listModels(c: Context, ctx: GatewayContext, shape: ErrorShape, one?: string): Promise<Response> {
  try {
    const snapshot = ctx.catalog.current();
    const key = await identifyClient(c, ctx, snapshot);
    const ids = [...new Set([...snapshot.models.keys(), ...snapshot.listedModels.keys()])]
      .filter((id) => mayUseModel(key, id))
      .sort();
    if (one !== undefined) {
      const id = one.replace(/^models\//, '');
      if (!ids.includes(id)) throw new GatewayError('SB_ERR_MODEL_NOT_FOUND', `model ${id} does not exist`, 'model');
      return c.json(describe(shape, id));
    }
    switch (shape) {
      case 'anthropic':
        // https://docs.anthropic.com/en/api/models-list
        return c.json({ data: ids.map((id) => describe(shape, id)), has_more: false, first_id: ids[0] ?? null, last_id: ids.at(-1) ?? null });
      case 'gemini':
        // https://ai.google.dev/api/models#method:-models.list
        return c.json({ models: ids.map((id) => describe(shape, id)) });
      case 'openai':
        // https://platform.openai.com/docs/api-reference/models/list
        return c.json({ object: 'list', data: ids.map((id) => describe(shape, id)) });
      default:
        return shape satisfies never;
    }
  } catch (err) {
    const gatewayError = err instanceof GatewayError ? err : new GatewayError('SB_ERR_INTERNAL', String(err));
    const { status, body } = encodeError(shape, gatewayError);
    return c.json(body, status as 400);
  }
}

function describe(shape: ErrorShape, id: string): unknown {
  switch (shape) {
    case 'anthropic':
      return { type: 'model', id, display_name: id, created_at: new Date(CREATED * 1000).toISOString() };
    case 'gemini':
      return {
        name: `models/${id}`,
        displayName: id,
        supportedGenerationMethods: ['generateContent', 'streamGenerateContent', 'countTokens'],
      };
    case 'openai':
      return { id, object: 'model', created: CREATED, owned_by: 'switchboard' };
    default:
      return shape satisfies never;
  }
}

/** Which list shape a `GET /v1/models` caller wants, from the headers its SDK sends. */
export function modelsShapeOf(c: Context): ErrorShape {
  if (c.req.header('anthropic-version')) return 'anthropic';
  if (c.req.header('x-goog-api-key') || c.req.query('key')) return 'gemini';
  return 'openai';
}
