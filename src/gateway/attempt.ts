import type { Context } from 'hono';
import type { DataPlaneDeps } from './deps.js';
import type { Exchange } from './exchange.js';
import { readText } from './exchange.js';
import type { Operation } from '../protocols/operations.js';
import type { Endpoint } from '../protocols/protocol.js';
import { GENERATE_ENDPOINT, isRerank } from '../protocols/operations.js';
import { forwardableRequestHeaders } from './headers.js';
import { refusesNativeStructuredOutput } from './structured-output.js';
import type { Translation } from './respond-translated.js';
import { GatewayError } from '../protocols/errors.js';
import type { ClientBody, UrlHints } from '../protocols/requests.js';
import type { UpstreamCall, UpstreamReply } from '../providers/provider.js';
import { UpstreamFailure, type ChunkReader, type ReplyHeaders } from '../providers/http.js';
import { UpstreamStatusError } from '../providers/upstream-json.js';
import type { Candidate } from '../routing/plan.js';
import { judgeFailure, judgeReply, retryAfterSeconds, type Failure } from '../routing/verdict.js';
import { chatInstead, translatedCompletions } from './chat-fallback.js';
import { codecFor } from '../translate/registry.js';
import { translateRerankRequest } from '../translate/rerank/registry.js';
import type { IRRequest } from '../translate/ir.js';
import { mergeBody, overrideBody, overrideRequest } from '../translate/overrides.js';
import type { Attempt } from '../store/types.js';
import { tryFailureOf } from '../telemetry/try-failure.js';
import type { TryFailure } from '../telemetry/try-failure.js';

/** How long an upstream error body may be before it is cut. */
const MAX_ERROR_BODY = 1024 * 1024;

/**
 * An answer as the respond step gets it. A stream comes as `chunks`, a reader
 * whose first chunk was already read (`head`): whoever reads on must send
 * `head` first. Other answers are read with `text()`.
 */
export interface PrimedReply extends UpstreamReply {
  head?: Uint8Array;
  chunks?: ChunkReader;
}

/** The try that will answer the client: a success, a client error, or the last failure when every try failed. */
export interface Answer {
  reply: PrimedReply;
  candidate: Candidate;
  translation?: Translation;
}

/**
 * The call for one route when the caller builds it (images and audio,
 * gateway/media-proxy.ts): the endpoint asked of the upstream and its body,
 * JSON or a multipart form; `warnings` go on the row.
 */
export interface RouteCall {
  endpoint: Endpoint;
  body?: string;
  multipart?: { bytes: Uint8Array<ArrayBuffer>; contentType: string };
  /** Whether the upstream is asked to stream, when not as the client asked (a translated call answered whole). */
  stream?: boolean;
  /** Gemini's embeddings method (UpstreamCall.geminiMethod). */
  geminiMethod?: UpstreamCall['geminiMethod'];
  warnings?: string[];
}

/**
 * Step 5 of a request: tries the planned routes in order and, within each,
 * its usable credentials in the pool's order, until one answers. A try that
 * fails before anything reached the client (no connection, timeout, 429,
 * 5xx, a refused credential, a stream that breaks before its first chunk)
 * is judged, the credential's health updated, and the next one tried, within
 * `retry.maxAttempts` tries and `retry.deadlineMs`, with jittered backoff.
 * A 4xx the client caused is returned at once. Every try lands in the log row.
 */
