import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { GatewayContext } from './context.js';
import { errorShapeOf, proxyRequest } from './proxy.js';
import { listModels } from './models.js';
import { encodeError, GatewayError } from '../protocols/errors.js';
import type { Endpoint } from '../protocols/protocol.js';
import { createAdminApp } from '../admin/app.js';

/**
 * The whole HTTP surface, built from the context: the data plane under /v1
 * and the control plane under /admin/api. Platforms only call `app.fetch`.
 */
export function createApp(ctx: GatewayContext): Hono {
  const app = new Hono();

  const limit = (endpoint: Endpoint) =>
    bodyLimit({
      maxSize: ctx.maxBodyBytes,
      onError: (c) => {
        const error = new GatewayError('SB_ERR_BODY_TOO_LARGE', `request body is larger than ${ctx.maxBodyBytes} bytes`);
        ctx.recorder.record(tooLargeRow(ctx, endpoint));
        const { status, body } = encodeError(errorShapeOf(endpoint), error);
        return c.json(body, status as 413);
      },
    });

  app.post('/v1/chat/completions', limit('chat'), (c) => proxyRequest(c, ctx, 'chat'));
  app.post('/v1/embeddings', limit('embeddings'), (c) => proxyRequest(c, ctx, 'embeddings'));
  app.post('/v1/messages', limit('messages'), (c) => proxyRequest(c, ctx, 'messages'));
  app.post('/v1/messages/count_tokens', limit('count_tokens'), (c) => proxyRequest(c, ctx, 'count_tokens'));
  app.get('/v1/models', (c) => listModels(c, ctx));
  app.get('/v1/models/:id{.+}', (c) => listModels(c, ctx, c.req.param('id')));

  app.route('/admin/api', createAdminApp(ctx));

  app.get('/healthz', (c) => c.json({ ok: true }));

  app.notFound((c) => {
    const shape = c.req.header('anthropic-version') ? 'anthropic' : 'openai';
    const { status, body } = encodeError(shape, new GatewayError('SB_ERR_NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`));
    return c.json(body, status as 404);
  });
  app.onError((err, c) => {
    ctx.log(`unhandled error on ${c.req.method} ${c.req.path}: ${err.stack ?? String(err)}`);
    const { status, body } = encodeError('openai', new GatewayError('SB_ERR_INTERNAL', 'internal error'));
    return c.json(body, status as 500);
  });
  return app;
}

/** A 413 is refused before the body is read, so it is recorded without key or model. */
function tooLargeRow(ctx: GatewayContext, endpoint: Endpoint) {
  const now = ctx.now();
  return {
    id: crypto.randomUUID(),
    ts: now,
    keyId: null,
    group: null,
    protocol: endpoint === 'messages' || endpoint === 'count_tokens' ? 'anthropic-messages' : `openai-${endpoint}`,
    endpoint,
    model: null,
    upstreamModel: null,
    upstreamId: null,
    credentialId: null,
    stream: false,
    status: 413,
    outcome: 'error' as const,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    costUsd: null,
    latencyMs: 0,
    ttfbMs: null,
    cacheStatus: null,
    error: 'request body too large',
    metadata: null,
  };
}
