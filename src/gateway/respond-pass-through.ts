import type { Exchange } from './exchange.js';
import { readText } from './exchange.js';
import type { Operation } from '../protocols/operations.js';
import type { PrimedReply } from './attempt.js';
import type { ResponseHeaders } from './headers.js';
import { GatewayError, upstreamErrorMessage } from '../protocols/errors.js';
import { codecFor } from '../translate/registry.js';
import { usageFromBody } from '../usage/extract.js';
import { watcherFor } from '../usage/stream-watchers.js';
import { tapStream, type StreamEnd } from '../usage/stream-tap.js';
import { closingWatchFor, endedEarly } from '../usage/stream-closing.js';
import type { SseEvent } from '../translate/sse.js';
import { DeliveredOutput } from '../usage/delivered-output.js';
import { cutStreamUsage } from '../usage/cut-stream-usage.js';

/** How long an upstream error body may be before it is cut when passed back. */
const MAX_ERROR_BODY = 1024 * 1024;

/**
 * Same protocol on both sides: the upstream's status, body and useful
 * headers go back as they are; usage is read on the way past.
 */
export async function respondPassThrough(
  ex: Exchange,
  op: Operation,
  reply: PrimedReply,
  headers: ResponseHeaders,
  options: {
    clientWantsUsage: boolean;
    /** The request's input tokens, estimated: charged when a stream ends without the upstream's count. */
    inputTokens: () => number;
  },
): Promise<Response> {
  headers['content-type'] = reply.headers.get('content-type') ?? 'application/json';

  if (reply.status >= 400) {
    const text = await readText(reply, MAX_ERROR_BODY);
    ex.firstByte();
    ex.finish(reply.status, 'upstream_error', undefined, upstreamErrorMessage(reply.status, text));
    return new Response(text, { status: reply.status, headers });
  }

  const body = headers['content-type'].includes('text/event-stream') ? reply.chunks : undefined;
  if (!body) {
    const text = await readText(reply);
    // A whole answer that is not JSON (cut short, an HTML page from a proxy) is no answer: the client gets a 502 in its own shape, as when translating.
    const json = parseAnswer(text);
    ex.firstByte();
    ex.finish(reply.status, 'ok', usageFromBody(op.protocol, json), null);
    return new Response(text, { status: reply.status, headers });
  }

  const watcher = watcherFor(op.protocol, options.clientWantsUsage);
  const closing = closingWatchFor(op.protocol);
  const delivered = new DeliveredOutput();
  headers['cache-control'] = 'no-cache';
  const stream = tapStream(body, {
    head: reply.head,
    processor: {
      chunk(bytes, events, whole) {
        let dropped: Set<SseEvent> | undefined;
        for (const event of events) {
          closing.see(event);
          if (!watcher.see(event).keep) (dropped ??= new Set()).add(event);
          else delivered.raw(event);
        }
        // The bytes as they came, unless an event Switchboard added is to be left out (then re-framed event by event);
        // re-framed too when the chunk cuts through events, so that no part of a dropped one is ever sent.
        if (!watcher.filters || (!dropped && whole)) return bytes;
        let out = '';
        for (const event of events) if (!dropped?.has(event)) out += `${event.raw}\n\n`;
        return out;
      },
      end(rest) {
        let out = '';
        for (const event of rest) {
          closing.see(event);
          if (!watcher.see(event).keep) continue;
          delivered.raw(event);
          if (watcher.filters) out += `${event.raw}\n\n`;
        }
        // Thrown, the stream ends as a broken one: the client's error event, the row incomplete.
        if (!closing.closed()) throw endedEarly(closing);
        return out;
      },
      // The protocol's own closing error event (Responses `event: error`, Anthropic `event: error`, a Chat or Gemini `data:` error chunk), as translation sends it.
      broke: (message) => codecFor(op.protocol).encodeStreamError({ kind: 'server', message, status: 502 }),
    },
    onFirstByte: () => ex.firstByte(),
    clientGone: ex.upstreamSignal,
    onEnd: (end: StreamEnd) => {
      const usage = watcher.usage();
      // Without the upstream's closing count (or, in a whole stream, any count), what was delivered is charged (usage/cut-stream-usage.ts).
      const counted = watcher.final() || (end.kind === 'complete' && usage !== undefined);
      const finish = (status: number, outcome: 'ok' | 'incomplete', error: string | null) => {
        if (counted) return ex.finish(status, outcome, usage, error);
        ex.row.usageEstimated = true;
        ex.finish(status, outcome, cutStreamUsage({ seen: usage, delivered, protocol: op.protocol, inputTokens: options.inputTokens }), error);
      };
      switch (end.kind) {
        case 'complete': {
          const inBand = watcher.error();
          // An error the upstream reported in the stream: its figures, if any, as they are.
          if (inBand) return ex.finish(reply.status, 'upstream_error', usage, inBand);
          return finish(reply.status, 'ok', null);
        }
        case 'client-gone':
          ex.abortUpstream();
          // Gone after the protocol's closing event (a Codex socket closed on response.completed, an SDK that stops
          // reading there): the client has the whole answer, and only what trails it (a [DONE], the connection's end) was left.
          if (closing.closed()) return finish(reply.status, 'ok', null);
          return finish(499, 'incomplete', 'client disconnected mid-stream');
        case 'upstream-broke':
          return finish(502, 'incomplete', end.error);
        default:
          return end satisfies never;
      }
    },
  });
  return new Response(stream, { status: reply.status, headers });
}

function parseAnswer(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new GatewayError('SB_ERR_UPSTREAM_INVALID', `upstream answered with a body that is not JSON: ${text.slice(0, 200)}`);
  }
}