export async function attemptUpstreams(
  c: Context,
  ctx: DataPlaneDeps,
  ex: Exchange,
  op: Operation,
  body: ClientBody,
  candidates: Candidate[],
  hints: UrlHints,
  /** Builds each route's call instead of passing the body through or translating it through the IR. */
  callFor?: (candidate: Candidate) => Promise<RouteCall>,
): Promise<Answer> {
  const { row } = ex;
  const { maxAttempts, deadlineMs } = ctx.retry;
  const deadline = row.ts + deadlineMs;
  const attempts: Attempt[] = [];
  let decoded: IRRequest | undefined;
  let lastReply: { answer: Answer; failure: Failure; errorText: string } | undefined;
  let everyTryRateLimited = true;
  let lastError: unknown;
  // Tries that only taught the gateway an upstream lacks /responses or /completions, or a model refuses native structured output: retried at once, not counted.
  let learningTries = 0;
  let retryAtOnce = false;

  // A route may be followed by its own Chat translation when its /responses turns out missing.
  const queue = [...candidates];
  for (let at = 0; at < queue.length; at++) {
    const candidate = queue[at];
    const upstream = candidate.upstream.record;
    // The client's headers this upstream may have (its `forwardClientHeaders` let some held-back ones through).
    const headers = forwardableRequestHeaders(c.req.raw.headers, upstream.settings?.forwardClientHeaders);
    // The body for this route: pass-through, or translated for its protocol and model.
    let upstreamBody: string | undefined;
    let multipart: RouteCall['multipart'];
    let geminiMethod: RouteCall['geminiMethod'];
    let endpoint = candidate.translate ? GENERATE_ENDPOINT[candidate.upstreamProtocol] : op.endpoint;
    let stream = body.stream;
    let encodedBody: unknown;
    let translation: Translation | undefined;
    let warnings: string[] | null = null;
    if (callFor) {
      const call = await callFor(candidate);
      ({ endpoint, body: upstreamBody, multipart, geminiMethod } = call);
      stream = call.stream ?? stream;
      warnings = call.warnings && call.warnings.length > 0 ? call.warnings : null;
    } else if (candidate.translate && isRerank(op.protocol)) {
      // Rerank dialects translate among themselves (translate/rerank/); the answer is translated back by gateway/rerank.ts.
      const encoded = translateRerankRequest(body.json, op.protocol, candidate.upstreamProtocol, candidate.upstreamModel);
      upstreamBody = JSON.stringify(encoded.body);
      warnings = encoded.warnings.length > 0 ? encoded.warnings : null;
    } else if (candidate.translate) {
      const client = codecFor(op.protocol);
      const target = codecFor(candidate.upstreamProtocol);
      decoded ??= client.decodeRequest(body.json, hints);
      const structuredOutput = ctx.structuredOutput.modeFor(upstream, candidate.upstreamModel);
      // An alias target's overrides go on the IR, so the codec maps them as it maps the client's own settings.
      const encoded = target.encodeRequest(overrideRequest(decoded, candidate.overrides), candidate.upstreamModel, { structuredOutput });
      encodedBody = mergeBody(encoded.body as Record<string, unknown>, candidate.overrides?.body);
      upstreamBody = JSON.stringify(encodedBody);
      translation = { client, upstream: target, request: decoded };
      warnings = encoded.warnings.length > 0 ? encoded.warnings : null;
    } else {
      upstreamBody = passThroughBody(op, body, candidate);
    }

    for (const [index, credential] of candidate.credentials.entries()) {
      const tries = attempts.length - learningTries;
      if (tries >= maxAttempts || (attempts.length > 0 && ctx.now() >= deadline)) break;
      if (tries > 0 && !retryAtOnce) {
        await backoff(tries, ctx, ex.upstreamSignal);
        if (ctx.now() >= deadline) break;
      }
      retryAtOnce = false;
      Object.assign(row, {
        model: candidate.model,
        upstreamId: upstream.id,
        upstreamModel: candidate.upstreamModel,
        credentialId: credential?.id ?? null,
        translation: candidate.translate ? `${op.protocol} -> ${candidate.upstreamProtocol}` : null,
        warnings,
      });
      const started = ctx.now();
      if (credential) ctx.pools.begin(credential.id, started);
      let served = false;
      /** This try as the row lists it, told to the observers as it ends. */
      const tried = (status: number | null, error: string | null, now: number, failure?: TryFailure): Attempt => {
        const attempt: Attempt = { upstream: upstream.id, credential: credential?.id ?? null, status, error, ms: now - started };
        ex.attempted(attempt, started, failure);
        return attempt;
      };
      try {
        const sent = await ctx.providers[upstream.kind].send(
          {
            upstream,
            credential: credential?.secret ?? null,
            credentialId: credential?.id,
            endpoint,
            body: upstreamBody,
            ...(multipart ? { multipart } : {}),
            ...(geminiMethod ? { geminiMethod } : {}),
            // The client's headers, with the try's own trace context when traces are on.
            headers: { ...headers, ...ex.tryStarting(started) },
            upstreamModel: candidate.upstreamModel,
            protocol: candidate.upstreamProtocol,
            stream,
          },
          ex.upstreamSignal,
        );
        const { reply, errorText } = await primeReply(sent, op.endpoint === 'speech').catch((err: unknown) => {
          throw err instanceof UpstreamFailure ? err : new UpstreamFailure('broken', `upstream broke off its answer: ${(err as Error)?.message ?? String(err)}`);
        });
        const now = ctx.now();
        // An answer that only taught the gateway how to ask this upstream: the same route is tried again at once, asked that way.
        const relearned = learnedRetry(ctx, op, candidate, encodedBody, reply.status, errorText, index);
        if (relearned) {
          // Not the credential's fault: no health change, and the try is not counted.
          attempts.push(tried(reply.status, relearned.why, now, 'relearned'));
          queue.splice(at + 1, 0, relearned.candidate);
          learningTries++;
          retryAtOnce = true;
          break;
        }
        const verdict = judgeReply(reply.status, reply.headers, errorText, now);
        const answer: Answer = { reply, candidate, translation };
        if (verdict.kind === 'ok' || verdict.kind === 'client-error') {
          if (credential && verdict.kind === 'ok') ctx.pools.succeeded(credential.id, now - started, now);
          // A first try that serves the request is not listed in the row (nothing to tell); the observers still hear of it.
          const servingTry = tried(reply.status, null, now);
          if (attempts.length > 0) {
            attempts.push(servingTry);
            row.attempts = attempts;
          }
          served = true;
          if (credential) holdUntilFinished(ctx, ex, credential.id);
          return answer;
        }
        if (credential) ctx.pools.failed(credential.id, verdict, now);
        attempts.push(tried(reply.status, verdict.reason, now, tryFailureOf(verdict)));
        lastReply = { answer, failure: verdict, errorText };
        if (verdict.kind !== 'rate-limited') everyTryRateLimited = false;
        lastError = undefined;
      } catch (err) {
        if (ex.upstreamSignal.aborted) throw err;
        if (!(err instanceof UpstreamFailure) && !(err instanceof UpstreamStatusError)) throw err;
        const failure = judgeFailure(err);
        const now = ctx.now();
        // The upstream's proxy failed: neither the credential's fault nor the upstream's, so no health change.
        const atProxy = err instanceof UpstreamFailure && err.kind === 'proxy';
        if (credential && !atProxy) ctx.pools.failed(credential.id, failure, now);
        attempts.push(tried(null, failure.reason, now, tryFailureOf(failure, err)));
        everyTryRateLimited = false;
        // A token exchange or refresh that failed is the credential's problem, told as a 502 like any refusal.
        lastError = err instanceof UpstreamStatusError ? new GatewayError('SB_ERR_UPSTREAM_UNREACHABLE', `upstream credential unusable: ${failure.reason}`) : err;
        lastReply = undefined;
        // The route's other credentials go through the same proxy: the next route is tried instead.
        if (atProxy) break;
      } finally {
        if (credential && !served) ctx.pools.end(credential.id);
      }
    }
  }

  // Every try failed: the client hears about the last one.
  row.attempts = attempts;
  if (lastReply && everyTryRateLimited) return rateLimitedAnswer(ctx, candidates, lastReply);
  if (lastReply && lastReply.failure.kind !== 'disable') return lastReply.answer;
  if (lastReply)
    throw new GatewayError('SB_ERR_UPSTREAM_UNREACHABLE', `no upstream credential was accepted; last: ${lastReply.failure.reason}`);
  throw lastError ?? new GatewayError('SB_ERR_INTERNAL', 'no upstream was tried');
}

