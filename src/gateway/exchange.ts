import type { Context } from 'hono';
import type { DataPlaneDeps } from './deps.js';
import type { Operation } from '../protocols/operations.js';
import { encodeError, GatewayError } from '../protocols/errors.js';
import { UpstreamFailure, type HttpReply } from '../providers/http.js';
import { costOf, type Price } from '../usage/cost.js';
import { startBodyCapture, type BodyCapture } from '../policy/body-log.js';
import { type Attempt, type LogRecord, type Outcome } from '../store/types.js';
import { ZERO_USAGE, type Usage } from '../translate/ir.js';
import type { TryFailure } from '../telemetry/try-failure.js';
import { newRequestId } from './request-id.js';

/**
 * One client request in flight: its log row being filled in, the link
 * between the client's connection and the upstream call, and the single
 * place where the row is handed to the recorder.
 */
export interface Exchange {
  row: LogRecord;
  /** Aborted when the client goes away; passed to the upstream call. */
  upstreamSignal: AbortSignal;
  /** Marks the first byte sent to the client. */
  firstByte(): void;
  /** An upstream try is about to go, at `startedAt`: the headers the observers add to it (a trace context), else none. */
  tryStarting(startedAt: number): Record<string, string>;
  /** One upstream try ended (it began at `startedAt`; `failure`: why it did not serve): told to the observers (metrics, traces). */
  attempted(attempt: Attempt, startedAt: number, failure?: TryFailure): void;
  /** USD the request spent in rows of their own (a hosted tool's images), settled against its budget with its row's cost. */
  spentAlongside: number;
  /** Runs `callback` once the row is complete (releases held resources: pool slots, reservations). */
  onFinish(callback: (row: LogRecord) => void): void;
  /** Completes the row and queues it; only the first call counts. */
  finish(status: number, outcome: Outcome, usage: Usage | undefined, error: string | null): void;
  /** A gateway-made error in the client's shape, recorded. */
  fail(err: unknown): Response;
  /** Cuts the upstream call (client gone mid-stream). */
  abortUpstream(): void;
  /**
   * A router's request (gateway/tier-routing.ts): the ids its reference tier
   * is priced by, so the finished row also says what it would have cost there.
   */
  priceReference(ids: string[]): void;
  /** Body logging for this request (`logging.bodies`), or null when it is off. */
  bodies: BodyCapture | null;
  /** The response as the client gets it, its body seen on the way when bodies are logged. */
  logBodies(res: Response): Response;
}

export function startExchange(ctx: DataPlaneDeps, op: Operation, c: Context): Exchange {
  const started = ctx.now();
  const row: LogRecord = {
    id: newRequestId(started),
    ts: started,
    keyId: null,
    group: null,
    protocol: op.protocol,
    endpoint: op.endpoint,
    model: null,
    alias: null,
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
    translation: null,
    warnings: null,
    usageEstimated: false,
    attempts: null,
  };
  const abort = new AbortController();
  let recorded = false;
  const finishers: ((row: LogRecord) => void)[] = [];
  let referenceIds: string[] | null = null;
  const watch = ctx.observer.start(row, c.req.raw.headers);
  const bodies = startBodyCapture(ctx.settings.current().bodies, row.id, (build) => ctx.recorder.recordBodies(build));
  // A playground run: its upstream calls are captured (found by this exchange's signal), and it is handed the finished row.
  const run = ctx.playground?.forRequest(c.req.raw);
  if (run) {
    ctx.playground!.bind(abort.signal, run);
    finishers.push((done) => run.finish(done));
  }
  ctx.io.onClientGone(c, () => {
    if (!recorded) abort.abort(new UpstreamFailure('aborted', 'client went away'));
  });

  const exchange: Exchange = {
    row,
    upstreamSignal: abort.signal,
    spentAlongside: 0,
    firstByte() {
      if (row.ttfbMs !== null) return;
      const at = ctx.now();
      row.ttfbMs = at - started;
      watch.firstByte(at);
    },
    tryStarting(startedAt) {
      return watch.tryStarting?.(startedAt) ?? {};
    },
    attempted(attempt, startedAt, failure) {
      watch.attempt(attempt, startedAt, failure);
    },
    finish(status, outcome, usage, error) {
      if (recorded) return;
      recorded = true;
      Object.assign(row, usage ?? {}, { status, outcome, error, latencyMs: ctx.now() - started });
      row.costUsd = costOf(row, priceOf(ctx, row, ctx.prices(row.upstreamModel, row.model)), row.units);
      // The same tokens at the reference tier's price: what routing saved (or cost) on this request.
      if (referenceIds) row.referenceCostUsd = costOf(row, priceOf(ctx, row, ctx.prices(...referenceIds)), row.units);
      ctx.recorder.record(row);
      watch.finish(row);
      for (const callback of finishers) callback(row);
    },
    onFinish(callback) {
      finishers.push(callback);
    },
    fail(err) {
      if (err instanceof UpstreamFailure && err.kind === 'aborted') {
        exchange.finish(499, 'incomplete', undefined, 'client disconnected before the upstream answered');
        return new Response(null, { status: 499 });
      }
      const gatewayError = toGatewayError(err);
      if (gatewayError.code === 'SB_ERR_INTERNAL') ctx.log(`request ${row.id} failed: ${(err as Error)?.stack ?? String(err)}`, 'error');
      row.errorCode = gatewayError.code;
      exchange.finish(gatewayError.status, 'error', undefined, gatewayError.message);
      const { status, body } = encodeError(op.shape, gatewayError);
      return Response.json(body, { status, headers: { ...gatewayError.headers, 'x-request-id': row.id } });
    },
    priceReference(ids) {
      referenceIds = ids;
    },
    abortUpstream() {
      abort.abort(new UpstreamFailure('aborted', 'client went away'));
    },
    bodies,
    logBodies: (res) => (bodies ? bodies.response(res) : res),
  };
  return exchange;
}

/** A model price for the row (its own, or its router's reference tier's); web searches the gateway ran are priced by the model's `webSearch`, else by the hosted tool's own price. */
function priceOf(ctx: DataPlaneDeps, row: LogRecord, price: Price | null): Price | null {
  const perThousand = ctx.settings.current().raw.hostedTools.webSearch?.pricePer1000;
  if (!row.units?.webSearches || price?.webSearch !== undefined || perThousand === undefined) return price;
  return { ...(price ?? {}), webSearch: perThousand };
}

function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  if (err instanceof UpstreamFailure) {
    return new GatewayError(err.isTimeout ? 'SB_ERR_UPSTREAM_TIMEOUT' : 'SB_ERR_UPSTREAM_UNREACHABLE', `upstream ${err.message}`);
  }
  return new GatewayError('SB_ERR_INTERNAL', `internal error: ${(err as Error)?.message ?? String(err)}`);
}

/** Reads a whole upstream answer as text, stopping (and cancelling the rest) past `limit` bytes. */
export async function readText(reply: HttpReply, limit = Infinity): Promise<string> {
  if (reply.text && limit === Infinity) return reply.text();
  const body = reply.body;
  if (!body) return '';
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      break;
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}
