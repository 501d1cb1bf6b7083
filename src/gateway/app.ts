import { Hono, type Context } from 'hono';
import type { DataPlaneDeps } from './deps.js';
import { OPERATIONS } from '../protocols/operations.js';
import { proxyRequest } from './proxy.js';
import { proxyMedia } from './media-proxy.js';
import { proxyEmbeddings } from './embeddings.js';
import { countTokens } from './count-tokens.js';
import { listModels, modelsShapeOf } from './models.js';
import { parseGeminiPath } from './gemini-path.js';
import { compactConversation } from './compact.js';
import { rerank } from './rerank.js';
import { deleteStoredResponse, getStoredResponse, listStoredInputItems } from './stored-responses.js';
import { admitResponsesSocket } from './socket-admission.js';
import { encodeError, GatewayError } from '../protocols/errors.js';
import { serveSetupScript } from './agent-setup/route.js';
import { servePrompt } from './prompt-endpoint.js';

/**
 * The data plane: the client-facing routes under /v1 and /v1beta, each a
 * handler that reads top to bottom (gateway/proxy.ts). Mounted at the root
 * by app/http-app.ts next to the admin API, health and the dashboard.
 */
export function createDataPlane(ctx: DataPlaneDeps): Hono {
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
  // Prompt templates published as endpoints: variables in, a Chat Completions answer out (gateway/prompt-endpoint.ts).
  app.post('/v1/prompts/:name', (c) => servePrompt(c, ctx));
  // Embeddings: passed through, or translated between OpenAI's and Gemini's shapes (gateway/embeddings.ts).
  app.post('/v1/embeddings', (c) => proxyEmbeddings(c, ctx, OPERATIONS.embeddings));
  // OpenAI's legacy text completions: passed through where served, else translated (gateway/chat-fallback.ts).
  app.post('/v1/completions', (c) => proxyRequest(c, ctx, OPERATIONS.completions));
  // Images and audio: JSON or multipart bodies, answers passed back as they come (gateway/media-proxy.ts).
  app.post('/v1/images/generations', (c) => proxyMedia(c, ctx, OPERATIONS.imageGenerations));
  app.post('/v1/images/edits', (c) => proxyMedia(c, ctx, OPERATIONS.imageEdits));
  app.post('/v1/audio/transcriptions', (c) => proxyMedia(c, ctx, OPERATIONS.transcriptions));
  app.post('/v1/audio/translations', (c) => proxyMedia(c, ctx, OPERATIONS.translations));
  app.post('/v1/audio/speech', (c) => proxyMedia(c, ctx, OPERATIONS.speech));
  app.post('/v1/messages', (c) => proxyRequest(c, ctx, OPERATIONS.messages));
  // Rerank in the dialects clients use (gateway/rerank.ts): Cohere's v1 and v2 at Cohere's own paths, Jina's and Voyage's under a prefix.
  app.post('/v1/rerank', (c) => rerank(c, ctx, OPERATIONS.cohereV1Rerank));
  app.post('/v2/rerank', (c) => rerank(c, ctx, OPERATIONS.cohereV2Rerank));
  app.post('/jina/v1/rerank', (c) => rerank(c, ctx, OPERATIONS.jinaRerank));
  app.post('/voyage/v1/rerank', (c) => rerank(c, ctx, OPERATIONS.voyageRerank));
  app.post('/v1/messages/count_tokens', (c) =>
    countTokens(c, ctx, OPERATIONS.anthropicCountTokens),
  );

  // Gemini: the model and action are in the path (`/v1beta/models/{model}:generateContent`).
  const gemini = (c: Context) => {
    const target = parseGeminiPath(c.req.path);
    if (!target) return notFound(c);
    if (target.action === 'countTokens') return countTokens(c, ctx, OPERATIONS.geminiCountTokens, { model: target.model });
    if (target.action === 'embedContent' || target.action === 'batchEmbedContents')
      return proxyEmbeddings(c, ctx, OPERATIONS.geminiEmbed, { model: target.model, method: target.action });
    const stream = target.action === 'streamGenerateContent';
    // Without `alt=sse` (the official SDKs always send it) the stream is answered as Gemini's JSON array (gateway/gemini-json-array.ts).
    return proxyRequest(c, ctx, OPERATIONS.geminiGenerate, { model: target.model, stream, ...(stream && c.req.query('alt') !== 'sse' ? { jsonArray: true } : {}) });
  };
  app.post('/v1beta/models/*', gemini);
  app.post('/v1/models/*', gemini);

  app.get('/v1/models', (c) => listModels(c, ctx, modelsShapeOf(c)));
  app.get('/v1/models/:id{.+}', (c) => listModels(c, ctx, modelsShapeOf(c), c.req.param('id')));
  app.get('/v1beta/models', (c) => listModels(c, ctx, 'gemini'));
  app.get('/v1beta/models/:id{.+}', (c) => listModels(c, ctx, 'gemini', c.req.param('id')));

  // One-line agent setup (`curl -fsSL …/setup/<token>/claude.sh | sh`): public, the single-use token is the credential.
  app.get('/setup/:token/:file', (c) => serveSetupScript(c, ctx));

  return app;
}

/** A path no route serves, in the error shape of the API it is under. */
export function notFound(c: Context): Response {
  const shape = c.req.path.startsWith('/v1beta') ? 'gemini' : c.req.header('anthropic-version') ? 'anthropic' : 'openai';
  const { status, body } = encodeError(shape, new GatewayError('SB_ERR_NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`));
  return c.json(body, status as 404);
}
