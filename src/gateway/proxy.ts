import type { Context } from 'hono';
import type { GatewayContext } from './context.js';
import type { Operation } from './operations.js';
import { GENERATE_ENDPOINT } from './operations.js';
import { startExchange, type Exchange } from './exchange.js';
import { GatewayError } from '../protocols/errors.js';
import { parseClientBody, type ClientBody, type UrlHints } from '../protocols/requests.js';
import { authenticate, mayUseModel, requestGroup, requestMetadata } from '../policy/auth.js';
import { planRoute, type Plan } from '../routing/plan.js';
import { codecFor } from '../translate/registry.js';
import { forwardableRequestHeaders, passBackHeaders, type ResponseHeaders } from './headers.js';
import { respondPassThrough } from './respond-pass-through.js';
import { respondTranslated, type Translation } from './respond-translated.js';

/**
 * One proxied request, top to bottom: admit it (authenticate, read and check
 * the body, check policy, plan a route), call the upstream (the body passed
 * through, or translated through the IR when the shapes differ), respond
 * (piping streams), record. Every exit records exactly one request_log row.
 */
export async function proxyRequest(c: Context, ctx: GatewayContext, op: Operation, hints: UrlHints = {}): Promise<Response> {
  const ex = startExchange(ctx, op, c);
  const { row } = ex;
  try {
    // 1-4. authenticate, read the body, policy, plan
    const { body, plan } = await admit(c, ctx, ex, op, hints);
    const upstream = plan.upstream.record;

    // 5. attempt
    let upstreamBody: string;
    let translation: Translation | undefined;
    if (plan.translate) {
      const client = codecFor(op.protocol);
      const target = codecFor(plan.upstreamProtocol);
      const request = client.decodeRequest(body.json, hints);
      const encoded = target.encodeRequest(request, plan.upstreamModel);
      upstreamBody = JSON.stringify(encoded.body);
      translation = { client, upstream: target, request };
      row.translation = `${op.protocol} -> ${plan.upstreamProtocol}`;
      row.warnings = encoded.warnings.length > 0 ? encoded.warnings : null;
    } else {
      upstreamBody = passThroughBody(op, body, plan.upstreamModel);
    }
    const reply = await ctx.providers[upstream.kind].send(
      {
        upstream,
        credential: plan.credential?.secret ?? null,
        endpoint: plan.translate ? GENERATE_ENDPOINT[plan.upstreamProtocol] : op.endpoint,
        body: upstreamBody,
        headers: forwardableRequestHeaders(c.req.raw.headers),
        upstreamModel: plan.upstreamModel,
        stream: body.stream,
      },
      ex.upstreamSignal,
    );

    // 6. respond (and record, when the body or stream is done)
    const headers: ResponseHeaders = { 'x-request-id': row.id, 'x-switchboard-upstream': upstream.id };
    passBackHeaders(reply.headers, headers);
    if (translation) return await respondTranslated(ex, reply, headers, translation);
    return await respondPassThrough(ex, op, reply, headers, { clientWantsUsage: clientWantsUsage(op, body) });
  } catch (err) {
    return ex.fail(err);
  }
}

type RoutedPlan = Extract<Plan, { kind: 'ok' }>;

/**
 * Steps 1-4 of every data-plane request, filling in the log row as it goes:
 * who is asking (the key, from the in-memory snapshot), what they ask (the
 * body, size-capped and checked), whether they may (policy), and where it
 * goes (model -> route -> credential; pass-through or translation).
 */
export async function admit(
  c: Context,
  ctx: GatewayContext,
  ex: Exchange,
  op: Operation,
  hints: UrlHints,
): Promise<{ body: ClientBody; plan: RoutedPlan }> {
  const { row } = ex;
  // 1. authenticate: hash lookup in the in-memory snapshot
  const snapshot = ctx.catalog.current();
  const key = await authenticate(snapshot, c.req.raw.headers, c.req.query('key'));
  row.keyId = key.id;
  row.group = key.group;
  row.group = requestGroup(key, c.req.header('x-switchboard-group'));
  row.metadata = requestMetadata(c.req.header('x-switchboard-metadata'));

  // 2. read and check the body (refused past server.maxBodyBytes)
  const body = parseClientBody(op, await ctx.io.readBody(c, ctx.maxBodyBytes), hints);
  row.model = body.model;
  row.stream = body.stream;

  // 3. policy
  if (!mayUseModel(key, body.model)) throw new GatewayError('SB_ERR_FORBIDDEN', `this key may not use model ${body.model}`, 'model');

  // 4. plan: model -> route -> credential, pass-through or translation
  const plan = planRoute(snapshot, ctx.providers, body.model, op.protocol, op.endpoint);
  if (plan.kind === 'unknown-model') throw new GatewayError('SB_ERR_MODEL_NOT_FOUND', `model ${body.model} does not exist`, 'model');
  if (plan.kind === 'no-route')
    throw new GatewayError('SB_ERR_NO_ROUTE', `model ${body.model} cannot be served: ${plan.reason}`, 'model');
  row.upstreamId = plan.upstream.record.id;
  row.upstreamModel = plan.upstreamModel;
  row.credentialId = plan.credential?.id ?? null;
  return { body, plan };
}

/** Whether an OpenAI chat client asked for the final usage chunk itself. */
function clientWantsUsage(op: Operation, body: ClientBody): boolean {
  const options = body.json.stream_options as { include_usage?: unknown } | null | undefined;
  return op.protocol !== 'openai-chat' || options?.include_usage === true;
}

/**
 * Same protocol: the client's body with the upstream's model id and what
 * usage recording needs (OpenAI chat streams: `include_usage`). Gemini keeps
 * the model in the URL, so its body goes as it came.
 */
function passThroughBody(op: Operation, body: ClientBody, upstreamModel: string): string {
  if (op.protocol === 'gemini') return JSON.stringify(body.json);
  const out: Record<string, unknown> = { ...body.json, model: upstreamModel };
  if (op.protocol === 'openai-chat' && body.stream) {
    const options = (body.json.stream_options ?? {}) as Record<string, unknown>;
    out.stream_options = { ...options, include_usage: true };
  }
  return JSON.stringify(out);
}
