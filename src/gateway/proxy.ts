import type { Context } from 'hono';
import type { GatewayContext } from './context.js';
import type { Endpoint, ErrorShape } from '../protocols/protocol.js';
import { PROTOCOL_OF } from '../protocols/protocol.js';
import { encodeError, encodeStreamError, GatewayError, upstreamErrorMessage } from '../protocols/errors.js';
import { parseClientBody, type ClientBody } from '../protocols/requests.js';
import { authenticate, mayUseModel, requestGroup, requestMetadata } from '../policy/auth.js';
import { planRoute } from '../routing/plan.js';
import { UpstreamFailure } from '../providers/http.js';
import { usageFromBody } from '../usage/extract.js';
import { anthropicWatcher, openaiChatWatcher } from '../usage/stream-watchers.js';
import { tapStream, type StreamEnd } from '../usage/stream-tap.js';
import { forwardableRequestHeaders, passBackHeaders } from './headers.js';
import { ZERO_USAGE, type LogRecord, type Outcome, type Usage } from '../store/types.js';

type ProxiedEndpoint = Exclude<Endpoint, 'models'>;

/** How long an upstream error body may be before it is cut when passed back. */
const MAX_ERROR_BODY = 1024 * 1024;

export function errorShapeOf(endpoint: Endpoint): ErrorShape {
  return endpoint === 'messages' || endpoint === 'count_tokens' ? 'anthropic' : 'openai';
}

/**
 * One proxied request, top to bottom: authenticate, read and check the body,
 * check policy, plan a route, call the upstream, respond (piping streams),
 * record. Every exit records exactly one request_log row.
 */
