import type { Context } from 'hono';
import type { DataPlaneDeps } from './deps.js';
import type { Operation } from '../protocols/operations.js';
import { startExchange, type Exchange } from './exchange.js';
import { GatewayError } from '../protocols/errors.js';
import { parseClientBody, type ClientBody, type UrlHints } from '../protocols/requests.js';
import { requestGroup, requestMetadata } from '../policy/auth.js';
import { allowedTargets, mayAskFor } from '../routing/aliases.js';
import { mayCallPrompt } from '../prompts/access.js';
import { identifyClient } from './identify.js';
import { asJsonArrayStream } from './gemini-json-array.js';
import { refuseEncodedBody } from './request-io.js';
import { planRoute, type Candidate } from '../routing/plan.js';
import { retryAfterSeconds } from '../routing/verdict.js';
import { passBackHeaders, type ResponseHeaders } from './headers.js';
import type { ReplyHeaders } from '../providers/http.js';
import type { AliasRecord } from '../store/types.js';
import { attemptUpstreams } from './attempt.js';
import { chooseTier } from './tier-routing.js';
import { respondPassThrough } from './respond-pass-through.js';
import { respondTranslated } from './respond-translated.js';
import { lookUpCache } from './response-cache.js';
import { hostedToolsAsked, hostedToolsFor } from './hosted-tools/plan.js';
import { serveHostedTools } from './hosted-tools/serve.js';
import { bodyInputTokens } from '../usage/cut-stream-usage.js';
import { expandPreviousResponse, NOT_STORED, prepareResponseState, type ResponseState } from '../stored-responses/response-state.js';

/**
 * One proxied request, top to bottom: admit it (authenticate, read and check
 * the body, check policy, plan the routes), attempt the upstreams (the body
 * passed through, or translated through the IR when the shapes differ; the
 * next credential or route when a try fails before the first byte), respond
 * (piping streams), record. Every exit records exactly one request_log row.
 */
export async function proxyRequest(
  c: Context,
  ctx: DataPlaneDeps,
  op: Operation,
  hints: UrlHints = {},
  /** How the body is read: the client's JSON as it is by default; a prompt template's call renders it (gateway/prompt-endpoint.ts). */
  readBody: BodyReader<ClientBody> = readJsonBody,
): Promise<Response> {
  const ex = startExchange(ctx, op, c);
  const answer = await proxyExchange(c, ctx, ex, op, hints, readBody);
  // Every answer leaves through here, so body logging (when on) sees what the client gets: a Gemini JSON-array stream as that.
  return ex.logBodies(hints.jsonArray ? asJsonArrayStream(answer) : answer);
}

async function proxyExchange(c: Context, ctx: DataPlaneDeps, ex: Exchange, op: Operation, hints: UrlHints, readBody: BodyReader<ClientBody>): Promise<Response> {
  try {
    // 1-4. authenticate, read the body, policy, plan
    const { body, candidates, rateLimitHeaders, state } = await admit(c, ctx, ex, op, hints, readBody);

    // 4a. hosted tools the route lacks (web search, image generation): the gateway runs them itself, turn by turn (never cached)
    const hosted = hostedToolsFor(op, body, candidates[0], ctx.settings.current().raw.hostedTools);
    if (hosted) return state.keep(await serveHostedTools(c, ctx, ex, op, body, candidates, hints, rateLimitHeaders, hosted));

    // 4b. response cache: a stored answer ends the request here (read only when the cache is on for it)
    const cache = await lookUpCache(ctx, ex, op, c.req.raw.headers, body, rateLimitHeaders);
    if (cache.hit) return state.keep(cache.hit);

    // 5. attempt: routes in order, each route's usable credentials in its pool's order
    const { reply, candidate, translation } = await attemptUpstreams(c, ctx, ex, op, body, candidates, hints);

    // 6. respond (and record, when the body or stream is done)
    const headers = answerHeaders(ex, candidate, reply.headers, rateLimitHeaders);
    // The answer as the client gets it is what the cache and stored responses keep.
    if (translation) return state.keep(cache.keep(await respondTranslated(ex, reply, headers, translation)));
    const inputTokens = () => bodyInputTokens(op.protocol, body.json, hints);
    return state.keep(cache.keep(await respondPassThrough(ex, op, reply, headers, { clientWantsUsage: clientWantsUsage(op, body), inputTokens })));
  } catch (err) {
    return ex.fail(err);
  }
}

