import type { Protocol } from '../protocols/protocol.js';
import type { IREvent } from '../translate/ir.js';
import { codecFor } from '../translate/registry.js';
import type { SseEvent } from '../translate/sse.js';
import { roughTokens, utf8Bytes } from './rough-tokens.js';

/** Characters of passed-through events kept to be decoded if the count is ever needed; past them, only their number (a bound on what each open stream holds). */
const KEPT_EVENT_CHARS = 8 * 1024;

/**
 * What a stream delivered to its client, so that its output tokens can be
 * estimated when the upstream's own count never came (the client left, the
 * upstream broke off): the bytes of text, reasoning and tool-call arguments.
 * A translated stream's events are counted as they pass. A pass-through
 * stream's are kept as they came (up to 8 K characters, the rest only
 * measured) and decoded only when the count is asked for, so a stream that
 * ends with its usage, nearly all of them, costs no parsing at all.
 */
export class DeliveredOutput {
  #bytes = 0;
  #events: SseEvent[] = [];
  #eventChars = 0;
  #moreEventChars = 0;

  /** A translated stream's IR event, on its way to the client. */
  event(event: IREvent): void {
    switch (event.type) {
      case 'text-delta':
      case 'reasoning-delta':
        this.#bytes += utf8Bytes(event.delta);
        return;
      case 'tool-call-start':
        this.#bytes += utf8Bytes(event.name);
        return;
      case 'tool-call-delta':
        this.#bytes += utf8Bytes(event.argumentsDelta);
        return;
      default:
        return;
    }
  }

  /** A passed-through stream's event, sent as it came. */
  raw(event: SseEvent): void {
    if (this.#eventChars < KEPT_EVENT_CHARS) {
      this.#events.push(event);
      this.#eventChars += event.raw.length;
    } else this.#moreEventChars += event.raw.length;
  }

  /** The output tokens delivered (rough-tokens.ts); `protocol` is the shape of the events given to `raw`. */
  tokens(protocol: Protocol): number {
    if (this.#events.length > 0) {
      const decoder = codecFor(protocol).decodeStream();
      for (const event of this.#events) {
        try {
          for (const decoded of decoder.push(event)) this.event(decoded);
        } catch {
          // an event the codec cannot read held no text the client could use
        }
      }
      this.#events = [];
    }
    // Events past the kept ones carried text in the same proportion as the kept ones.
    const scale = this.#eventChars > 0 ? (this.#eventChars + this.#moreEventChars) / this.#eventChars : 1;
    return roughTokens(this.#bytes * scale);
  }
}
