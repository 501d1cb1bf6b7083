import type { StreamDecoder } from '../codec.js';
import type { IREvent, IRFinish, Usage } from '../ir.js';
import { isRecord } from '../shared/json.js';
import type { SseEvent } from '../sse.js';
import type { WireObject } from './anthropic-wire.js';
import { completeUsage, fromAnthropicUsagePartial } from './convert-anthropic-usage.js';
import { decodeAnthropicErrorBody } from './decode-error.js';
import { decodeFinish } from './decode-response.js';
import { JSON_OUTPUT_TOOL } from './json-output.js';

type BlockKind = 'text' | 'reasoning' | 'tool' | 'ignored';

/**
 * Anthropic SSE -> IR events. Keeps only the open blocks (index -> IR id),
 * the stop reason and the usage figures, so memory stays small whatever the
 * answer's length. Block ids are `<kind>-<index>`.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming#event-types
 */
export class AnthropicStreamDecoder implements StreamDecoder {
  #started = false;
  #done = false;
  #errored = false;
  #id = '';
  #model = '';
  #usage: Partial<Usage> = {};
  #stopReason: unknown = undefined;
  #stopSequence: unknown = undefined;
  #sawToolCall = false;
  #sawJsonOutput = false;
  readonly #open = new Map<number, { kind: BlockKind; id: string }>();

