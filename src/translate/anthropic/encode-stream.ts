import type { StreamEncoder } from '../codec.js';
import type { IREvent, IRFinish, IRRequest, Vendor, Usage } from '../ir.js';
import type { WireObject } from './anthropic-wire.js';
import { sseFrame } from './anthropic-wire.js';
import { toAnthropicUsage } from './convert-anthropic-usage.js';
import { encodeAnthropicStreamError } from './encode-error.js';
import { toAnthropicStopReason } from './map-anthropic-finish-reason.js';

interface OpenBlock {
  kind: 'text' | 'tool' | 'reasoning';
  /** The Anthropic content index, once the block has been started on the wire. */
  index?: number;
  vendor?: Vendor;
  redacted?: boolean;
}

/**
 * IR events -> Anthropic SSE, in the order the Anthropic SDKs expect:
 * `message_start` (zeros when usage is not known yet), then per IR block one
 * `content_block_start` / `content_block_delta`… / `content_block_stop` with
 * indexes from 0 in order, then `message_delta` (stop reason and the final
 * usage, input figures included because a translated upstream may only know
 * them at the end) and `message_stop`. Only open blocks are remembered.
 *
 * Reasoning blocks start lazily, at their first text or signature, so
 * reasoning that carries nothing an Anthropic client can read (another
 * vendor's encrypted content) takes no index. Another vendor's signatures are
 * dropped; its readable reasoning is shown as `thinking` with an empty signature.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming#event-types
 */
export class AnthropicStreamEncoder implements StreamEncoder {
  readonly #model: string;
  #started = false;
  #ended = false;
  #nextIndex = 0;
  #usage: Partial<Usage> = {};
  readonly #open = new Map<string, OpenBlock>();

  constructor(request: IRRequest) {
    this.#model = request.model;
  }

  push(event: IREvent): string {
    if (this.#ended) return '';
    if (event.type === 'error') {
      this.#ended = true;
      return encodeAnthropicStreamError(event.error);
    }
    if (event.type === 'response-start') return this.#start(event.id, event.usage);
    const head = this.#start('', undefined);
    return head + this.#body(event);
  }

  end(): string {
    if (this.#ended) return '';
    return this.#start('', undefined) + this.#finish({ unified: 'stop', raw: null }, undefined);
  }

  #start(id: string, usage: Partial<Usage> | undefined): string {
    if (this.#started) return '';
    this.#started = true;
    this.#usage = { ...usage };
    return sseFrame({
      type: 'message_start',
      message: {
        id: id || `msg_${Date.now().toString(36)}`,
        type: 'message',
        role: 'assistant',
        model: this.#model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: toAnthropicUsage(this.#usage),
      },
    });
  }

  #body(event: Exclude<IREvent, { type: 'response-start' | 'error' }>): string {
    switch (event.type) {
      case 'text-start':
        return this.#open.has(event.id) ? '' : this.#begin(event.id, { kind: 'text' }, { type: 'text', text: '' });
      case 'text-delta': {
        const opened = this.#open.has(event.id) ? '' : this.#begin(event.id, { kind: 'text' }, { type: 'text', text: '' });
        const index = this.#open.get(event.id)?.index;
        if (index === undefined || event.delta === '') return opened;
        // The most frequent event of a stream, written without building and serialising an object.
        return `${opened}event: content_block_delta\ndata: {"type":"content_block_delta","index":${index},"delta":{"type":"text_delta","text":${JSON.stringify(event.delta)}}}\n\n`;
      }
      case 'tool-call-start':
        return this.#begin(event.id, { kind: 'tool' }, { type: 'tool_use', id: event.toolCallId, name: event.name, input: {} });
      case 'tool-call-delta':
        return this.#delta(event.id, { type: 'input_json_delta', partial_json: event.argumentsDelta }, event.argumentsDelta);
      case 'reasoning-start':
        this.#open.set(event.id, { kind: 'reasoning', vendor: event.vendor, redacted: event.redacted });
        return '';
      case 'reasoning-delta':
        return this.#reasoningDelta(event.id, event.delta);
      case 'reasoning-signature':
        return this.#reasoningSignature(event.id, event.signature, event.encrypted);
      case 'text-end':
      case 'tool-call-end':
      case 'reasoning-end':
        return this.#stop(event.id);
      case 'usage':
        this.#usage = { ...this.#usage, ...event.usage };
        return '';
      case 'finish':
        return this.#finish(event.finish, event.usage);
      default:
        return event satisfies never;
    }
  }

  #begin(id: string, block: OpenBlock, contentBlock: WireObject): string {
    const index = this.#nextIndex++;
    this.#open.set(id, { ...block, index });
    return sseFrame({ type: 'content_block_start', index, content_block: contentBlock });
  }

  #delta(id: string, delta: WireObject, piece: string): string {
    const block = this.#open.get(id);
    if (block?.index === undefined || piece === '') return '';
    return sseFrame({ type: 'content_block_delta', index: block.index, delta });
  }

  #reasoningDelta(id: string, text: string): string {
    const block = this.#open.get(id);
    if (!block || block.redacted || text === '') return '';
    const opened = block.index === undefined ? this.#begin(id, block, { type: 'thinking', thinking: '', signature: '' }) : '';
    return opened + this.#delta(id, { type: 'thinking_delta', thinking: text }, text);
  }

  #reasoningSignature(id: string, signature: string | undefined, encrypted: string | undefined): string {
    const block = this.#open.get(id);
    if (!block || block.vendor !== 'anthropic') return '';
    if (block.redacted) {
      return block.index === undefined && encrypted !== undefined ? this.#begin(id, block, { type: 'redacted_thinking', data: encrypted }) : '';
    }
    if (!signature) return '';
    const opened = block.index === undefined ? this.#begin(id, block, { type: 'thinking', thinking: '', signature: '' }) : '';
    return opened + this.#delta(id, { type: 'signature_delta', signature }, signature);
  }

  #stop(id: string): string {
    const block = this.#open.get(id);
    this.#open.delete(id);
    return block?.index === undefined ? '' : sseFrame({ type: 'content_block_stop', index: block.index });
  }

  #finish(finish: IRFinish, usage: Partial<Usage> | undefined): string {
    this.#ended = true;
    const open = [...this.#open.values()]
      .map((b) => b.index)
      .filter((i): i is number => i !== undefined)
      .sort((a, b) => a - b);
    this.#open.clear();
    const stops = open.map((index) => sseFrame({ type: 'content_block_stop', index })).join('');
    this.#usage = { ...this.#usage, ...usage };
    return (
      stops +
      sseFrame({
        type: 'message_delta',
        delta: { stop_reason: toAnthropicStopReason(finish), stop_sequence: finish.stopSequence ?? null },
        usage: toAnthropicUsage(this.#usage),
      }) +
      sseFrame({ type: 'message_stop' })
    );
  }
}