/**
 * Every try ended on the upstream's 429: the client gets the last one (in
 * its own shape, as any upstream error), with `Retry-After` set to when the
 * first of the planned credentials comes back, when none is usable before.
 */
function rateLimitedAnswer(ctx: DataPlaneDeps, candidates: Candidate[], last: { answer: Answer; errorText: string }): Answer {
  const now = ctx.now();
  const ids = candidates.flatMap((c) => c.upstream.credentials.map((credential) => credential.id));
  const back = ids.some((id) => ctx.pools.usable(id, now)) ? null : ctx.pools.soonestBack(ids);
  if (back === null) return last.answer;
  const { reply } = last.answer;
  const retryAfter = retryAfterSeconds(back, now);
  const headers: ReplyHeaders = {
    get: (name) => (name.toLowerCase() === 'retry-after' ? retryAfter : reply.headers.get(name)),
    forEach(callback) {
      reply.headers.forEach((value, name) => name.toLowerCase() !== 'retry-after' && callback(value, name));
      callback(retryAfter, 'retry-after');
    },
  };
  return { ...last.answer, reply: withText({ status: reply.status, headers, body: null }, last.errorText) };
}

/**
 * What an answer taught the gateway about the route, if anything, and the
 * route to try again from the same credential on: a model that refuses
 * Anthropic's native structured output (encoded with the fallback next), or
 * an upstream without /responses (translated to Chat; only /responses itself:
 * a server without /responses/compact may still serve Responses, compact.ts
 * emulates it then), or an Ollama server without /v1/messages (the same), or
 * one without /completions, or without them for this model (translated to
 * its first translation target). `encodedBody` is the translated body, absent for pass-through.
 */