  push(event: SseEvent): IREvent[] {
    if (this.#done) return [];
    let data: unknown;
    try {
      data = JSON.parse(event.data);
    } catch {
      return [];
    }
    if (!isRecord(data)) return [];
    const type = typeof data.type === 'string' ? data.type : event.event;
    switch (type) {
      case 'message_start':
        return this.#messageStart(data);
      case 'content_block_start':
        return this.#withStart(this.#blockStart(data));
      case 'content_block_delta':
        return this.#withStart(this.#blockDelta(data));
      case 'content_block_stop':
        return this.#withStart(this.#blockStop(data));
      case 'message_delta':
        return this.#withStart(this.#messageDelta(data));
      case 'message_stop':
        return this.#withStart(this.#finish());
      case 'error':
        return this.#withStart(this.#error(data));
      default:
        // `ping` and event types added later carry nothing the IR needs.
        return [];
    }
  }

  end(): IREvent[] {
    if (this.#done) return [];
    return this.#withStart(this.#finish());
  }

  /** A stream that starts with anything but message_start still opens with a response-start. */
  #withStart(events: IREvent[]): IREvent[] {
    if (this.#started) return events;
    this.#started = true;
    return [{ type: 'response-start', id: this.#id, model: this.#model, created: now() }, ...events];
  }

  #messageStart(data: WireObject): IREvent[] {
    if (this.#started) return [];
    this.#started = true;
    const message = isRecord(data.message) ? data.message : {};
    this.#id = typeof message.id === 'string' ? message.id : '';
    this.#model = typeof message.model === 'string' ? message.model : '';
    this.#usage = fromAnthropicUsagePartial(message.usage);
    return [{ type: 'response-start', id: this.#id, model: this.#model, created: now(), usage: { ...this.#usage } }];
  }

  #blockStart(data: WireObject): IREvent[] {
    const index = typeof data.index === 'number' ? data.index : this.#open.size;
    const block = isRecord(data.content_block) ? data.content_block : {};
    const events: IREvent[] = [];
    switch (block.type) {
      case 'text': {
        const id = `text-${index}`;
        this.#open.set(index, { kind: 'text', id });
        events.push({ type: 'text-start', id });
        if (typeof block.text === 'string' && block.text !== '') events.push({ type: 'text-delta', id, delta: block.text });
        break;
      }
      case 'tool_use': {
        if (block.name === JSON_OUTPUT_TOOL) {
          // The JSON-output tool's arguments are the answer: stream them as text.
          const id = `text-${index}`;
          this.#sawJsonOutput = true;
          this.#open.set(index, { kind: 'text', id });
          events.push({ type: 'text-start', id });
          break;
        }
        const id = `tool-${index}`;
        this.#sawToolCall = true;
        this.#open.set(index, { kind: 'tool', id });
        events.push({
          type: 'tool-call-start',
          id,
          toolCallId: typeof block.id === 'string' ? block.id : '',
          name: typeof block.name === 'string' ? block.name : '',
        });
        if (isRecord(block.input) && Object.keys(block.input).length > 0) {
          events.push({ type: 'tool-call-delta', id, argumentsDelta: JSON.stringify(block.input) });
        }
        break;
      }
      case 'thinking': {
        const id = `reasoning-${index}`;
        this.#open.set(index, { kind: 'reasoning', id });
        events.push({ type: 'reasoning-start', id, vendor: 'anthropic' });
        if (typeof block.thinking === 'string' && block.thinking !== '') events.push({ type: 'reasoning-delta', id, delta: block.thinking });
        if (typeof block.signature === 'string' && block.signature !== '') events.push({ type: 'reasoning-signature', id, signature: block.signature });
        break;
      }
      case 'redacted_thinking': {
        const id = `reasoning-${index}`;
        this.#open.set(index, { kind: 'reasoning', id });
        events.push({ type: 'reasoning-start', id, vendor: 'anthropic', redacted: true });
        events.push({ type: 'reasoning-signature', id, encrypted: typeof block.data === 'string' ? block.data : '' });
        break;
      }
      default:
        // Server tool blocks and future block types: no IR place; their deltas are skipped too.
        this.#open.set(index, { kind: 'ignored', id: '' });
    }
    return events;
  }

  #blockDelta(data: WireObject): IREvent[] {
    const block = typeof data.index === 'number' ? this.#open.get(data.index) : undefined;
    const delta = isRecord(data.delta) ? data.delta : {};
    if (!block) return [];
    switch (delta.type) {
      case 'text_delta':
        return block.kind === 'text' && typeof delta.text === 'string' ? [{ type: 'text-delta', id: block.id, delta: delta.text }] : [];
      case 'input_json_delta': {
        const piece = typeof delta.partial_json === 'string' ? delta.partial_json : '';
        if (piece === '') return [];
        if (block.kind === 'tool') return [{ type: 'tool-call-delta', id: block.id, argumentsDelta: piece }];
        return block.kind === 'text' ? [{ type: 'text-delta', id: block.id, delta: piece }] : [];
      }
      case 'thinking_delta':
        return block.kind === 'reasoning' && typeof delta.thinking === 'string' ? [{ type: 'reasoning-delta', id: block.id, delta: delta.thinking }] : [];
      case 'signature_delta':
        return block.kind === 'reasoning' && typeof delta.signature === 'string'
          ? [{ type: 'reasoning-signature', id: block.id, signature: delta.signature }]
          : [];
      default:
        // citations_delta and future delta types
        return [];
    }
  }

  #blockStop(data: WireObject): IREvent[] {
    if (typeof data.index !== 'number') return [];
    const block = this.#open.get(data.index);
    if (!block) return [];
    this.#open.delete(data.index);
    return endEvent(block);
  }

  #closeAll(): IREvent[] {
    const events = [...this.#open.entries()].sort(([a], [b]) => a - b).flatMap(([, block]) => endEvent(block));
    this.#open.clear();
    return events;
  }

  /** message_delta: the stop reason, and cumulative usage figures that overwrite earlier ones. */
  #messageDelta(data: WireObject): IREvent[] {
    const delta = isRecord(data.delta) ? data.delta : {};
    if (delta.stop_reason !== undefined) this.#stopReason = delta.stop_reason;
    if (delta.stop_sequence !== undefined) this.#stopSequence = delta.stop_sequence;
    const usage = fromAnthropicUsagePartial(data.usage);
    if (Object.keys(usage).length === 0) return [];
    this.#usage = { ...this.#usage, ...usage };
    return [{ type: 'usage', usage: { ...this.#usage } }];
  }

  #error(data: WireObject): IREvent[] {
    this.#errored = true;
    return [...this.#closeAll(), { type: 'error', error: decodeAnthropicErrorBody(data, undefined) }];
  }

  /**
   * The one finish: on message_stop, or from end() when the stream stopped
   * early (after an error event, or cut before any stop reason: unified
   * `error`; after message_delta but before message_stop: its stop reason).
   */
  #finish(): IREvent[] {
    this.#done = true;
    const events = this.#closeAll();
    let finish: IRFinish;
    if (this.#errored || typeof this.#stopReason !== 'string') finish = { unified: 'error', raw: typeof this.#stopReason === 'string' ? this.#stopReason : null };
    else finish = decodeFinish(this.#stopReason, this.#stopSequence, this.#sawJsonOutput && !this.#sawToolCall);
    events.push({ type: 'finish', finish, usage: completeUsage(this.#usage) });
    return events;
  }
}

function endEvent(block: { kind: BlockKind; id: string }): IREvent[] {
  switch (block.kind) {
    case 'text':
      return [{ type: 'text-end', id: block.id }];
    case 'reasoning':
      return [{ type: 'reasoning-end', id: block.id }];
    case 'tool':
      return [{ type: 'tool-call-end', id: block.id }];
    case 'ignored':
      return [];
    default:
      return block.kind satisfies never;
  }
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}
