import type { Answer } from '../attempt.js';
import { readText } from '../exchange.js';
import type { Operation } from '../../protocols/operations.js';
import { GatewayError } from '../../protocols/errors.js';
import { codecFor } from '../../translate/registry.js';
import type { Codec } from '../../translate/codec.js';
import type { IREvent, Usage } from '../../translate/ir.js';
import { responseToEvents } from '../../translate/response-events.js';
import { SseScanner, type SseEvent } from '../../translate/sse.js';

/**
 * One streamed turn of the model, as the client's protocol's events, read as
 * the upstream sends them: a same-shape upstream's events as they came, a
 * translated one's decoded into the IR and encoded into the client's shape
 * event by event (an upstream that answered whole is replayed as events).
 * The turn's usage, as the upstream counted it, is written into `usage` as
 * it is seen, so a turn cut short still tells what it had used.
 */
export async function* turnEvents(answer: Answer, op: Operation, clientRequest: Record<string, unknown>, usage: Usage): AsyncGenerator<SseEvent> {
  const t = answer.translation;
  const own = codecFor(op.protocol);
  const upstream: Codec = t ? t.upstream : own;
  const clientEvents = new SseScanner();
  const { reply } = answer;
  const chunks = (reply.headers.get('content-type') ?? '').includes('text/event-stream') ? reply.chunks : undefined;

  if (!chunks) {
    const text = await readText(reply);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new GatewayError('SB_ERR_UPSTREAM_INVALID', `upstream answered with a body that is not JSON: ${text.slice(0, 200)}`);
    }
    const response = upstream.decodeResponse(json);
    note(usage, [{ type: 'usage', usage: response.usage }]);
    const encoder = t ? t.client.encodeStream(t.request) : own.encodeStream(own.decodeRequest(clientRequest));
    yield* clientEvents.push(responseToEvents(response).map((e) => encoder.push(e)).join('') + encoder.end() + '\n\n');
    return;
  }

  const decoder = upstream.decodeStream();
  const encoder = t ? t.client.encodeStream(t.request) : undefined;
  const scanner = new SseScanner();
  const bytes = new TextDecoder();
  function* take(events: SseEvent[]): Generator<SseEvent> {
    for (const event of events) {
      const ir = decoder.push(event);
      note(usage, ir);
      // Same shape: the upstream's own event, untouched; else the client's events for it.
      if (encoder) yield* clientEvents.push(ir.map((e) => encoder.push(e)).join(''));
      else yield event;
    }
  }
  if (reply.head) yield* take(scanner.push(bytes.decode(reply.head, { stream: true })));
  for (;;) {
    const { done, value } = await chunks.read();
    if (done) break;
    yield* take(scanner.push(bytes.decode(value, { stream: true })));
  }
  yield* take([...scanner.push(bytes.decode()), ...scanner.flush()]);
  const rest = decoder.end();
  note(usage, rest);
  if (encoder) yield* clientEvents.push(rest.map((e) => encoder.push(e)).join('') + encoder.end() + '\n\n');
  yield* clientEvents.flush();
}

/** The usage figures among IR events, each replacing what was seen before (the vendors send running totals). */
function note(usage: Usage, events: IREvent[]): void {
  for (const event of events) {
    const seen = event.type === 'usage' ? event.usage : event.type === 'finish' || event.type === 'response-start' ? event.usage : undefined;
    if (!seen) continue;
    for (const [k, v] of Object.entries(seen)) if (typeof v === 'number') (usage as unknown as Record<string, number>)[k] = v;
  }
}
