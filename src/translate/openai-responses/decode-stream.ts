/**
 * OpenAI Responses SSE (from an upstream) -> IR events.
 *
 * Blocks get ids `text-N`, `reasoning-N`, `tool-N` from one counter. Each
 * summary part of a reasoning item is its own IR reasoning block carrying
 * the item's id; the encrypted content closes the item's last block. The
 * terminal `response.completed` / `.incomplete` / `.failed` event gives the
 * usage and the finish; a stream that ends without one still gets a finish.
 * @see https://platform.openai.com/docs/api-reference/responses-streaming
 */
import type { StreamDecoder } from '../codec.js';
import type { SseEvent } from '../sse.js';
import type { IREvent, IRPart } from '../ir.js';
import { isRecord } from '../shared/json.js';
import { decodeUsage } from './convert-openai-responses-usage.js';
import { classifyError } from './decode-error.js';
import { decodeOutputItem } from './decode-response.js';
import { decodeFinish } from './map-openai-responses-finish-reason.js';
import { num, str, type Json } from './wire.js';

interface PartState {
  blockId: string;
  sawDelta: boolean;
}

type ItemState =
  | { kind: 'message'; parts: Map<number, PartState> }
  | { kind: 'tool'; blockId: string; sawDelta: boolean; ended: boolean }
  | { kind: 'reasoning'; blockId: string; itemId: string | undefined; parts: number; sawDelta: boolean };

export class ResponsesStreamDecoder implements StreamDecoder {
  #counter = 0;
  #started = false;
  #finished = false;
  #sawToolCall = false;
  #errorSeen = false;
  /** Open output items by output index. */
  readonly #items = new Map<number, ItemState>();

  push(sse: SseEvent): IREvent[] {
    if (this.#finished) return [];
    let data: unknown;
    try {
      data = JSON.parse(sse.data);
    } catch {
      return []; // comments, keep-alives, a stray [DONE]
    }
    if (!isRecord(data)) return [];
    const type = str(data.type) ?? sse.event;
    const out: IREvent[] = [];
    switch (type) {
      case 'response.created':
      case 'response.queued':
      case 'response.in_progress':
        this.#start(out, data.response);
        break;
      case 'response.output_item.added':
        this.#start(out, undefined);
        if (isRecord(data.item)) this.#itemAdded(out, num(data.output_index) ?? 0, data.item);
        break;
      case 'response.content_part.added':
        this.#textPart(out, data, isRecord(data.part) ? (str(data.part.text) ?? str(data.part.refusal) ?? '') : '');
        break;
      case 'response.output_text.delta':
      case 'response.refusal.delta':
        this.#textDelta(out, data, str(data.delta) ?? '');
        break;
      case 'response.output_text.done':
      case 'response.refusal.done':
        this.#textCatchUp(out, data, str(data.text) ?? str(data.refusal) ?? '');
        break;
      case 'response.content_part.done':
        this.#textCatchUp(out, data, isRecord(data.part) ? (str(data.part.text) ?? str(data.part.refusal) ?? '') : '');
        this.#textEnd(out, data);
        break;
      case 'response.function_call_arguments.delta':
        this.#toolDelta(out, num(data.output_index) ?? 0, str(data.delta) ?? '');
        break;
      case 'response.function_call_arguments.done':
        this.#toolEnd(out, num(data.output_index) ?? 0, str(data.arguments) ?? '');
        break;
      case 'response.reasoning_summary_part.added':
        this.#summaryPart(out, num(data.output_index) ?? 0);
        break;
      case 'response.reasoning_summary_text.delta':
      case 'response.reasoning_text.delta':
        this.#reasoningDelta(out, num(data.output_index) ?? 0, str(data.delta) ?? '');
        break;
      case 'response.reasoning_summary_text.done':
        this.#reasoningCatchUp(out, num(data.output_index) ?? 0, str(data.text) ?? '');
        break;
      case 'response.output_item.done':
        if (isRecord(data.item)) this.#itemDone(out, num(data.output_index) ?? 0, data.item);
        break;
      case 'response.completed':
      case 'response.incomplete':
      case 'response.failed':
        this.#terminal(out, isRecord(data.response) ? data.response : {});
        break;
      case 'error': {
        const inner = isRecord(data.error) ? data.error : data;
        this.#start(out, undefined);
        this.#errorSeen = true;
        out.push({ type: 'error', error: classifyError(undefined, str(inner.code), str(inner.type), str(inner.message) ?? 'upstream stream error') });
        break;
      }
      default:
        break; // hosted-tool progress, annotations, keepalive: nothing the IR carries
    }
    return out;
  }

  end(): IREvent[] {
    if (this.#finished) return [];
    const out: IREvent[] = [];
    this.#start(out, undefined);
    this.#closeAll(out);
    this.#finished = true;
    out.push({ type: 'finish', finish: { unified: this.#errorSeen ? 'error' : 'other', raw: null } });
    return out;
  }

  #block(kind: 'text' | 'reasoning' | 'tool'): string {
    return `${kind}-${this.#counter++}`;
  }

  #start(out: IREvent[], response: unknown): void {
    if (this.#started) return;
    this.#started = true;
    const r = isRecord(response) ? response : {};
    out.push({ type: 'response-start', id: str(r.id) ?? '', model: str(r.model) ?? '', created: num(r.created_at) ?? 0 });
  }

  #itemAdded(out: IREvent[], index: number, item: Json): void {
    switch (item.type) {
      case 'message':
        this.#items.set(index, { kind: 'message', parts: new Map() });
        break;
      case 'function_call': {
        const blockId = this.#block('tool');
        this.#sawToolCall = true;
        out.push({ type: 'tool-call-start', id: blockId, toolCallId: str(item.call_id) ?? '', name: str(item.name) ?? '' });
        const args = str(item.arguments) ?? '';
        if (args !== '') out.push({ type: 'tool-call-delta', id: blockId, argumentsDelta: args });
        this.#items.set(index, { kind: 'tool', blockId, sawDelta: args !== '', ended: false });
        break;
      }
      case 'reasoning': {
        const blockId = this.#block('reasoning');
        const itemId = str(item.id);
        out.push({ type: 'reasoning-start', id: blockId, vendor: 'openai', ...(itemId !== undefined ? { itemId } : {}) });
        this.#items.set(index, { kind: 'reasoning', blockId, itemId, parts: 0, sawDelta: false });
        break;
      }
      default:
        break;
    }
  }

  #message(index: number): Map<number, PartState> {
    const state = this.#items.get(index);
    if (state?.kind === 'message') return state.parts;
    const parts = new Map<number, PartState>();
    this.#items.set(index, { kind: 'message', parts });
    return parts;
  }

  #part(out: IREvent[], data: Json): PartState {
    const parts = this.#message(num(data.output_index) ?? 0);
    const contentIndex = num(data.content_index) ?? 0;
    let part = parts.get(contentIndex);
    if (!part) {
      part = { blockId: this.#block('text'), sawDelta: false };
      parts.set(contentIndex, part);
      out.push({ type: 'text-start', id: part.blockId });
    }
    return part;
  }

  #textPart(out: IREvent[], data: Json, initial: string): void {
    this.#start(out, undefined);
    this.#part(out, data);
    if (initial !== '') this.#textDelta(out, data, initial);
  }

  #textDelta(out: IREvent[], data: Json, delta: string): void {
    const part = this.#part(out, data);
    if (delta === '') return;
    part.sawDelta = true;
    out.push({ type: 'text-delta', id: part.blockId, delta });
  }