/**
 * Steps 1-4 of every data-plane request, filling in the log row as it goes:
 * who is asking (the key, from the in-memory snapshot), what they ask (the
 * body, size-capped and checked), whether they may (policy), and where it
 * goes (model -> route -> credential; pass-through or translation).
 */
export async function admit<B extends ClientBody = ClientBody>(
  c: Context,
  ctx: DataPlaneDeps,
  ex: Exchange,
  op: Operation,
  hints: UrlHints,
  /** Reads and checks the body: JSON by default; the images and audio endpoints read forms too (gateway/media-proxy.ts). */
  readBody: BodyReader<B> = readJsonBody as unknown as BodyReader<B>,
): Promise<{ body: B; candidates: Candidate[]; rateLimitHeaders: Record<string, string>; state: ResponseState }> {
  const { row } = ex;
  // 0. a usage log far behind (its database away): no new work until it has caught up, so no row is ever dropped
  if (ctx.recorder.backlogged())
    throw new GatewayError('SB_ERR_USAGE_LOG_BEHIND', 'the gateway cannot record usage right now (its database is away or slow); try again shortly', null, { 'retry-after': '5' });
  // 1. where from and who: the gateway's IP allowlist, the key (hash lookup in the in-memory snapshot), the key's own allowlist
  const snapshot = ctx.catalog.current();
  const key = await identifyClient(c, ctx, snapshot);
  row.keyId = key.id;
  row.group = key.group;
  row.group = requestGroup(key, c.req.header('x-switchboard-group'));
  row.metadata = requestMetadata(c.req.header('x-switchboard-metadata'));

  // 2. read and check the body (refused past server.maxBodyBytes, or compressed); kept for body logging when it is on
  refuseEncodedBody(c.req.header('content-encoding'));
  const body = await readBody(c, ctx, ex, op, hints);
  row.model = body.model;
  row.stream = body.stream;
  // 2b. Responses: previous_response_id expanded from the key's stored answers (a database read), `store` decided
  const state = op.endpoint === 'responses' ? await prepareResponseState(ctx, key, body) : NOT_STORED;
  if (op.endpoint === 'compact') await expandPreviousResponse(ctx, key, body.json);

  // 2b'. a prompt template's call: the key's grant of the template stands for the model's (checked before a router's tier replaces it)
  if (body.prompt && !mayCallPrompt(key, body.prompt, () => mayAskFor(key, snapshot, body.model)))
    throw new GatewayError('SB_ERR_FORBIDDEN', `this key may not call prompt template ${body.prompt.name}`);

  // 2c. a router (`auto`): asked for like a model; its tier, by rules or its classifier, is then planned in its place
  const router = snapshot.routers.get(body.model);
  if (router) {
    if (!body.prompt && !mayAskFor(key, snapshot, body.model)) throw new GatewayError('SB_ERR_FORBIDDEN', `this key may not use model ${body.model}`, 'model');
    body.model = await chooseTier(c, ctx, ex, op, body.json, hints, key, router, snapshot);
    row.model = body.model;
  }
  row.alias = snapshot.aliases.has(body.model) ? body.model : null;

  // 3. policy: the model (a router's tier: granted with the router; a template's model: with the template), then rate limits and budgets (reserved here, settled when the row is finished)
  if (!router && !body.prompt && !mayAskFor(key, snapshot, body.model)) throw new GatewayError('SB_ERR_FORBIDDEN', `this key may not use model ${body.model}`, 'model');
  const hostedTools = hostedToolsAsked(op, body, ctx.settings.current().raw.hostedTools);
  const admission = await ctx.limits.admit({ key, group: row.group, endpoint: op.endpoint, body, snapshot, hostedTools });
  // What the request spent in rows of its own (a hosted tool's images) is settled with its own cost.
  ex.onFinish((finished) => admission.settle(finished, ex.spentAlongside > 0 ? (finished.costUsd ?? 0) + ex.spentAlongside : finished.costUsd));

  // 4. plan: model (an alias: its targets the key reaches, in selection order) -> routes in try order -> each route's usable credentials
  const request = { model: body.model, protocol: op.protocol, endpoint: op.endpoint, allowed: (alias: AliasRecord) => (router ? alias.targets : allowedTargets(key, alias)) };
  const plan = planRoute(snapshot, ctx.providers, ctx.pools, request, ctx.now(), Math.random, ctx.gaps);
  switch (plan.kind) {
    case 'ok':
      break;
    case 'unknown-model':
      throw new GatewayError('SB_ERR_MODEL_NOT_FOUND', `model ${body.model} does not exist`, 'model');
    case 'no-route':
      throw new GatewayError('SB_ERR_NO_ROUTE', `model ${body.model} cannot be served: ${plan.reason}`, 'model');
    case 'unavailable': {
      const wait: Record<string, string> = plan.retryAt === null ? {} : { 'retry-after': retryAfterSeconds(plan.retryAt, ctx.now()) };
      // Every pool waiting out the upstream's 429s: a 429 the client's SDK backs off on; broken or disabled pools: 503.
      if (plan.rateLimited)
        throw new GatewayError('SB_ERR_UPSTREAMS_RATE_LIMITED', `model ${body.model} is rate limited by its upstreams: ${plan.reason}`, null, wait);
      throw new GatewayError('SB_ERR_UPSTREAMS_UNAVAILABLE', `model ${body.model} has no upstream available right now: ${plan.reason}`, null, wait);
    }
    default:
      return plan satisfies never;
  }
  const first = plan.candidates[0];
  row.model = first.model;
  row.upstreamId = first.upstream.record.id;
  row.upstreamModel = first.upstreamModel;
  row.credentialId = first.credentials[0]?.id ?? null;
  // Admitted: noted in the usage journal (Node), so a process killed before the row is written still records the request.
  ctx.recorder.started(row);
  return { body, candidates: plan.candidates, rateLimitHeaders: admission.headers, state };
}

