/** One Server-Sent Event as it came over the wire. */
export interface SseEvent {
  /** The `event:` field, when present. */
  event?: string;
  /** The `data:` lines joined with newlines. */
  data: string;
  /** The event's own text without its terminating blank line. */
  raw: string;
}

/**
 * An incremental SSE parser: feed it text as it arrives, get whole events
 * back. It keeps only the unfinished tail, so memory stays bounded by the
 * largest single event. Accepts LF, CRLF and CR line ends.
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */
export class SseScanner {
  #buffer = '';

  push(text: string): SseEvent[] {
    this.#buffer += text;
    const events: SseEvent[] = [];
    for (;;) {
      const end = findBoundary(this.#buffer);
      if (!end) break;
      const raw = this.#buffer.slice(0, end.at);
      this.#buffer = this.#buffer.slice(end.at + end.length);
      const event = parseEvent(raw);
      if (event) events.push(event);
    }
    return events;
  }

  /** Whatever is left when the stream ends (an event without its blank line). */
  flush(): SseEvent[] {
    const rest = this.#buffer;
    this.#buffer = '';
    const event = rest.trim() ? parseEvent(rest) : undefined;
    return event ? [event] : [];
  }
}

function findBoundary(text: string): { at: number; length: number } | undefined {
  let best: { at: number; length: number } | undefined;
  for (const sep of ['\n\n', '\r\n\r\n', '\r\r']) {
    const at = text.indexOf(sep);
    if (at !== -1 && (!best || at < best.at)) best = { at, length: sep.length };
  }
  return best;
}

function parseEvent(raw: string): SseEvent | undefined {
  let event: string | undefined;
  const data: string[] = [];
  for (const line of raw.split(/\r\n|\r|\n/)) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  if (event === undefined && data.length === 0) return undefined;
  return { event, data: data.join('\n'), raw };
}