function learnedRetry(
  ctx: DataPlaneDeps,
  op: Operation,
  candidate: Candidate,
  encodedBody: unknown,
  status: number,
  errorText: string,
  fromCredential: number,
): { candidate: Candidate; why: string } | undefined {
  if (refusesNativeStructuredOutput(encodedBody, status, errorText)) {
    ctx.structuredOutput.learnRefusal(candidate.upstream.record.id, candidate.upstreamModel);
    return { candidate: { ...candidate, credentials: candidate.credentials.slice(fromCredential) }, why: 'native structured output refused' };
  }
  if (op.endpoint === 'completions') return translatedCompletions(ctx, candidate, status, errorText, fromCredential);
  return op.endpoint === 'responses' || op.endpoint === 'messages' ? chatInstead(ctx, candidate, status, errorText, fromCredential) : undefined;
}

/** The serving credential stays "in flight" (least-busy) until the answer is fully sent; its tokens count then. */
function holdUntilFinished(ctx: DataPlaneDeps, ex: Exchange, credentialId: string): void {
  ex.onFinish((row) => {
    ctx.pools.end(credentialId);
    ctx.pools.addTokens(credentialId, row.inputTokens + row.cacheReadTokens + row.cacheWriteTokens + row.outputTokens);
  });
}

/**
 * Reads as much of an answer as deciding on it needs, before anything goes
 * to the client: the error body, the whole body of a non-streamed answer, or
 * the first chunk of a stream (so a stream that breaks at once is retried).
 * `audio`: a successful answer that is not JSON or text is audio bytes, read
 * as a stream too (speech), never as text.
 */
async function primeReply(reply: UpstreamReply, audio = false): Promise<{ reply: PrimedReply; errorText: string }> {
  if (reply.status >= 400) {
    const text = await readText(reply, MAX_ERROR_BODY);
    return { reply: withText(reply, text), errorText: text };
  }
  // The content type first: touching `body` turns the platform's lazy body into a web stream, which `text()` then cannot read.
  const type = reply.headers.get('content-type') ?? '';
  const streamed = type.includes('text/event-stream') || (audio && !type.includes('json') && !type.startsWith('text/'));
  const reader = streamed ? (reply.reader?.() ?? reply.body?.getReader()) : undefined;
  if (!reader) return { reply: withText(reply, await readText(reply)), errorText: '' };
  // Read the first chunk; the respond step reads on from there with the same reader.
  const first = await reader.read();
  return { reply: { status: reply.status, headers: reply.headers, body: null, chunks: reader, head: first.done ? undefined : first.value }, errorText: '' };
}

function withText(reply: UpstreamReply, text: string): UpstreamReply {
  return {
    status: reply.status,
    headers: reply.headers,
    get body() {
      return new Response(text).body;
    },
    text: () => Promise.resolve(text),
  };
}

/** Full jitter: a random wait up to backoffMs * 2^(tries-1), capped; cut short when the client leaves. */
function backoff(tries: number, ctx: DataPlaneDeps, signal: AbortSignal): Promise<void> {
  const ceiling = Math.min(ctx.retry.maxBackoffMs, ctx.retry.backoffMs * 2 ** (tries - 1));
  const ms = Math.random() * ceiling;
  if (ms < 1) return Promise.resolve();
  return ctx.sleep(ms, signal);
}

/**
 * Same protocol: the client's body with the upstream's model id, what usage
 * recording needs (OpenAI Chat and Completions streams: `include_usage`) and
 * an alias target's overrides. Gemini keeps the model in the URL, so its
 * body goes as it came, but for overrides.
 */
export function passThroughBody(op: Operation, body: ClientBody, candidate: Candidate): string {
  const { upstreamModel, overrides } = candidate;
  if (op.protocol === 'gemini') return JSON.stringify(overrideBody(op.protocol, body.json, upstreamModel, overrides));
  const out: Record<string, unknown> = { ...body.json, model: upstreamModel };
  if ((op.protocol === 'openai-chat' || op.protocol === 'openai-completions') && body.stream) {
    const options = (body.json.stream_options ?? {}) as Record<string, unknown>;
    out.stream_options = { ...options, include_usage: true };
  }
  return JSON.stringify(overrideBody(op.protocol, out, upstreamModel, overrides));
}