export async function proxyRequest(c: Context, ctx: GatewayContext, endpoint: ProxiedEndpoint): Promise<Response> {
  const started = ctx.now();
  const shape = errorShapeOf(endpoint);
  const row: LogRecord = {
    id: crypto.randomUUID(),
    ts: started,
    keyId: null,
    group: null,
    protocol: PROTOCOL_OF[endpoint],
    endpoint,
    model: null,
    upstreamModel: null,
    upstreamId: null,
    credentialId: null,
    stream: false,
    status: 0,
    outcome: 'ok',
    ...ZERO_USAGE,
    costUsd: null,
    latencyMs: 0,
    ttfbMs: null,
    cacheStatus: null,
    error: null,
    metadata: null,
  };
  const finish = (status: number, outcome: Outcome, usage: Usage | undefined, error: string | null) => {
    Object.assign(row, usage ?? {}, { status, outcome, error, latencyMs: ctx.now() - started });
    ctx.recorder.record(row);
  };
  const fail = (err: unknown): Response => {
    const gatewayError = toGatewayError(err);
    finish(gatewayError.status, 'error', undefined, gatewayError.message);
    const { status, body } = encodeError(shape, gatewayError);
    return Response.json(body, { status, headers: { 'x-request-id': row.id } });
  };

  try {
    // 1. authenticate: hash lookup in the in-memory snapshot
    const snapshot = ctx.catalog.current();
    const key = await authenticate(snapshot, c.req.raw.headers);
    row.keyId = key.id;
    row.group = key.group;
    row.group = requestGroup(key, c.req.header('x-switchboard-group'));
    row.metadata = requestMetadata(c.req.header('x-switchboard-metadata'));

    // 2. read and check the body (its size is capped by the bodyLimit middleware)
    const body = parseClientBody(endpoint, await c.req.text());
    row.model = body.model;
    row.stream = body.stream === true;

    // 3. policy
    if (!mayUseModel(key, body.model))
      throw new GatewayError('SB_ERR_FORBIDDEN', `this key may not use model ${body.model}`, 'model');

    // 4. plan: model -> route -> credential
    const plan = planRoute(snapshot, ctx.providers, body.model, PROTOCOL_OF[endpoint], endpoint);
    if (plan.kind === 'unknown-model')
      throw new GatewayError('SB_ERR_MODEL_NOT_FOUND', `model ${body.model} does not exist`, 'model');
    if (plan.kind === 'no-route')
      throw new GatewayError('SB_ERR_NO_ROUTE', `model ${body.model} cannot be served in this API shape: ${plan.reason}`, 'model');
    row.upstreamId = plan.upstream.record.id;
    row.upstreamModel = plan.upstreamModel;
    row.credentialId = plan.credential?.id ?? null;

    // 5. attempt: same protocol, so the body passes through with only the model id changed
    const clientWantsUsage = endpoint === 'chat' && body.stream === true && includeUsageAsked(body);
    const upstreamBody = rewriteBody(body, plan.upstreamModel, endpoint);
    const abort = new AbortController();
    const clientSignal = c.req.raw.signal;
    const onClientGone = () => abort.abort(new UpstreamFailure('aborted', 'client went away'));
    if (clientSignal.aborted) onClientGone();
    clientSignal.addEventListener('abort', onClientGone, { once: true });
    const reply = await ctx.providers[plan.upstream.record.kind].send(
      {
        upstream: plan.upstream.record,
        credential: plan.credential?.secret ?? null,
        endpoint,
        body: upstreamBody,
        headers: forwardableRequestHeaders(c.req.raw.headers),
      },
      abort.signal,
    );

    // 6. respond
    const headers = new Headers({ 'x-request-id': row.id, 'x-switchboard-upstream': plan.upstream.record.id });
    passBackHeaders(reply.headers, headers);
    const contentType = reply.headers.get('content-type') ?? 'application/json';
    headers.set('content-type', contentType);

    if (reply.status >= 400) {
      const text = await readText(reply.body, MAX_ERROR_BODY);
      row.ttfbMs = ctx.now() - started;
      clientSignal.removeEventListener('abort', onClientGone);
      finish(reply.status, 'upstream_error', undefined, upstreamErrorMessage(reply.status, text));
      return new Response(text, { status: reply.status, headers });
    }

    if (!contentType.includes('text/event-stream') || !reply.body) {
      const text = await readText(reply.body, Infinity);
      row.ttfbMs = ctx.now() - started;
      clientSignal.removeEventListener('abort', onClientGone);
      finish(reply.status, 'ok', usageFromBody(shape, text), null);
      return new Response(text, { status: reply.status, headers });
    }

    const watcher = endpoint === 'chat' ? openaiChatWatcher(clientWantsUsage) : anthropicWatcher();
    headers.set('cache-control', 'no-cache');
    const stream = tapStream(reply.body, {
      watcher,
      filters: endpoint === 'chat' && !clientWantsUsage,
      breakEvent: (message) => encodeStreamError(shape, message),
      onFirstByte: () => (row.ttfbMs = ctx.now() - started),
      onEnd: (end: StreamEnd) => {
        clientSignal.removeEventListener('abort', onClientGone);
        const usage = watcher.usage();
        switch (end.kind) {
          case 'complete': {
            const inBand = watcher.error();
            return finish(reply.status, inBand ? 'upstream_error' : 'ok', usage, inBand ?? null);
          }
          case 'client-gone':
            abort.abort(new UpstreamFailure('aborted', 'client went away'));
            return finish(499, 'incomplete', usage, 'client disconnected mid-stream');
          case 'upstream-broke':
            return finish(502, 'incomplete', usage, end.error);
          default:
            return end satisfies never;
        }
      },
    });
    return new Response(stream, { status: reply.status, headers });
  } catch (err) {
    if (err instanceof UpstreamFailure && err.kind === 'aborted') {
      finish(499, 'incomplete', undefined, 'client disconnected before the upstream answered');
      return new Response(null, { status: 499 });
    }
    return fail(err);
  }
}

function includeUsageAsked(body: ClientBody): boolean {
  const options = body.stream_options as { include_usage?: unknown } | null | undefined;
  return options?.include_usage === true;
}

/** The client's body with the upstream's model id, plus what usage recording needs. */
function rewriteBody(body: ClientBody, upstreamModel: string, endpoint: ProxiedEndpoint): string {
  const out: Record<string, unknown> = { ...body, model: upstreamModel };
  if (endpoint === 'chat' && body.stream === true) {
    const options = (body.stream_options ?? {}) as Record<string, unknown>;
    out.stream_options = { ...options, include_usage: true };
  }
  return JSON.stringify(out);
}

function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  if (err instanceof UpstreamFailure) {
    return new GatewayError(err.isTimeout ? 'SB_ERR_UPSTREAM_TIMEOUT' : 'SB_ERR_UPSTREAM_UNREACHABLE', `upstream ${err.message}`);
  }
  return new GatewayError('SB_ERR_INTERNAL', `internal error: ${(err as Error)?.message ?? String(err)}`);
}

/** Reads a whole body as text, failing past `limit` bytes. */
async function readText(body: ReadableStream<Uint8Array> | null, limit: number): Promise<string> {
  if (!body) return '';
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      break;
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return new TextDecoder().decode(chunks[0]);
  const all = new Uint8Array(size > limit ? chunks.reduce((n, c) => n + c.byteLength, 0) : size);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(all);
}
