import type { Exchange } from './exchange.js';
import { readText } from './exchange.js';
import type { PrimedReply } from './attempt.js';
import { jsonResponse, type ResponseHeaders } from './headers.js';
import type { Codec } from '../translate/codec.js';
import type { IREvent, IRRequest, IRResponse } from '../translate/ir.js';
import { responseToEvents } from '../translate/response-events.js';
import { tapStream, type StreamEnd } from '../usage/stream-tap.js';
import { closingWatchFor, endedEarly } from '../usage/stream-closing.js';
import { GatewayError } from '../protocols/errors.js';
import { ZERO_USAGE, type Usage } from '../translate/ir.js';
import { watcherFor } from '../usage/stream-watchers.js';
import { DeliveredOutput } from '../usage/delivered-output.js';
import { cutStreamUsage } from '../usage/cut-stream-usage.js';
import { roughInputTokens } from '../usage/rough-tokens.js';

const MAX_ERROR_BODY = 1024 * 1024;

export interface Translation {
  client: Codec;
  upstream: Codec;
  /** The client's request in the IR (the client codec's encoders read its options). */
  request: IRRequest;
}

/**
 * Client and upstream speak different protocols: errors, bodies and stream
 * events are decoded from the upstream's shape into the IR and encoded into
 * the client's, event by event for streams. Usage recorded is the upstream's.
 */
export async function respondTranslated(ex: Exchange, reply: PrimedReply, headers: ResponseHeaders, t: Translation): Promise<Response> {
  if (reply.status >= 400) {
    const error = t.upstream.decodeError(reply.status, await readText(reply, MAX_ERROR_BODY));
    const { status, body } = t.client.encodeError(error);
    ex.firstByte();
    ex.finish(reply.status, 'upstream_error', undefined, error.message);
    return jsonResponse(body, status, headers);
  }

  const body = (reply.headers.get('content-type') ?? '').includes('text/event-stream') ? reply.chunks : undefined;
  if (!body) {
    const response = decodeWhole(t.upstream, await readText(reply));
    ex.firstByte();
    ex.finish(reply.status, 'ok', response.usage, null);
    if (!t.request.stream) return jsonResponse(t.client.encodeResponse(response, t.request), 200, headers);
    // The client asked for a stream but the upstream answered whole: replay it as events.
    const encoder = t.client.encodeStream(t.request);
    const text = responseToEvents(response).map((e) => encoder.push(e)).join('') + encoder.end();
    headers['content-type'] = 'text/event-stream; charset=utf-8';
    return new Response(text, { status: 200, headers });
  }

  const decoder = t.upstream.decodeStream();
  const closing = closingWatchFor(t.upstream.protocol);
  const encoder = t.client.encodeStream(t.request);
  const usage: Usage = { ...ZERO_USAGE };
  let sawUsage = false;
  let inBandError: string | undefined;
  // Tells whether the upstream's closing count came (only the events are read, never dropped), and keeps what the client was sent.
  const counting = watcherFor(t.upstream.protocol, true);
  const delivered = new DeliveredOutput();
  const take = (events: IREvent[]): string => {
    let out = '';
    for (const event of events) {
      delivered.event(event);
      const seen =
        event.type === 'usage' ? event.usage : event.type === 'finish' || event.type === 'response-start' ? event.usage : undefined;
      if (seen) {
        Object.assign(usage, definedOnly(seen));
        sawUsage = true;
      }
      if (event.type === 'error') inBandError = event.error.message;
      out += encoder.push(event);
    }
    return out;
  };

  headers['content-type'] = 'text/event-stream; charset=utf-8';
  headers['cache-control'] = 'no-cache';
  const stream = tapStream(body, {
    head: reply.head,
    processor: {
      chunk(_bytes, events) {
        let out = '';
        for (const event of events) {
          closing.see(event);
          counting.see(event);
          out += take(decoder.push(event));
        }
        return out;
      },
      end(rest) {
        let out = '';
        for (const event of rest) {
          closing.see(event);
          counting.see(event);
          out += take(decoder.push(event));
        }
        // Thrown, the stream ends as a broken one (the client's error event, the row incomplete), never finished by the encoder.
        if (!closing.closed()) throw endedEarly(closing);
        return out + take(decoder.end()) + encoder.end();
      },
      broke: (message) => t.client.encodeStreamError({ kind: 'server', message, status: 502 }),
    },
    onFirstByte: () => ex.firstByte(),
    clientGone: ex.upstreamSignal,
    onEnd: (end: StreamEnd) => {
      const seen = sawUsage ? usage : undefined;
      // Without the upstream's closing count (or, in a whole stream, any count), what was delivered is charged (usage/cut-stream-usage.ts).
      const counted = counting.final() || (end.kind === 'complete' && seen !== undefined);
      const finish = (status: number, outcome: 'ok' | 'incomplete', error: string | null) => {
        if (counted) return ex.finish(status, outcome, seen, error);
        ex.row.usageEstimated = true;
        const inputTokens = () => roughInputTokens(t.request);
        ex.finish(status, outcome, cutStreamUsage({ seen, delivered, protocol: t.upstream.protocol, inputTokens }), error);
      };
      switch (end.kind) {
        case 'complete':
          // An error the upstream reported in the stream: its figures, if any, as they are.
          if (inBandError) return ex.finish(reply.status, 'upstream_error', seen, inBandError);
          return finish(reply.status, 'ok', null);
        case 'client-gone':
          ex.abortUpstream();
          return finish(499, 'incomplete', 'client disconnected mid-stream');
        case 'upstream-broke':
          return finish(502, 'incomplete', end.error);
        default:
          return end satisfies never;
      }
    },
  });
  return new Response(stream, { status: 200, headers });
}

function decodeWhole(codec: Codec, text: string): IRResponse {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new GatewayError('SB_ERR_UPSTREAM_INVALID', `upstream answered with a body that is not JSON: ${text.slice(0, 200)}`);
  }
  return codec.decodeResponse(json);
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
