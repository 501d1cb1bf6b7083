/** One Server-Sent Event as it came over the wire. */
export interface SseEvent {
  /** The `event:` field, when present. */
  readonly event?: string;
  /** The `data:` lines joined with newlines. */
  readonly data: string;
  /** The event's own text without its terminating blank line. */
  readonly raw: string;
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
      if (hasField(raw)) events.push(new LazyEvent(raw));
    }
    return events;
  }

  /** Whatever is left when the stream ends (an event without its blank line). */
  flush(): SseEvent[] {
    const rest = this.#buffer;
    this.#buffer = '';
    return hasField(rest) ? [new LazyEvent(rest)] : [];
  }
}

function findBoundary(text: string): { at: number; length: number } | undefined {
  // Most upstreams frame with LF only: one scan finds the boundary; CR forms are looked for only when present.
  const lf = text.indexOf('\n\n');
  if (!text.includes('\r')) return lf === -1 ? undefined : { at: lf, length: 2 };
  let best: { at: number; length: number } | undefined = lf === -1 ? undefined : { at: lf, length: 2 };
  for (const sep of ['\r\n\r\n', '\r\r']) {
    const at = text.indexOf(sep);
    if (at !== -1 && (!best || at < best.at)) best = { at, length: sep.length };
  }
  return best;
}

/** True when a block carries `event:` or `data:`; comment-only blocks (keep-alives) and bare `id:` / `retry:` are not events to act on. */
function hasField(raw: string): boolean {
  if (raw.startsWith('data') || raw.startsWith('event')) return true;
  return /(^|[\r\n])(data|event)(:|[\r\n]|$)/.test(raw);
}

/**
 * An event whose fields are parsed on first use: a pass-through stream
 * looks at the raw text of most events and never needs their fields.
 */
class LazyEvent implements SseEvent {
  #parsed: { event?: string; data: string } | undefined;
  constructor(readonly raw: string) {}
  get event(): string | undefined {
    return (this.#parsed ??= parseEvent(this.raw)).event;
  }
  get data(): string {
    return (this.#parsed ??= parseEvent(this.raw)).data;
  }
}

function parseEvent(raw: string): { event?: string; data: string } {
  // The common shapes, `data: …` and `event: …\ndata: …` on LF lines, without a regex split.
  if (!raw.includes('\r')) {
    const newline = raw.indexOf('\n');
    if (newline === -1 && raw.startsWith('data:')) return { data: fieldValue(raw, 5) };
    if (newline !== -1 && raw.indexOf('\n', newline + 1) === -1 && raw.startsWith('event:') && raw.startsWith('data:', newline + 1))
      return { event: fieldValue(raw.slice(0, newline), 6), data: fieldValue(raw.slice(newline + 1), 5) };
  }
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
  return { event, data: data.join('\n') };
}

/** A field's value after `name:`, without the one optional leading space. */
function fieldValue(line: string, from: number): string {
  return line.charCodeAt(from) === 32 ? line.slice(from + 1) : line.slice(from);
}
