import { Hono, type Context } from 'hono';
import type { GatewayContext } from './context.js';
import { OPERATIONS } from '../protocols/operations.js';
import { proxyRequest } from './proxy.js';
import { countTokens } from './count-tokens.js';
import { listModels, modelsShapeOf } from './models.js';
import { parseGeminiPath } from './gemini-path.js';
import { startExchange } from './exchange.js';
import { compactConversation } from './compact.js';
import { deleteStoredResponse, getStoredResponse, listStoredInputItems } from './stored-responses.js';
import { admitResponsesSocket } from './socket-admission.js';
import { encodeError, GatewayError } from '../protocols/errors.js';
import { createAdminApp } from '../admin/app.js';

/**
 * The whole HTTP surface, built from the context: the data plane under /v1
 * and /v1beta, the control plane under /admin/api. Platforms only call `app.fetch`.
 */
/** Answers a GET for the dashboard: a file of the built web app, or its index.html. */
export type StaticSite = (request: Request) => Promise<Response>;

/** Paths the dashboard never answers for, even when nothing else does: the APIs stay in their own error shapes. */
const API_PATHS = /^\/(v1|v1beta|admin\/api|healthz)(\/|$)/;

export function createApp(ctx: GatewayContext, options: { site?: StaticSite } = {}): Hono {
  const app = new Hono();

  // Bodies past ctx.maxBodyBytes are refused (413) by ctx.io.readBody, inside each handler, and recorded.
  app.post('/v1/chat/completions', (c) => proxyRequest(c, ctx, OPERATIONS.chat));
  app.post('/v1/responses', (c) => proxyRequest(c, ctx, OPERATIONS.responses));
  app.post('/v1/responses/compact', (c) => compactConversation(c, ctx));
  // Stored responses of the caller's key (keys with `responses.store`).
  app.get('/v1/responses/:id/input_items', (c) => listStoredInputItems(c, ctx));
  app.get('/v1/responses/:id', (c) => getStoredResponse(c, ctx));
  app.delete('/v1/responses/:id', (c) => deleteStoredResponse(c, ctx));
  // The Responses WebSocket's upgrade: admitted here, served by the platform (gateway/responses-socket.ts runs the turns).
  app.get('/v1/responses', (c) => admitResponsesSocket(c, ctx));
  app.post('/v1/embeddings', (c) => proxyRequest(c, ctx, OPERATIONS.embeddings));
  app.post('/v1/messages', (c) => proxyRequest(c, ctx, OPERATIONS.messages));
  app.post('/v1/messages/count_tokens', (c) =>
    countTokens(c, ctx, OPERATIONS.anthropicCountTokens),
  );

  // Gemini: the model and action are in the path (`/v1beta/models/{model}:generateContent`).
  const gemini = (c: Context) => {
    const target = parseGeminiPath(c.req.path);
    if (!target) return notFound(c);
    if (target.action === 'countTokens') return countTokens(c, ctx, OPERATIONS.geminiCountTokens, { model: target.model });
    if (target.action === 'streamGenerateContent' && c.req.query('alt') !== 'sse') {
      // The official SDKs always stream over SSE; the JSON-array stream is not served.
      const error = new GatewayError('SB_ERR_BAD_REQUEST', 'alt: streamGenerateContent is served as Server-Sent Events only: add ?alt=sse', 'alt');
      return startExchange(ctx, OPERATIONS.geminiGenerate, c).fail(error);
    }
    return proxyRequest(c, ctx, OPERATIONS.geminiGenerate, { model: target.model, stream: target.action === 'streamGenerateContent' });
  };
  app.post('/v1beta/models/*', gemini);
  app.post('/v1/models/*', gemini);

  app.get('/v1/models', (c) => listModels(c, ctx, modelsShapeOf(c)));
  app.get('/v1/models/:id{.+}', (c) => listModels(c, ctx, modelsShapeOf(c), c.req.param('id')));
  app.get('/v1beta/models', (c) => listModels(c, ctx, 'gemini'));
  app.get('/v1beta/models/:id{.+}', (c) => listModels(c, ctx, 'gemini', c.req.param('id')));

  app.route('/admin/api', createAdminApp(ctx));

  app.get('/healthz', (c) => c.json({ ok: true }));

  // The dashboard (web/), registered last so every API route above wins; GET only, so it also answers HEAD.
  const site = options.site;
  if (site) app.get('*', (c) => (API_PATHS.test(c.req.path) ? notFound(c) : site(c.req.raw)));

  const notFound = (c: Context) => {
    const shape = c.req.path.startsWith('/v1beta') ? 'gemini' : c.req.header('anthropic-version') ? 'anthropic' : 'openai';
    const { status, body } = encodeError(shape, new GatewayError('SB_ERR_NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`));
    return c.json(body, status as 404);
  };
  app.notFound(notFound);
  app.onError((err, c) => {
    ctx.log(`unhandled error on ${c.req.method} ${c.req.path}: ${err.stack ?? String(err)}`);
    const { status, body } = encodeError('openai', new GatewayError('SB_ERR_INTERNAL', 'internal error'));
    return c.json(body, status as 500);
  });
  return app;
}
