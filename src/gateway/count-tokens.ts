import type { Context } from 'hono';
import type { DataPlaneDeps } from './deps.js';
import type { Operation } from '../protocols/operations.js';
import { startExchange, readText } from './exchange.js';
import { GatewayError, upstreamErrorMessage } from '../protocols/errors.js';
import type { UrlHints } from '../protocols/requests.js';
import type { Protocol } from '../protocols/protocol.js';
import { codecFor } from '../translate/registry.js';
import { estimateInputTokens } from '../usage/estimate-tokens.js';
import { roughInputTokens } from '../usage/rough-tokens.js';
import { forwardableRequestHeaders, jsonResponse, passBackHeaders, type ResponseHeaders } from './headers.js';
import { respondPassThrough } from './respond-pass-through.js';
import { admit } from './proxy.js';

/** Fields the Anthropic count_tokens endpoint accepts (it refuses max_tokens, stream, sampling). */
const ANTHROPIC_COUNT_FIELDS = ['model', 'messages', 'system', 'tools', 'tool_choice', 'thinking', 'mcp_servers'];

/**
 * Token counting for any upstream: native where the upstream can count
 * (Anthropic count_tokens, Gemini countTokens; passed through when the client
 * speaks the same shape, translated otherwise), else an estimate with a real
 * tokenizer, marked as estimated in the log.
 */
export async function countTokens(c: Context, ctx: DataPlaneDeps, op: Operation, hints: UrlHints = {}): Promise<Response> {
  const ex = startExchange(ctx, op, c);
  const { row } = ex;
  try {
    // Counting is cheap and never retried: the first planned route and credential answer it.
    const { body, candidates } = await admit(c, ctx, ex, op, hints);
    const plan = candidates[0];
    const upstream = plan.upstream.record;
    const provider = ctx.providers[upstream.kind];
    const headers: ResponseHeaders = { 'x-request-id': row.id, 'x-switchboard-upstream': upstream.id };
    const call = {
      upstream,
      credential: plan.credentials[0]?.secret ?? null,
      endpoint: 'count_tokens' as const,
      headers: forwardableRequestHeaders(c.req.raw.headers, upstream.settings?.forwardClientHeaders),
      upstreamModel: plan.upstreamModel,
    };

    // Same shape and the upstream counts: pass through.
    if (!plan.translate && provider.endpoints.includes('count_tokens')) {
      const json = op.protocol === 'gemini' ? body.json : { ...body.json, model: plan.upstreamModel };
      const reply = await provider.send({ ...call, body: JSON.stringify(json) }, ex.upstreamSignal);
      passBackHeaders(reply.headers, headers);
      // A count's answer is never a stream, so there is no output to charge.
      return await respondPassThrough(ex, op, reply, headers, { clientWantsUsage: false, inputTokens: () => 0 });
    }

    // Otherwise read the request into the IR (count bodies lack max_tokens; give the decoder one).
    const client = codecFor(op.protocol);
    const countBody = op.protocol === 'gemini' ? geminiInner(body.json) : { max_tokens: 1, ...body.json };
    const request = client.decodeRequest(countBody, { ...hints, stream: false });

    let tokens: number;
    if (canCount(plan.upstreamProtocol) && provider.endpoints.includes('count_tokens')) {
      const target = codecFor(plan.upstreamProtocol);
      const encoded = target.encodeRequest(request, plan.upstreamModel).body as Record<string, unknown>;
      const upstreamBody =
        plan.upstreamProtocol === 'gemini'
          ? { generateContentRequest: { model: `models/${plan.upstreamModel}`, ...encoded } }
          : Object.fromEntries(Object.entries(encoded).filter(([k]) => ANTHROPIC_COUNT_FIELDS.includes(k)));
      const reply = await provider.send({ ...call, body: JSON.stringify(upstreamBody) }, ex.upstreamSignal);
      passBackHeaders(reply.headers, headers);
      const text = await readText(reply);
      if (reply.status >= 400) {
        const error = target.decodeError(reply.status, text);
        ex.finish(reply.status, 'upstream_error', undefined, upstreamErrorMessage(reply.status, text));
        const { status, body: errorBody } = client.encodeError(error);
        return jsonResponse(errorBody, status, headers);
      }
      tokens = countIn(text);
      row.translation = `${op.protocol} -> ${plan.upstreamProtocol}`;
    } else {
      row.usageEstimated = true;
      const tokenizer = ctx.tokenizer.current();
      if (tokenizer) {
        tokens = await estimateInputTokens(request, tokenizer, () => ctx.sleep(0));
        row.warnings = [`estimated with the o200k_base tokenizer: ${upstream.kind} upstreams cannot count tokens`];
      } else {
        // Never waited for: the tokenizer is built in the background (started here when the platform builds it on first use).
        ctx.defer(ctx.tokenizer.load());
        tokens = roughInputTokens(request);
        row.warnings = [`estimated at about four bytes a token while the tokenizer loads: ${upstream.kind} upstreams cannot count tokens`];
      }
    }
    ex.firstByte();
    ex.finish(200, 'ok', undefined, null);
    // https://docs.anthropic.com/en/api/messages-count-tokens · https://ai.google.dev/api/tokens
    return jsonResponse(op.protocol === 'gemini' ? { totalTokens: tokens } : { input_tokens: tokens }, 200, headers);
  } catch (err) {
    return ex.fail(err);
  }
}

/** The figure in an upstream's count answer (`input_tokens` or `totalTokens`); a 502 when there is none. */
function countIn(text: string): number {
  try {
    const parsed = JSON.parse(text) as { input_tokens?: unknown; totalTokens?: unknown };
    const tokens = parsed.input_tokens ?? parsed.totalTokens;
    if (typeof tokens === 'number') return tokens;
  } catch {
    // fall through to the error below
  }
  throw new GatewayError('SB_ERR_UPSTREAM_INVALID', `upstream answered the token count with no count: ${text.slice(0, 200)}`);
}

function canCount(protocol: Protocol): boolean {
  return protocol === 'anthropic-messages' || protocol === 'gemini';
}

/** Gemini's countTokens takes either `{contents}` or a whole `{generateContentRequest}`. */
function geminiInner(json: Record<string, unknown>): Record<string, unknown> {
  const inner = json.generateContentRequest as Record<string, unknown> | undefined;
  return inner ?? json;
}
