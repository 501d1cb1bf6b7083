import type { DataPlaneDeps } from './deps.js';
import type { Exchange } from './exchange.js';
import type { Operation } from '../protocols/operations.js';
import type { ClientBody } from '../protocols/requests.js';
import type { Protocol } from '../protocols/protocol.js';
import type { CacheEntry } from '../store/types.js';
import { captureBody } from '../policy/cache-capture.js';
import { cacheKeyHash } from '../policy/cache-key.js';
import { decideCache } from '../policy/cache-policy.js';
import type { Usage } from '../translate/ir.js';

/** Switchboard's response header: HIT or MISS when the cache was on for the request, absent otherwise. */
export const CACHE_STATUS_HEADER = 'x-switchboard-cache';

/** The cache step of one request: a stored answer, or a way to keep the one about to be made. */
export interface CacheStep {
  /** The stored answer, ready to send; no upstream is called. */
  hit?: Response;
  /** Wraps the answer on its way out: marks it MISS and stores it once it was sent whole and OK. */
  keep(response: Response): Response;
}

const NOT_CACHED: CacheStep = { keep: (response) => response };

/**
 * The response cache between policy and planning. When the cache is off for
 * the request (the usual case) it returns at once and the database is not
 * touched. When on, one read answers a HIT; on a MISS the answer is copied on
 * its way to the client and written after it was sent in full, with status
 * 200 and outcome `ok`, never on the client's path.
 */
export async function lookUpCache(
  ctx: DataPlaneDeps,
  ex: Exchange,
  op: Operation,
  headers: Headers,
  body: ClientBody,
  /** Headers every answer carries (the key's rate limits), a HIT's too. */
  answerHeaders: Record<string, string> = {},
): Promise<CacheStep> {
  const { row } = ex;
  const key = row.keyId === null ? undefined : ctx.catalog.current().keysById.get(row.keyId);
  if (!key) return NOT_CACHED;
  const settings = ctx.settings.current().raw.cache;
  const decision = decideCache(settings, key, body.model, headers);
  // Skipped requests keep cacheStatus null like uncached ones: the cache never saw them (hit ratios count HIT / non-null).
  if (decision.kind !== 'on') return NOT_CACHED;

  const keyHash = await cacheKeyHash({
    protocol: op.protocol,
    endpoint: op.endpoint,
    model: body.model,
    stream: body.stream,
    scope: decision.scope,
    body: body.json,
    customKey: decision.customKey,
    headers,
  });
  const entry = await ctx.cache.hit(keyHash, ctx.now()).catch((err: unknown) => {
    // A cache that cannot be read is a miss, not a failed request.
    ctx.log(`response cache: lookup failed: ${String(err)}`, 'warn');
    return undefined;
  });
  if (entry) return { hit: replay(ctx, ex, entry, answerHeaders), keep: (response) => response };

  row.cacheStatus = 'MISS';
  return {
    keep: (response) =>
      captureBody(response, { [CACHE_STATUS_HEADER]: 'MISS' }, settings.maxEntryBytes, (text) => {
        // The row is finished by now: respond-* finish it before the body's last read returns.
        if (text === undefined || response.status !== 200 || row.status !== 200 || row.outcome !== 'ok') return;
        // A stream the upstream closed before its last event would be replayed cut short for the whole TTL.
        if (body.stream && !endsWell(op.protocol, text)) return;
        const now = ctx.now();
        const stored: CacheEntry = {
          keyHash,
          scope: decision.scope,
          keyId: key.id,
          customKey: decision.customKey,
          model: body.model,
          protocol: op.protocol,
          stream: body.stream,
          status: 200,
          contentType: response.headers.get('content-type') ?? 'application/json',
          body: text,
          usage: usageOf(row),
          bytes: new TextEncoder().encode(text).byteLength,
          createdAt: now,
          expiresAt: now + decision.ttlSeconds * 1000,
          lastUsedAt: now,
          hits: 0,
        };
        // A turn later, so the last bytes reach the socket before a (synchronous) SQLite write.
        ctx.defer(
          ctx
            .sleep(0)
            .then(() => ctx.cache.put(stored))
            .catch((err: unknown) => ctx.log(`response cache: write failed: ${String(err)}`, 'warn')),
        );
      }),
  };
}

/**
 * A HIT: the stored bytes as the client first received them (a stream comes
 * back as the same SSE events), recorded as costing nothing, with the tokens
 * the stored answer cost as `savedTokens`. No upstream took part, so the
 * row's upstream fields planning filled in are cleared (and an alias's
 * target it chose: the row's model is the alias asked for).
 */
function replay(ctx: DataPlaneDeps, ex: Exchange, entry: CacheEntry, answerHeaders: Record<string, string>): Response {
  const { row } = ex;
  row.model = row.alias ?? row.model;
  row.upstreamId = null;
  row.upstreamModel = null;
  row.credentialId = null;
  row.cacheStatus = 'HIT';
  const { inputTokens, cacheReadTokens, cacheWriteTokens, outputTokens } = entry.usage;
  row.savedTokens = inputTokens + cacheReadTokens + cacheWriteTokens + outputTokens;
  ex.firstByte();
  ex.finish(entry.status, 'ok', undefined, null);

  const headers: Record<string, string> = {
    ...answerHeaders,
    'x-request-id': row.id,
    [CACHE_STATUS_HEADER]: 'HIT',
    'content-type': entry.contentType,
    // How long ago the answer was made (RFC 9111 §5.1).
    age: String(Math.max(0, Math.floor((ctx.now() - entry.createdAt) / 1000))),
  };
  if (entry.stream) headers['cache-control'] = 'no-cache';
  return new Response(entry.body, { status: entry.status, headers });
}

/**
 * Whether a streamed answer, as the client got it, carries its protocol's
 * closing event: OpenAI Chat and Completions `data: [DONE]`, Anthropic `message_stop`,
 * Responses `response.completed` / `response.incomplete`, Gemini a chunk
 * with `finishReason` (its stream has no closing event of its own).
 */
export function endsWell(protocol: Protocol, text: string): boolean {
  const tail = text.slice(-4096);
  switch (protocol) {
    case 'openai-chat':
    case 'openai-completions':
      return /data: \[DONE\]\s*$/.test(tail);
    case 'anthropic-messages':
      return tail.includes('event: message_stop');
    case 'openai-responses':
      return tail.includes('response.completed') || tail.includes('response.incomplete');
    case 'gemini':
      return tail.includes('"finishReason"');
    // Images and audio are never cached (gateway/media-proxy.ts does not ask).
    case 'openai-embeddings':
    case 'rerank-cohere-v1':
    case 'rerank-cohere-v2':
    case 'rerank-jina':
    case 'rerank-voyage':
    case 'openai-images':
    case 'openai-audio':
      return true;
    default:
      return protocol satisfies never;
  }
}

function usageOf(row: Usage): Usage {
  const { inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, reasoningTokens } = row;
  return { inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, reasoningTokens };
}
