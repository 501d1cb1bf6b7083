import type { Context } from 'hono';
import type { DataPlaneDeps } from './deps.js';
import type { Operation } from '../protocols/operations.js';
import { readText, startExchange, type Exchange } from './exchange.js';
import { admit, answerHeaders } from './proxy.js';
import { attemptUpstreams, type PrimedReply } from './attempt.js';
import { jsonResponse, type ResponseHeaders } from './headers.js';
import { encodeError, GatewayError, upstreamErrorMessage, type ErrorCode } from '../protocols/errors.js';
import type { Candidate } from '../routing/plan.js';
import { rerankCodecFor } from '../translate/rerank/registry.js';
import { searchUnits, type RerankRequest, type RerankResponse } from '../translate/rerank/ir.js';
import { ZERO_USAGE } from '../translate/ir.js';

/** How long an upstream error body may be before it is cut. */
const MAX_ERROR_BODY = 1024 * 1024;

/**
 * Rerank in four dialects (`POST /v1/rerank` Cohere v1, `/v2/rerank` Cohere
 * v2, `/jina/v1/rerank`, `/voyage/v1/rerank`), each a request like any
 * other: the key, its models, limits and budget (admit), the routes with
 * retries and failover (attempt), one log row. An upstream that speaks the
 * client's dialect gets the body passed through; one that speaks another is
 * asked in its own (translate/rerank/) and its answer translated back. The
 * row keeps what the upstream billed: Cohere's search units, else its tokens,
 * else searches as Cohere counts them (a query over up to 100 documents).
 */
export async function rerank(c: Context, ctx: DataPlaneDeps, op: Operation): Promise<Response> {
  const ex = startExchange(ctx, op, c);
  return ex.logBodies(await rerankExchange(c, ctx, ex, op));
}

async function rerankExchange(c: Context, ctx: DataPlaneDeps, ex: Exchange, op: Operation): Promise<Response> {
  try {
    const { body, candidates, rateLimitHeaders } = await admit(c, ctx, ex, op, {});
    const request = rerankCodecFor(op.protocol).decodeRequest(body.json);
    const { reply, candidate } = await attemptUpstreams(c, ctx, ex, op, body, candidates, {});
    const headers = answerHeaders(ex, candidate, reply.headers, rateLimitHeaders);
    return await respondRerank(ex, op, reply, headers, candidate, request, body.model);
  } catch (err) {
    return ex.fail(err);
  }
}

async function respondRerank(
  ex: Exchange,
  op: Operation,
  reply: PrimedReply,
  headers: ResponseHeaders,
  candidate: Candidate,
  request: RerankRequest,
  model: string,
): Promise<Response> {
  const passThrough = !candidate.translate;
  if (reply.status >= 400) {
    const text = await readText(reply, MAX_ERROR_BODY);
    const message = upstreamErrorMessage(reply.status, text);
    ex.firstByte();
    ex.finish(reply.status, 'upstream_error', undefined, message);
    if (passThrough) return new Response(text, { status: reply.status, headers: { ...headers, 'content-type': reply.headers.get('content-type') ?? 'application/json' } });
    // The upstream's status, its message in the client's error shape.
    return jsonResponse(encodeError(op.shape, new GatewayError(codeFor(reply.status), message)).body, reply.status, headers);
  }

  const text = await readText(reply);
  const response = rerankCodecFor(candidate.upstreamProtocol).decodeResponse(parseAnswer(text));
  const answer = passThrough ? null : rerankCodecFor(op.protocol).encodeResponse(response, request, model);
  const searches = searchesOf(response, request);
  ex.row.units = searches > 0 ? { searches } : null;
  ex.firstByte();
  ex.finish(reply.status, 'ok', { ...ZERO_USAGE, inputTokens: response.tokens ?? 0 }, null);
  if (answer === null) return new Response(text, { status: reply.status, headers: { ...headers, 'content-type': 'application/json' } });
  return jsonResponse(answer, reply.status, headers);
}

/**
 * The searches a request is billed: what Cohere says it billed; none where
 * the vendor bills tokens instead (Jina, Voyage); and where the upstream
 * tells neither (a compatible server), one per 100 documents, as Cohere counts.
 */
function searchesOf(response: RerankResponse, request: RerankRequest): number {
  if (response.searches !== undefined) return response.searches;
  if (response.tokens !== undefined) return 0;
  return searchUnits(request.documents.length);
}

/** The nearest gateway error for an upstream's status, for a client of another dialect. */
function codeFor(status: number): ErrorCode {
  if (status === 401) return 'SB_ERR_UNAUTHORIZED';
  if (status === 403) return 'SB_ERR_FORBIDDEN';
  if (status === 404) return 'SB_ERR_NOT_FOUND';
  if (status === 413) return 'SB_ERR_BODY_TOO_LARGE';
  if (status === 429) return 'SB_ERR_UPSTREAMS_RATE_LIMITED';
  if (status >= 500) return 'SB_ERR_UPSTREAM_UNREACHABLE';
  return 'SB_ERR_BAD_REQUEST';
}

function parseAnswer(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new GatewayError('SB_ERR_UPSTREAM_INVALID', `upstream answered with a body that is not JSON: ${text.slice(0, 200)}`);
  }
}