/** Step 2 of admission: reads the client's body (size-capped), hands it to body logging, and checks it. */
export type BodyReader<B extends ClientBody> = (c: Context, ctx: DataPlaneDeps, ex: Exchange, op: Operation, hints: UrlHints) => Promise<B>;

async function readJsonBody(c: Context, ctx: DataPlaneDeps, ex: Exchange, op: Operation, hints: UrlHints): Promise<ClientBody> {
  const text = await ctx.io.readBody(c, ctx.maxBodyBytes);
  ex.bodies?.request(text, c.req.header('content-type'), Number(c.req.header('content-length') ?? NaN));
  return parseClientBody(op, text, hints);
}

/** The headers of a proxied answer: the row's id, the serving upstream, the upstream's own, and the key's x-ratelimit-* in place of the upstream's. */
export function answerHeaders(ex: Exchange, candidate: Candidate, upstream: ReplyHeaders, rateLimitHeaders: Record<string, string>): ResponseHeaders {
  const headers: ResponseHeaders = { 'x-request-id': ex.row.id, 'x-switchboard-upstream': candidate.upstream.record.id };
  passBackHeaders(upstream, headers);
  Object.assign(headers, rateLimitHeaders);
  return headers;
}

/** Whether an OpenAI Chat or Completions client asked for the final usage chunk itself (the gateway always does). */
function clientWantsUsage(op: Operation, body: ClientBody): boolean {
  const options = body.json.stream_options as { include_usage?: unknown } | null | undefined;
  return (op.protocol !== 'openai-chat' && op.protocol !== 'openai-completions') || options?.include_usage === true;
}
