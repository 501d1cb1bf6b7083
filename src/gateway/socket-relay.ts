/**
 * One turn's answer, as the HTTP path gave it, re-sent as WebSocket frames:
 * each Server-Sent Event's `data` becomes one JSON text frame (the events
 * themselves are not touched), and an HTTP error becomes the Responses
 * WebSocket `error` event with the status and the error body, the shape the
 * Codex CLI reads (codex-rs/codex-api/src/endpoint/responses_websocket.rs,
 * WrappedWebsocketErrorEvent: `type`, `status`, `error`, `headers`).
 */
import { SseScanner, type SseEvent } from '../translate/sse.js';
import { isRecord } from '../translate/shared/json.js';

/** What the connection keeps of a turn that completed: the response id and its output items. */
export interface TurnOutcome {
  /** The id of the completed response; absent when the turn failed, broke off, or errored. */
  responseId?: string;
  /** The output items (`response.output_item.done`), in the order they finished. */
  output: unknown[];
}

/** Sends one text frame; the promise (when one is returned) resolves once the socket can take more. */
export type SendFrame = (text: string) => void | Promise<void>;

/** Answer headers an error frame carries (rate limits, retry hints, the row's id); framing headers stay out. */
const FRAMING_HEADERS = new Set(['content-type', 'content-length', 'transfer-encoding', 'connection', 'date', 'cache-control']);

/**
 * Relays one answer; `signal` (the client closed the socket) cancels the
 * stream, which the HTTP path records as a client that went away.
 */
export async function relayTurn(res: Response, send: SendFrame, signal: AbortSignal): Promise<TurnOutcome> {
  const contentType = res.headers.get('content-type') ?? '';
  if (res.ok && res.body && contentType.includes('text/event-stream')) return relayEvents(res.body, send, signal);
  const text = await res.text();
  if (!res.ok) {
    await send(JSON.stringify(errorFrame(res.status, errorOf(text), headersOf(res.headers))));
    return { output: [] };
  }
  // A whole JSON answer (an upstream that ignored `stream`): the response object as the turn's one terminal event.
  const response = parseObject(text);
  await send(JSON.stringify({ type: 'response.completed', response }));
  const id = response?.id;
  return { responseId: typeof id === 'string' ? id : undefined, output: Array.isArray(response?.output) ? response.output : [] };
}

/** The Responses WebSocket `error` event for a request that failed with an HTTP status. */
export function errorFrame(status: number, error: unknown, headers: Record<string, string> = {}): Record<string, unknown> {
  return { type: 'error', status, error, ...(Object.keys(headers).length > 0 ? { headers } : {}) };
}

async function relayEvents(body: ReadableStream<Uint8Array>, send: SendFrame, signal: AbortSignal): Promise<TurnOutcome> {
  const reader = body.getReader();
  const cancel = () => void reader.cancel().catch(() => {});
  if (signal.aborted) cancel();
  else signal.addEventListener('abort', cancel, { once: true });
  const decoder = new TextDecoder();
  const scanner = new SseScanner();
  const items: unknown[] = [];
  let last: Extract<Seen, { kind: 'completed' | 'ended' }> | undefined;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      const events = done ? [...scanner.push(decoder.decode()), ...scanner.flush()] : scanner.push(decoder.decode(value, { stream: true }));
      for (const event of events) {
        if (signal.aborted) return { output: [] };
        const seen = await relayEvent(event, send);
        if (seen?.kind === 'item') items.push(seen.item);
        else if (seen) last = seen;
      }
      if (done) break;
    }
  } finally {
    signal.removeEventListener('abort', cancel);
  }
  if (signal.aborted) return { output: [] };
  if (!last) {
    // Over HTTP the end of the body tells the client the stream stopped; a socket stays open, so it is said.
    await send(JSON.stringify(errorFrame(502, { type: 'server_error', code: 'stream_ended', message: 'the stream ended before the response finished', param: null })));
    return { output: [] };
  }
  if (last.kind !== 'completed' || !last.responseId) return { output: [] };
  // The finished items as they streamed; a server that streams none lists them in the final response object.
  return { responseId: last.responseId, output: items.length > 0 ? items : last.output };
}

/** What an event means to the connection: a finished output item, the turn's end (completed, or failed / incomplete / error), or nothing. */
type Seen =
  | { kind: 'item'; item: unknown }
  | { kind: 'completed'; responseId: string | undefined; output: unknown[] }
  | { kind: 'ended' }
  | undefined;

/** Events that end a turn without a completed response. */
const ENDING = new Set(['response.failed', 'response.incomplete', 'error']);

/** Events whose JSON the connection reads; every other event is only passed on. */
const READ = new Set(['response.output_item.done', 'response.completed', 'error']);

/**
 * Sends one event's data as a frame and reports what the connection must
 * remember. The JSON is parsed only for the few events that matter here, or
 * when the upstream wrote no `event:` line to name the type.
 */
async function relayEvent(event: SseEvent, send: SendFrame): Promise<Seen> {
  const data = event.data;
  if (data === '' || data === '[DONE]') return undefined;
  const named = event.event;
  if (named !== undefined && !READ.has(named)) {
    await send(data);
    return ENDING.has(named) ? { kind: 'ended' } : undefined;
  }
  const parsed = parseObject(data);
  if (parsed && parsed.type === undefined && parsed.error !== undefined) {
    // A `data: {"error":…}` chunk (how an OpenAI stream that broke is told to HTTP clients) becomes the `error` event.
    await send(JSON.stringify({ type: 'error', ...parsed }));
    return { kind: 'ended' };
  }
  await send(data);
  const type = parsed?.type ?? named;
  if (type === 'response.output_item.done') return { kind: 'item', item: parsed?.item };
  if (type === 'response.completed') {
    const response = parsed?.response as { id?: unknown; output?: unknown } | undefined;
    return { kind: 'completed', responseId: typeof response?.id === 'string' ? response.id : undefined, output: Array.isArray(response?.output) ? response.output : [] };
  }
  return typeof type === 'string' && ENDING.has(type) ? { kind: 'ended' } : undefined;
}

function errorOf(text: string): unknown {
  const body = parseObject(text);
  if (body?.error !== undefined) return body.error;
  return { type: 'server_error', message: text.slice(0, 1000), param: null, code: null };
}

function headersOf(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (!FRAMING_HEADERS.has(name)) out[name] = value;
  });
  return out;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
