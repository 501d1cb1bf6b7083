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
 * The largest event the scanner holds, in UTF-16 code units (characters).
 * The biggest real events are a finished Responses object or a tool call's
 * arguments sent whole, well under a few megabytes; an upstream that sends
 * more than this without a blank line is broken (or hostile), and holding
 * it would let one stream take the process's memory.
 */
export const MAX_SSE_EVENT_CHARS = 16 * 1024 * 1024;

/** An event longer than the cap: the stream is treated as broken. */
export class SseEventTooLarge extends Error {
  constructor(limit: number) {
    super(`an event is longer than ${limit} characters without its blank line`);
    this.name = 'SseEventTooLarge';
  }
}

const LF = 10;

/**
 * An incremental SSE parser: feed it text as it arrives, get whole events
 * back. Each chunk is scanned once, from where the last one stopped, so a
 * large event split into many small chunks costs time linear in its size;
 * the unfinished event is kept as the list of its pieces, joined once when
 * its blank line arrives. Memory is bounded by the largest single event,
 * which is capped (`SseEventTooLarge` is thrown past it). Line ends are
 * LF, CRLF or CR, as the spec says; a blank line ends an event.
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */
export class SseScanner {
  /** The unfinished event's text from earlier chunks. */
  #parts: string[] = [];
  /** Characters in `#parts`. */
  #size = 0;
  /** The text so far ends with a line end: a line end next is a blank line. */
  #lineEnded = false;
  /** Where the last line end began, counted from the event's start: the event's raw text ends there if a blank line follows. */
  #rawEnd = 0;
  /** The last chunk ended with CR: an LF first in the next chunk is the rest of that line end, not a line of its own. */
  #afterCr: 'none' | 'line' | 'blank' = 'none';

  constructor(private readonly maxEventChars = MAX_SSE_EVENT_CHARS) {}

  /** Part of an event (or of its line end) is held, waiting for the rest: the text so far does not end on an event's boundary. */
  get holding(): boolean {
    return this.#parts.length > 0 || this.#lineEnded || this.#afterCr !== 'none';
  }

  push(text: string): SseEvent[] {
    const events: SseEvent[] = [];
    /** Where the unfinished event's text starts in this chunk. */
    let from = 0;
    /** Where the next line may start: a line end found here follows the last one directly. */
    let at = 0;
    if (this.#afterCr !== 'none') {
      if (text.charCodeAt(0) === LF) {
        at = 1;
        // After a blank line the LF belongs to no event; after an ordinary line end it stays in the event's text.
        if (this.#afterCr === 'blank') from = 1;
      }
      if (text.length > 0) this.#afterCr = 'none';
    }
    let nextLf = text.indexOf('\n', at);
    // LF-only streams (most upstreams) pay one scan for CR that finds none.
    let nextCr = text.indexOf('\r', at);
    while (nextLf !== -1 || nextCr !== -1) {
      let end: number;
      let length = 1;
      if (nextCr === -1 || (nextLf !== -1 && nextLf < nextCr)) {
        end = nextLf;
        nextLf = text.indexOf('\n', end + 1);
      } else {
        end = nextCr;
        if (text.charCodeAt(end + 1) === LF) {
          length = 2;
          nextLf = text.indexOf('\n', end + 2);
        }
        nextCr = text.indexOf('\r', end + 1);
        if (end + 1 === text.length) this.#afterCr = this.#lineEnded && end === at ? 'blank' : 'line';
      }
      if (this.#lineEnded && end === at) {
        const raw = this.#take(text, from);
        if (hasField(raw)) events.push(new LazyEvent(raw));
        from = end + length;
        this.#lineEnded = false;
      } else {
        this.#rawEnd = this.#size + (end - from);
        this.#lineEnded = true;
      }
      at = end + length;
    }
    if (at < text.length) this.#lineEnded = false;
    if (from < text.length) {
      this.#size += text.length - from;
      if (this.#size > this.maxEventChars) throw new SseEventTooLarge(this.maxEventChars);
      this.#parts.push(from === 0 ? text : text.slice(from));
    }
    return events;
  }

  /** Whatever is left when the stream ends (an event without its blank line). */
  flush(): SseEvent[] {
    const rest = this.#parts.join('');
    this.#parts = [];
    this.#size = 0;
    this.#lineEnded = false;
    this.#afterCr = 'none';
    return hasField(rest) ? [new LazyEvent(rest)] : [];
  }

  /** The finished event's raw text (up to `#rawEnd`), the earlier pieces and this chunk's from `from`; the pieces are let go. */
  #take(text: string, from: number): string {
    const rawEnd = this.#rawEnd;
    if (rawEnd > this.maxEventChars) throw new SseEventTooLarge(this.maxEventChars);
    if (this.#parts.length === 0) return text.slice(from, from + rawEnd);
    const head = this.#parts.length === 1 ? this.#parts[0] : this.#parts.join('');
    const size = this.#size;
    this.#parts = [];
    this.#size = 0;
    return rawEnd <= size ? head.slice(0, rawEnd) : head + text.slice(from, from + rawEnd - size);
  }
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
