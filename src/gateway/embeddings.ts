import type { Context } from 'hono';
import type { DataPlaneDeps } from './deps.js';
import type { Operation } from '../protocols/operations.js';
import { readText, startExchange, type Exchange } from './exchange.js';
import { admit, answerHeaders } from './proxy.js';
import { attemptUpstreams, passThroughBody, type PrimedReply, type RouteCall } from './attempt.js';
import { lookUpCache } from './response-cache.js';
import { jsonResponse, type ResponseHeaders } from './headers.js';
import { GatewayError, upstreamErrorMessage } from '../protocols/errors.js';
import type { ClientBody, UrlHints } from '../protocols/requests.js';
import type { Candidate } from '../routing/plan.js';
import { codecFor } from '../translate/registry.js';
import { mergeBody } from '../translate/overrides.js';
import { ZERO_USAGE, type Usage } from '../translate/ir.js';
import { usageFromBody } from '../usage/extract.js';
import { roughTokens, utf8Bytes } from '../usage/rough-tokens.js';
import {
  geminiBatchForModel,
  geminiEmbeddingsAnswer,
  geminiEmbedRequest,
  geminiEmbedTexts,
  openaiEmbeddingsAnswer,
  openaiEmbedRequest,
  openaiInputTexts,
  type GeminiEmbedMethod,
} from '../translate/embeddings/openai-gemini-embeddings.js';

const MAX_ERROR_BODY = 1024 * 1024;

/** A Gemini client's call: the model and the method from its URL. */
export interface GeminiEmbedTarget {
  model: string;
  method: GeminiEmbedMethod;
}

/**
 * Embeddings in both clients' shapes, top to bottom like every proxied
 * request (gateway/proxy.ts): OpenAI's `POST /v1/embeddings`, and Gemini's
 * `models/{m}:embedContent` / `:batchEmbedContents` (`gemini` set). Admit
 * (key, body, policy, plan), the response cache, attempt the routes (the body
 * passed through to an upstream of the client's shape, or translated to the
 * other's: translate/embeddings/), respond with the whole JSON answer in the
 * client's shape, one row. Gemini's answers carry no token count: the row
 * then holds the input's estimate and is marked `usageEstimated`.
 */
export async function proxyEmbeddings(c: Context, ctx: DataPlaneDeps, op: Operation, gemini?: GeminiEmbedTarget): Promise<Response> {
  const ex = startExchange(ctx, op, c);
  return ex.logBodies(await embeddingsExchange(c, ctx, ex, op, gemini));
}

async function embeddingsExchange(c: Context, ctx: DataPlaneDeps, ex: Exchange, op: Operation, gemini: GeminiEmbedTarget | undefined): Promise<Response> {
  try {
    const hints: UrlHints = gemini ? { model: gemini.model, stream: false } : {};
    const { body, candidates, rateLimitHeaders } = await admit(c, ctx, ex, op, hints);
    if (gemini) requireMethodBody(body.json, gemini.method);
    const cache = await lookUpCache(ctx, ex, op, c.req.raw.headers, body, rateLimitHeaders);
    if (cache.hit) return cache.hit;
    const { reply, candidate } = await attemptUpstreams(c, ctx, ex, op, body, candidates, hints, (route) => Promise.resolve(routeCall(op, body, route, gemini?.method)));
    const headers = answerHeaders(ex, candidate, reply.headers, rateLimitHeaders);
    return cache.keep(await respondEmbeddings(ex, op, body, reply, headers, candidate, gemini?.method));
  } catch (err) {
    return ex.fail(err);
  }
}

/** `:embedContent` takes one `content`, `:batchEmbedContents` a list of `requests`: a 400 naming the missing one. */
function requireMethodBody(json: Record<string, unknown>, method: GeminiEmbedMethod): void {
  const field = method === 'embedContent' ? 'content' : 'requests';
  if (json[field] === undefined) throw new GatewayError('SB_ERR_BAD_REQUEST', `${field}: required by ${method}`, field);
}

