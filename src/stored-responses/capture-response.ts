import { watchBody } from '../policy/watch-body.js';
import { isRecord } from '../translate/shared/json.js';
import { SseEventTooLarge, SseScanner, type SseEvent } from '../translate/sse.js';
import type { Json } from './stored-response.js';

/** Stream events that carry the finished Response object. */
const FINAL_EVENTS = new Set(['response.completed', 'response.incomplete', 'response.failed']);

/**
 * Passes a Responses answer to the client unchanged while reading the
 * finished Response object out of it: the JSON body, or the `response` of a
 * stream's `response.completed` (`.incomplete`, `.failed`) event, its
 * `output` filled from the `response.output_item.done` events when the
 * final event left it empty. `done` gets the object once the body was read
 * to its end, or undefined (client gone, broken stream, no final event,
 * or more than `maxBytes` kept). Only the final event and the finished
 * items are held, never the deltas.
 * @see https://platform.openai.com/docs/api-reference/responses-streaming
 */
export function captureResponse(response: Response, maxBytes: number, done: (response: Json | undefined) => void): Response {
  if (!response.body) {
    done(undefined);
    return response;
  }
  // What was sent decides, not what was asked: a server may answer a stream request whole.
  const stream = (response.headers.get('content-type') ?? '').includes('text/event-stream');
  const reader = stream ? streamReader(maxBytes) : jsonReader(maxBytes);
  const body = watchBody(response.body, {
    chunk: (bytes) => reader.push(bytes),
    end: (complete) => done(complete ? reader.result() : undefined),
  });
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

interface Reader {
  push(bytes: Uint8Array): void;
  result(): Json | undefined;
}

function jsonReader(maxBytes: number): Reader {
  const decoder = new TextDecoder();
  let text: string | undefined = '';
  return {
    push(bytes) {
      if (text === undefined) return;
      text += decoder.decode(bytes, { stream: true });
      if (text.length > maxBytes) text = undefined;
    },
    result() {
      if (text === undefined) return undefined;
      return parseObject(text + decoder.decode());
    },
  };
}

function streamReader(maxBytes: number): Reader {
  const decoder = new TextDecoder();
  const scanner = new SseScanner();
  const items: Json[] = [];
  let final: Json | undefined;
  let kept = 0;
  let overflow = false;
  const see = (events: SseEvent[]) => {
    for (const event of events) {
      const type = event.event ?? /"type"\s*:\s*"([^"]+)"/.exec(event.data.slice(0, 200))?.[1];
      if (type !== 'response.output_item.done' && !(type && FINAL_EVENTS.has(type))) continue;
      kept += event.data.length;
      if (kept > maxBytes) overflow = true;
      if (overflow) return;
      const data = parseObject(event.data);
      if (!data) continue;
      if (type === 'response.output_item.done' && isRecord(data.item)) {
        const index = typeof data.output_index === 'number' ? data.output_index : items.length;
        items[index] = data.item;
      } else if (isRecord(data.response)) {
        final = data.response;
      }
    }
  };
  return {
    push(bytes) {
      if (overflow) return;
      try {
        see(scanner.push(decoder.decode(bytes, { stream: true })));
      } catch (err) {
        // An event past the scanner's cap: nothing to keep; the client's stream is not this reader's to break.
        if (!(err instanceof SseEventTooLarge)) throw err;
        overflow = true;
      }
    },
    result() {
      if (overflow) return undefined;
      see(scanner.push(decoder.decode()));
      see(scanner.flush());
      if (overflow || !final) return undefined;
      const output = Array.isArray(final.output) && final.output.length > 0 ? final.output : items.filter(isRecord);
      return { ...final, output };
    },
  };
}

function parseObject(text: string): Json | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