  /** A `done` event for a part whose text never came as deltas. */
  #textCatchUp(out: IREvent[], data: Json, text: string): void {
    const part = this.#part(out, data);
    if (!part.sawDelta && text !== '') this.#textDelta(out, data, text);
  }

  #textEnd(out: IREvent[], data: Json): void {
    const parts = this.#message(num(data.output_index) ?? 0);
    const contentIndex = num(data.content_index) ?? 0;
    const part = parts.get(contentIndex);
    if (!part || part.blockId === '') return;
    out.push({ type: 'text-end', id: part.blockId });
    part.blockId = ''; // ended; kept so a late delta does not reopen it
  }

  #toolDelta(out: IREvent[], index: number, delta: string): void {
    const state = this.#items.get(index);
    if (state?.kind !== 'tool' || state.ended || delta === '') return;
    state.sawDelta = true;
    out.push({ type: 'tool-call-delta', id: state.blockId, argumentsDelta: delta });
  }

  #toolEnd(out: IREvent[], index: number, args: string): void {
    const state = this.#items.get(index);
    if (state?.kind !== 'tool' || state.ended) return;
    if (!state.sawDelta && args !== '') out.push({ type: 'tool-call-delta', id: state.blockId, argumentsDelta: args });
    state.ended = true;
    out.push({ type: 'tool-call-end', id: state.blockId });
  }

  /** Summary part 0 uses the block opened with the item; each later part is a new block with the same item id. */
  #summaryPart(out: IREvent[], index: number): void {
    const state = this.#items.get(index);
    if (state?.kind !== 'reasoning') return;
    if (state.parts > 0) {
      out.push({ type: 'reasoning-end', id: state.blockId });
      state.blockId = this.#block('reasoning');
      out.push({ type: 'reasoning-start', id: state.blockId, vendor: 'openai', ...(state.itemId !== undefined ? { itemId: state.itemId } : {}) });
    }
    state.parts += 1;
    state.sawDelta = false;
  }

  #reasoningDelta(out: IREvent[], index: number, delta: string): void {
    const state = this.#items.get(index);
    if (state?.kind !== 'reasoning' || delta === '') return;
    state.sawDelta = true;
    out.push({ type: 'reasoning-delta', id: state.blockId, delta });
  }

  #reasoningCatchUp(out: IREvent[], index: number, text: string): void {
    const state = this.#items.get(index);
    if (state?.kind === 'reasoning' && !state.sawDelta) this.#reasoningDelta(out, index, text);
  }

  #itemDone(out: IREvent[], index: number, item: Json): void {
    const state = this.#items.get(index);
    this.#items.delete(index);
    if (!state) {
      this.#wholeItem(out, decodeOutputItem(item));
      return;
    }
    switch (state.kind) {
      case 'message': {
        if (state.parts.size === 0) {
          this.#wholeItem(out, decodeOutputItem(item));
          return;
        }
        for (const part of state.parts.values()) if (part.blockId !== '') out.push({ type: 'text-end', id: part.blockId });
        return;
      }
      case 'tool':
        this.#toolEndState(out, state, str(item.arguments) ?? '');
        return;
      case 'reasoning': {
        const summary = Array.isArray(item.summary) ? item.summary.filter(isRecord) : [];
        if (state.parts === 0) {
          // The summary never streamed: replay it from the finished item.
          summary.forEach((part, n) => {
            if (n > 0) {
              out.push({ type: 'reasoning-end', id: state.blockId });
              state.blockId = this.#block('reasoning');
              out.push({ type: 'reasoning-start', id: state.blockId, vendor: 'openai', ...(state.itemId !== undefined ? { itemId: state.itemId } : {}) });
            }
            const text = str(part.text) ?? '';
            if (text !== '') out.push({ type: 'reasoning-delta', id: state.blockId, delta: text });
          });
        }
        const encrypted = str(item.encrypted_content);
        if (encrypted !== undefined) out.push({ type: 'reasoning-signature', id: state.blockId, encrypted });
        out.push({ type: 'reasoning-end', id: state.blockId });
        return;
      }
      default:
        state satisfies never;
    }
  }

  #toolEndState(out: IREvent[], state: Extract<ItemState, { kind: 'tool' }>, args: string): void {
    if (state.ended) return;
    if (!state.sawDelta && args !== '') out.push({ type: 'tool-call-delta', id: state.blockId, argumentsDelta: args });
    state.ended = true;
    out.push({ type: 'tool-call-end', id: state.blockId });
  }

  /** An item that arrived only as `output_item.done`: its parts as whole blocks. */
  #wholeItem(out: IREvent[], parts: IRPart[]): void {
    for (const part of parts) {
      if (part.type === 'text') {
        const id = this.#block('text');
        out.push({ type: 'text-start', id });
        if (part.text !== '') out.push({ type: 'text-delta', id, delta: part.text });
        out.push({ type: 'text-end', id });
      } else if (part.type === 'tool-call') {
        const id = this.#block('tool');
        this.#sawToolCall = true;
        out.push({ type: 'tool-call-start', id, toolCallId: part.id, name: part.name });
        if (part.arguments !== '') out.push({ type: 'tool-call-delta', id, argumentsDelta: part.arguments });
        out.push({ type: 'tool-call-end', id });
      } else if (part.type === 'reasoning') {
        const id = this.#block('reasoning');
        out.push({ type: 'reasoning-start', id, vendor: 'openai', ...(part.itemId !== undefined ? { itemId: part.itemId } : {}) });
        if (part.text !== '') out.push({ type: 'reasoning-delta', id, delta: part.text });
        if (part.encrypted !== undefined) out.push({ type: 'reasoning-signature', id, encrypted: part.encrypted });
        out.push({ type: 'reasoning-end', id });
      }
    }
  }

  /** Ends every block still open, in output order. */
  #closeAll(out: IREvent[]): void {
    for (const [index, state] of [...this.#items].sort((a, b) => a[0] - b[0])) {
      this.#items.delete(index);
      if (state.kind === 'message') {
        for (const part of state.parts.values()) if (part.blockId !== '') out.push({ type: 'text-end', id: part.blockId });
      } else if (state.kind === 'tool') this.#toolEndState(out, state, '');
      else out.push({ type: 'reasoning-end', id: state.blockId });
    }
  }

  #terminal(out: IREvent[], response: Json): void {
    this.#start(out, response);
    this.#closeAll(out);
    this.#finished = true;
    const usage = isRecord(response.usage) ? decodeUsage(response.usage) : undefined;
    if (usage) out.push({ type: 'usage', usage });
    const status = str(response.status);
    if (status === 'failed') {
      const error = isRecord(response.error) ? response.error : {};
      out.push({ type: 'error', error: classifyError(undefined, str(error.code), undefined, str(error.message) ?? 'the response failed') });
    }
    const details = isRecord(response.incomplete_details) ? response.incomplete_details : {};
    const hasToolCalls = this.#sawToolCall || (Array.isArray(response.output) && response.output.some((item) => isRecord(item) && item.type === 'function_call'));
    out.push({ type: 'finish', finish: decodeFinish(status, str(details.reason), hasToolCalls), ...(usage ? { usage } : {}) });
  }
}
