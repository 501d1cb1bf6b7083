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
import type { Dialect, Totals, Turn } from './turns.js';
import { messagesDialect } from './messages.js';
import { responsesDialect } from './responses.js';
import { addUsage, runText, runTool } from './run-tool.js';
import { streamHostedTools } from './serve-stream.js';

/**
 * A request whose hosted tools the gateway serves (plan.ts), all inside the
 * one client request: the model is asked with function tools in their
 * place (a whole answer each time, through the same routes, retries and
 * translation as any request); each call it makes to one is run (a search
 * through the configured vendor), its result added to the conversation, and
 * the model asked again, until it answers without calling one, calls the
 * client's own tools, or the searches run out. The client gets every turn
 * joined into one answer in its vendor's own shape (the hosted tool's blocks
 * or items where the calls were); a streamed request gets each turn's events
 * as they happen (serve-stream.ts). The row holds the turns' tokens summed and the
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
  if (body.stream) return streamHostedTools(c, ctx, ex, op, body, candidates, hints, rateLimitHeaders, plan, dialect, maxTurns);
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
  return jsonResponse(answer, 200, answerHeaders(ex, last.candidate, last.reply.headers, rateLimitHeaders));
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
