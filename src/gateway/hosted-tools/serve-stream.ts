import type { Context } from 'hono';
import type { DataPlaneDeps } from '../deps.js';
import type { Exchange } from '../exchange.js';
import { readText } from '../exchange.js';
import type { Operation } from '../../protocols/operations.js';
import type { ClientBody, UrlHints } from '../../protocols/requests.js';
import type { Candidate } from '../../routing/plan.js';
import { attemptUpstreams, type Answer } from '../attempt.js';
import { answerHeaders } from '../proxy.js';
import { respondTranslated } from '../respond-translated.js';
import { respondPassThrough } from '../respond-pass-through.js';
import { codecFor } from '../../translate/registry.js';
import { ZERO_USAGE, type Usage } from '../../translate/ir.js';
import type { HostedPlan } from './plan.js';
import type { Dialect, Totals, Turn } from './turns.js';
import { turnEvents } from './turn-events.js';
import { addUsage, runText, runTool } from './run-tool.js';

const MAX_ERROR_BODY = 1024 * 1024;

/**
 * A streamed hosted-tool request: each turn of the model is asked as a
 * stream and its events piped to the client as they come (rewritten into the
 * one stream by the dialect's writer), each run of a gateway tool shown as it
 * starts and ends, and one closing event with the turns' usage summed. The
 * first turn is asked before the answer starts, so its refusal reaches the
 * client as any request's; a later turn's failure ends the stream with the
 * protocol's error event. A client that leaves mid-way gets its row
 * (incomplete) with the turns' tokens and the searches already run.
 */
export async function streamHostedTools(
  c: Context,
  ctx: DataPlaneDeps,
  ex: Exchange,
  op: Operation,
  body: ClientBody,
  candidates: Candidate[],
  hints: UrlHints,
  rateLimitHeaders: Record<string, string>,
  plan: HostedPlan,
  dialect: Dialect,
  maxTurns: number,
): Promise<Response> {
  dialect.request.stream = true;
  const ask = () => attemptUpstreams(c, ctx, ex, op, { json: dialect.request, model: body.model, stream: true }, candidates, hints);
  const first = await ask();
  const headers = answerHeaders(ex, first.candidate, first.reply.headers, rateLimitHeaders);
  if (first.reply.status >= 400) {
    if (first.translation) return respondTranslated(ex, first.reply, headers, first.translation);
    return respondPassThrough(ex, op, first.reply, headers, { clientWantsUsage: true, inputTokens: () => 0 });
  }
  headers['content-type'] = 'text/event-stream; charset=utf-8';
  headers['cache-control'] = 'no-cache';

  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const bytes = new TextEncoder();
  const send = async (text: string) => {
    if (text === '') return;
    ex.firstByte();
    await writer.write(bytes.encode(text));
  };
  const totals: Totals = { usage: { ...ZERO_USAGE }, searches: 0, images: 0 };
  /** The turn being read: its usage so far, added to the totals when it ends (or is cut short). */
  let turnUsage: Usage = { ...ZERO_USAGE };
  const clientCodec = first.translation ? first.translation.client : codecFor(op.protocol);

  const run = async () => {
    const w = dialect.streamWriter();
    const turns: Turn[] = [];
    let answer: Answer = first;
    for (;;) {
      for await (const event of turnEvents(answer, op, dialect.request, turnUsage)) await send(w.event(event));
      addUsage(totals.usage, turnUsage);
      turnUsage = { ...ZERO_USAGE };
      const inBand = w.failed();
      if (inBand !== undefined) {
        ex.finish(502, 'upstream_error', totals.usage, inBand);
        return;
      }
      const json = w.endTurn();
      const calls = dialect.hostedCalls(json);
      const turn: Turn = { json, runs: [] };
      for (const call of calls) {
        await send(w.running(call));
        const done = await runTool(c, ctx, ex, plan, totals, call);
        turn.runs.push(done);
        await send(w.ran(done));
      }
      turns.push(turn);
      if (calls.length === 0 || dialect.callsClientTools(json) || turns.length >= maxTurns) break;
      dialect.append(turn, runText);
      answer = await ask();
      if (answer.reply.status >= 400) {
        // A later turn refused: the stream ends with the protocol's error event (the status line is long gone).
        const upstream = answer.translation ? answer.translation.upstream : codecFor(op.protocol);
        const error = upstream.decodeError(answer.reply.status, await readText(answer.reply, MAX_ERROR_BODY));
        await send(clientCodec.encodeStreamError(error));
        ex.finish(answer.reply.status, 'upstream_error', totals.usage, error.message);
        return;
      }
    }
    await send(w.close(dialect.answer(turns, totals)));
    ex.finish(200, 'ok', totals.usage, null);
  };

  let gone = false;
  // The client left: the writer's next write fails; the upstream call and any search are cut at once.
  writer.closed.catch(() => {
    gone = true;
    ex.abortUpstream();
  });
  void run()
    .catch(async (err: unknown) => {
      addUsage(totals.usage, turnUsage);
      if (ex.upstreamSignal.aborted || gone) {
        ex.abortUpstream();
        ex.finish(499, 'incomplete', totals.usage, 'client disconnected mid-stream');
        return;
      }
      const message = (err as Error)?.message ?? String(err);
      ex.finish(502, 'incomplete', totals.usage, message);
      await send(clientCodec.encodeStreamError({ kind: 'server', message, status: 502 })).catch(() => {});
    })
    .finally(() => writer.close().catch(() => {}));
  return new Response(readable, { status: 200, headers });
}