/** One route's call: the client's body for an upstream of its shape (the model rewritten), else the other shape's. */
function routeCall(op: Operation, body: ClientBody, route: Candidate, method: GeminiEmbedMethod | undefined): RouteCall {
  const extra = route.overrides?.body;
  if (!route.translate) {
    if (!method) return { endpoint: 'embeddings', body: passThroughBody(op, body, route) };
    const json = method === 'batchEmbedContents' ? geminiBatchForModel(body.json, route.upstreamModel) : body.json;
    return { endpoint: 'embeddings', body: JSON.stringify(mergeBody(json, extra)), geminiMethod: method };
  }
  const encoded = method ? openaiEmbedRequest(body.json, method, route.upstreamModel) : geminiEmbedRequest(body.json, route.upstreamModel);
  const sent = extra ? JSON.stringify(mergeBody(JSON.parse(encoded.body) as Record<string, unknown>, extra)) : encoded.body;
  return { endpoint: 'embeddings', body: sent, ...(method ? {} : { geminiMethod: 'batchEmbedContents' as const }), warnings: encoded.warnings };
}

/**
 * The answer in the client's shape: passed back as it came from an upstream
 * of the client's shape, else translated (an upstream error too, in the
 * client's error shape). Usage is the upstream's count, or the estimate.
 */
async function respondEmbeddings(
  ex: Exchange,
  op: Operation,
  body: ClientBody,
  reply: PrimedReply,
  headers: ResponseHeaders,
  candidate: Candidate,
  method: GeminiEmbedMethod | undefined,
): Promise<Response> {
  headers['content-type'] = reply.headers.get('content-type') ?? 'application/json';
  if (reply.status >= 400) {
    const text = await readText(reply, MAX_ERROR_BODY);
    ex.firstByte();
    if (!candidate.translate) {
      ex.finish(reply.status, 'upstream_error', undefined, upstreamErrorMessage(reply.status, text));
      return new Response(text, { status: reply.status, headers });
    }
    // The upstream's error, told in the client's shape (OpenAI's embeddings errors are Chat's).
    const error = codecFor(method ? 'openai-chat' : 'gemini').decodeError(reply.status, text);
    const { status, body: shaped } = codecFor(method ? 'gemini' : 'openai-chat').encodeError(error);
    ex.finish(reply.status, 'upstream_error', undefined, error.message);
    return jsonResponse(shaped, status, headers);
  }

  const text = await readText(reply);
  const answer = parseAnswer(text);
  ex.firstByte();
  // An OpenAI-shaped answer says its tokens; Gemini's never do.
  const counted = candidate.upstreamProtocol === 'openai-embeddings' ? usageFromBody('openai-embeddings', answer) : undefined;
  const usage = counted ?? estimatedUsage(ex, method ? geminiEmbedTexts(body.json, method) : openaiInputTexts(body.json.input));
  if (!candidate.translate) {
    ex.finish(reply.status, 'ok', usage, null);
    return new Response(text, { status: reply.status, headers });
  }
  const shaped = method ? geminiEmbeddingsAnswer(answer, method) : openaiEmbeddingsAnswer(answer, body.json, body.model, usage.inputTokens);
  ex.finish(reply.status, 'ok', usage, null);
  return jsonResponse(shaped, reply.status, headers);
}

/** The input's tokens without a count from the upstream: about four bytes a token (usage/rough-tokens.ts), the row marked estimated. */
function estimatedUsage(ex: Exchange, texts: string[]): Usage {
  ex.row.usageEstimated = true;
  const tokens = texts.reduce((sum, text) => sum + roughTokens(utf8Bytes(text)), 0);
  return { ...ZERO_USAGE, inputTokens: tokens };
}

function parseAnswer(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new GatewayError('SB_ERR_UPSTREAM_INVALID', `upstream answered with a body that is not JSON: ${text.slice(0, 200)}`);
  }
}
