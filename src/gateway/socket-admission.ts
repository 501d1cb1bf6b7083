import type { Context } from 'hono';
import type { DataPlaneDeps } from './deps.js';
import { OPERATIONS } from '../protocols/operations.js';
import { startExchange } from './exchange.js';
import { identifyClient } from './identify.js';
import { GatewayError } from '../protocols/errors.js';

/**
 * `GET /v1/responses` with `Upgrade: websocket`: whether this client may
 * open a Responses socket (the gateway's and the key's IP allowlists, the
 * key), decided before the upgrade so a refusal is a plain HTTP answer in
 * the OpenAI shape, recorded like any refused request. 204 means admitted:
 * the platform then completes the upgrade (responses-socket.ts runs the
 * turns, each one checked again on its own).
 */
export async function admitResponsesSocket(c: Context, ctx: DataPlaneDeps): Promise<Response> {
  const ex = startExchange(ctx, OPERATIONS.responses, c);
  try {
    if (c.req.header('upgrade')?.toLowerCase() !== 'websocket')
      throw new GatewayError('SB_ERR_BAD_REQUEST', 'GET /v1/responses opens a WebSocket (send Upgrade: websocket); to create a response over HTTP, POST it');
    const key = await identifyClient(c, ctx, ctx.catalog.current());
    ex.row.keyId = key.id;
    return new Response(null, { status: 204 });
  } catch (err) {
    return ex.fail(err);
  }
}
