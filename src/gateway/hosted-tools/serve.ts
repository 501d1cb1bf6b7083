import type { Context } from 'hono';
import type { DataPlaneDeps } from '../deps.js';
import type { Exchange } from '../exchange.js';
import { readText } from '../exchange.js';
import type { Operation } from '../../protocols/operations.js';
import type { ClientBody, UrlHints } from '../../protocols/requests.js';
import type { Candidate } from '../../routing/plan.js';
import { attemptUpstreams, type Answer } from '../attempt.js';
import { answerHeaders } from '../proxy.js';
import { jsonResponse } from '../headers.js';
import { respondTranslated } from '../respond-translated.js';
import { respondPassThrough } from '../respond-pass-through.js';
import { GatewayError } from '../../protocols/errors.js';
import { codecFor } from '../../translate/registry.js';
import { ZERO_USAGE, type Usage } from '../../translate/ir.js';
import type { HostedPlan } from './plan.js';
import type { Dialect, ToolRun, Totals, Turn } from './turns.js';
import { messagesDialect } from './messages.js';
import { responsesDialect } from './responses.js';
import { outcomeText, runSearch } from './web-search.js';
import { IMAGE_FUNCTION, runImage } from './image-generation.js';

/**
 * A request whose hosted tools the gateway serves (plan.ts), all inside the
 * one client request: the model is asked with function tools in their
 * place (a whole answer each time, through the same routes, retries and
 * translation as any request); each call it makes to one is run (a search
 * through the configured vendor), its result added to the conversation, and
 * the model asked again, until it answers without calling one, calls the
 * client's own tools, or the searches run out. The client gets every turn
 * joined into one answer in its vendor's own shape (the hosted tool's blocks
 * or items where the calls were), whole or replayed as that vendor's stream
 * once the last turn is in. The row holds the turns' tokens summed and the
 * searches (`units.webSearches`).
 */
export async function serveHostedTools(
  c: Context,
  ctx: DataPlaneDeps,
  ex: Exchange,
  op: Operation,
  body: ClientBody,
  candidates: Candidate[],
  hints: UrlHints,
  rateLimitHeaders: Record<string, string>,
  plan: HostedPlan,
): Promise<Response> {
  const dialect: Dialect = plan.dialect === 'messages' ? messagesDialect(body.json, plan) : responsesDialect(body.json, plan);
  const turns: Turn[] = [];
  const totals: Totals = { usage: { ...ZERO_USAGE }, searches: 0, images: 0 };
  // Each search may be followed by a turn that reads it, and one more that is told the searches ran out.
  const maxTurns = (plan.webSearch?.maxUses ?? 0) + (plan.image ? 4 : 0) + 2;
  let last: Answer | undefined;
  for (;;) {
    const answer = await attemptUpstreams(c, ctx, ex, op, { json: dialect.request, model: body.model, stream: false }, candidates, hints);
    last = answer;
    const headers = answerHeaders(ex, answer.candidate, answer.reply.headers, rateLimitHeaders);
    if (answer.reply.status >= 400) {
      // The model's turn failed: the client hears the upstream's error, in its own shape, as for any request.
      if (answer.translation) return respondTranslated(ex, answer.reply, headers, answer.translation);
      return respondPassThrough(ex, op, answer.reply, headers, { clientWantsUsage: true, inputTokens: () => 0 });
    }
    const { json, usage } = await readTurn(answer, op);
    addUsage(totals.usage, usage);
    const calls = dialect.hostedCalls(json);
    const turn: Turn = { json, runs: [] };
    for (const call of calls) turn.runs.push(await runTool(c, ctx, ex, plan, totals, call));
    turns.push(turn);
    if (calls.length === 0 || dialect.callsClientTools(json) || turns.length >= maxTurns) break;
    dialect.append(turn, runText);
  }

  const answer = dialect.answer(turns, totals);
  ex.firstByte();
  ex.finish(200, 'ok', totals.usage, null);
  const headers = answerHeaders(ex, last.candidate, last.reply.headers, rateLimitHeaders);
  if (!body.stream) return jsonResponse(answer, 200, headers);
  headers['content-type'] = 'text/event-stream; charset=utf-8';
  headers['cache-control'] = 'no-cache';
  return new Response(dialect.stream(answer, turns), { status: 200, headers });
}

async function runTool(c: Context, ctx: DataPlaneDeps, ex: Exchange, plan: HostedPlan, totals: Totals, call: Turn['runs'][number]['call']): Promise<ToolRun> {
  const search = plan.webSearch;
  if (call.name === 'web_search' && search) {
    if (totals.searches >= search.maxUses)
      return { kind: 'search', call, outcome: { kind: 'error', query: '', code: 'max_uses_exceeded', message: `no searches left in this request (${search.maxUses})` } };
    const outcome = await runSearch(call.arguments, search, ctx.secrets, ex.upstreamSignal);
    // A search the vendor was asked counts, whatever it found; one refused before asking does not.
    if (outcome.kind === 'results' || outcome.code === 'unavailable' || outcome.code === 'too_many_requests') {
      totals.searches += 1;
      ex.row.units = { ...ex.row.units, webSearches: totals.searches };
    }
    return { kind: 'search', call, outcome };
  }
  if (call.name === IMAGE_FUNCTION.name && plan.image) {
    totals.images += 1;
    return runImage(c, ctx, ex, plan.image, call);
  }
  throw new GatewayError('SB_ERR_INTERNAL', `no hosted tool named ${call.name}`);
}

function runText(run: ToolRun): string {
  if (run.kind === 'search') return outcomeText(run.outcome);
  return run.result.ok ? `The image was made (${run.result.format}) and shown to the user.` : `Image generation failed: ${run.result.message}`;
}

/** A turn's answer in the client's shape, and its usage. */
async function readTurn(answer: Answer, op: Operation): Promise<{ json: Record<string, unknown>; usage: Usage }> {
  if (answer.reply.chunks) throw new GatewayError('SB_ERR_UPSTREAM_INVALID', 'the upstream streamed an answer asked for whole; hosted tools need whole answers');
  const text = await readText(answer.reply);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new GatewayError('SB_ERR_UPSTREAM_INVALID', `upstream answered with a body that is not JSON: ${text.slice(0, 200)}`);
  }
  const t = answer.translation;
  const ir = (t ? t.upstream : codecFor(op.protocol)).decodeResponse(parsed);
  const json = (t ? t.client.encodeResponse(ir, t.request) : parsed) as Record<string, unknown>;
  return { json, usage: ir.usage };
}

function addUsage(into: Usage, more: Usage): void {
  into.inputTokens += more.inputTokens;
  into.outputTokens += more.outputTokens;
  into.cacheReadTokens += more.cacheReadTokens;
  into.cacheWriteTokens += more.cacheWriteTokens;
  into.reasoningTokens += more.reasoningTokens;
}
