/**
 * IR stream events -> OpenAI Responses SSE for the client, in the order the
 * API (and the official SDK's accumulator) uses:
 *
 *   response.created, response.in_progress,
 *   per message:   output_item.added, content_part.added, output_text.delta…,
 *                  output_text.done, content_part.done, output_item.done
 *   per function:  output_item.added, function_call_arguments.delta…,
 *                  function_call_arguments.done, output_item.done
 *   per custom tool call: output_item.added, custom_tool_call_input.delta
 *                  (the whole input at once), custom_tool_call_input.done,
 *                  output_item.done
 *   per reasoning: output_item.added, then per summary part
 *                  reasoning_summary_part.added, reasoning_summary_text.delta…,
 *                  reasoning_summary_text.done, reasoning_summary_part.done;
 *                  then output_item.done
 *   response.completed | response.incomplete | response.failed
 *
 * every event with an increasing `sequence_number`. State is per open item
 * plus the finished items, which the final response object must list.
 * @see https://platform.openai.com/docs/api-reference/responses-streaming
 */
import { carrySignature, wantsEncryptedReasoning } from './carried-signatures.js';
import type { StreamEncoder } from '../codec.js';
import type { IRError, IREvent, IRFinish, IRRequest, Vendor } from '../ir.js';
import { encodeUsage } from './convert-openai-responses-usage.js';
import { encodeFinish } from './map-openai-responses-finish-reason.js';
import { finishResponseObject, responseObject } from './response-object.js';
import { wireToolNames, type WireToolName } from './client-tools.js';
import { customToolCall, freeformInput, functionCall, namespaceField } from './freeform-tools.js';
import { itemId, responseId, type Json } from './wire.js';
import { ZERO_USAGE, type Usage } from '../ir.js';

interface TextBlock {
  kind: 'text';
  outputIndex: number;
  itemId: string;
  text: string;
}

interface ToolBlock {
  kind: 'tool';
  outputIndex: number;
  itemId: string;
  callId: string;
  arguments: string;
  /** The client's name for the tool; a custom tool's text input is sent once whole, taken out of the function-form arguments. */
  tool: WireToolName;
}

/** One reasoning output item; several IR reasoning blocks with the same item id are its summary parts. */
interface ReasoningItem {
  /** -1 until the item is announced (another vendor's reasoning is announced only once it has text). */
  outputIndex: number;
  itemId: string;
  /** The IR item id this output item continues, when OpenAI produced it. */
  sourceItemId: string | undefined;
  own: boolean;
  vendor: Vendor | undefined;
  summary: string[];
  encrypted: string | undefined;
}

interface ReasoningBlock {
  kind: 'reasoning';
  item: ReasoningItem;
  partOpen: boolean;
  text: string;
}

type Block = TextBlock | ToolBlock | ReasoningBlock;

export class ResponsesStreamEncoder implements StreamEncoder {
  readonly #request: IRRequest;
  readonly #wire: (irName: string) => WireToolName;
  /** Whether Anthropic's signatures are carried in encrypted_content (carried-signatures.ts). */
  readonly #carry: boolean;
  #sequence = 0;
  #response: Json | undefined;
  #id = '';
  #usage: Usage = { ...ZERO_USAGE };
  #nextOutputIndex = 0;
  /** Finished output items by output index. */
  readonly #output: Json[] = [];
  readonly #open = new Map<string, Block>();
  /** A reasoning item whose summary parts are done but which may still get another part. */
  #pendingReasoning: ReasoningItem | undefined;
  #ended = false;

  constructor(request: IRRequest) {
    this.#request = request;
    this.#wire = wireToolNames(request);
    this.#carry = wantsEncryptedReasoning(request);
  }

  push(event: IREvent): string {
    if (this.#ended) return '';
    let out = '';
    if (event.type !== 'response-start') out += this.#start(`resp_${Date.now().toString(16)}`, Math.floor(Date.now() / 1000));
    if (this.#pendingReasoning && !this.#continuesReasoning(event)) out += this.#closeReasoningItem();
    switch (event.type) {
      case 'response-start':
        if (event.usage) this.#usage = { ...this.#usage, ...event.usage };
        return out + this.#start(responseId(event.id), event.created);
      case 'text-start':
        return out + this.#textStart(event.id);
      case 'text-delta':
        return out + this.#textDelta(event.id, event.delta);
      case 'text-end':
        return out + this.#textEnd(event.id);
      case 'reasoning-start':
        return out + this.#reasoningStart(event.id, event.vendor, event.itemId);
      case 'reasoning-delta':
        return out + this.#reasoningDelta(event.id, event.delta);
      case 'reasoning-signature': {
        const block = this.#open.get(event.id);
        if (block?.kind !== 'reasoning') return out;
        if (block.item.own && event.encrypted !== undefined) block.item.encrypted = event.encrypted;
        const carried = this.#carry ? carrySignature(block.item.vendor, { ...event, redacted: event.signature === undefined }) : undefined;
        if (carried !== undefined) {
          block.item.encrypted = carried;
          // Redacted thinking has no text to announce its item by.
          if (block.item.outputIndex === -1) out += this.#announceReasoning(block.item);
        }
        return out;
      }
      case 'reasoning-end':
        return out + this.#reasoningEnd(event.id);
      case 'tool-call-start':
        return out + this.#toolStart(event.id, event.toolCallId, event.name);
      case 'tool-call-delta':
        return out + this.#toolDelta(event.id, event.argumentsDelta);
      case 'tool-call-end':
        return out + this.#toolEnd(event.id);
      case 'usage':
        this.#usage = { ...this.#usage, ...event.usage };
        return out;
      case 'finish':
        if (event.usage) this.#usage = { ...this.#usage, ...event.usage };
        return out + this.#finish(event.finish);
      case 'error':
        return out + this.#fail(event.error);
      default:
        return out + (event satisfies never);
    }
  }

  end(): string {
    if (this.#ended || !this.#response) return '';
    return this.#fail({ kind: 'server', status: 502, message: 'The upstream stream ended before the response was complete.' });
  }

  #event(type: string, fields: Json): string {
    const data = { type, sequence_number: this.#sequence++, ...fields };
    return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
  }

  #start(id: string, created: number): string {
    if (this.#response) return '';
    this.#id = id;
    this.#response = responseObject(this.#request, id, created);
    return this.#event('response.created', { response: this.#response }) + this.#event('response.in_progress', { response: this.#response });
  }

  #continuesReasoning(event: IREvent): boolean {
    if (event.type === 'usage') return true;
    const pending = this.#pendingReasoning;
    return event.type === 'reasoning-start' && event.itemId !== undefined && pending?.sourceItemId === event.itemId && event.vendor === 'openai';
  }

  #allocate(): number {
    return this.#nextOutputIndex++;
  }

  #textStart(blockId: string): string {
    const outputIndex = this.#allocate();
    const block: TextBlock = { kind: 'text', outputIndex, itemId: itemId('msg', this.#id, outputIndex), text: '' };
    this.#open.set(blockId, block);
    return (
      this.#event('response.output_item.added', {
        output_index: outputIndex,
        item: { id: block.itemId, type: 'message', status: 'in_progress', content: [], role: 'assistant' },
      }) +
      this.#event('response.content_part.added', {
        item_id: block.itemId,
        output_index: outputIndex,
        content_index: 0,
        part: { type: 'output_text', annotations: [], logprobs: [], text: '' },
      })
    );
  }

  #textDelta(blockId: string, delta: string): string {
    let out = '';
    if (!this.#open.has(blockId)) out += this.#textStart(blockId);
    const block = this.#open.get(blockId);
    if (block?.kind !== 'text') return out;
    block.text += delta;
    return (
      out +
      this.#event('response.output_text.delta', { item_id: block.itemId, output_index: block.outputIndex, content_index: 0, delta, logprobs: [] })
    );
  }

  #textEnd(blockId: string): string {
    const block = this.#open.get(blockId);
    if (block?.kind !== 'text') return '';
    this.#open.delete(blockId);
    const part = { type: 'output_text', annotations: [], logprobs: [], text: block.text };
    const item = { id: block.itemId, type: 'message', status: 'completed', content: [part], role: 'assistant' };
    this.#output[block.outputIndex] = item;
    const where = { item_id: block.itemId, output_index: block.outputIndex, content_index: 0 };
    return (
      this.#event('response.output_text.done', { ...where, text: block.text, logprobs: [] }) +
      this.#event('response.content_part.done', { ...where, part }) +
      this.#event('response.output_item.done', { output_index: block.outputIndex, item })
    );
  }

  #reasoningStart(blockId: string, vendor: Vendor | undefined, sourceItemId: string | undefined): string {
    let item = this.#pendingReasoning;
    this.#pendingReasoning = undefined;
    let out = '';
    if (!item) {
      const own = vendor === 'openai';
      item = { outputIndex: -1, itemId: '', sourceItemId: own ? sourceItemId : undefined, own, vendor, summary: [], encrypted: undefined };
      // OpenAI reasoning is announced at once (it may carry only encrypted content).
      if (own) out += this.#announceReasoning(item);
    }
    this.#open.set(blockId, { kind: 'reasoning', item, partOpen: false, text: '' });
    return out;
  }

  #announceReasoning(item: ReasoningItem): string {
    item.outputIndex = this.#allocate();
    item.itemId = item.sourceItemId ?? itemId('rs', this.#id, item.outputIndex);
    return this.#event('response.output_item.added', {
      output_index: item.outputIndex,
      item: { id: item.itemId, type: 'reasoning', summary: [] },
    });
  }

  #reasoningDelta(blockId: string, delta: string): string {
    const block = this.#open.get(blockId);
    if (block?.kind !== 'reasoning' || delta === '') return '';
    const { item } = block;
    let out = '';
    if (item.outputIndex === -1) out += this.#announceReasoning(item);
    if (!block.partOpen) {
      block.partOpen = true;
      out += this.#event('response.reasoning_summary_part.added', {
        item_id: item.itemId,
        output_index: item.outputIndex,
        summary_index: item.summary.length,
        part: { type: 'summary_text', text: '' },
      });
    }
    block.text += delta;
    return (
      out +
      this.#event('response.reasoning_summary_text.delta', {
        item_id: item.itemId,
        output_index: item.outputIndex,
        summary_index: item.summary.length,
        delta,
      })
    );
  }

  #reasoningEnd(blockId: string): string {
    const block = this.#open.get(blockId);
    if (block?.kind !== 'reasoning') return '';
    this.#open.delete(blockId);
    const { item } = block;
    let out = '';
    if (block.partOpen) {
      const where = { item_id: item.itemId, output_index: item.outputIndex, summary_index: item.summary.length };
      out +=
        this.#event('response.reasoning_summary_text.done', { ...where, text: block.text }) +
        this.#event('response.reasoning_summary_part.done', { ...where, part: { type: 'summary_text', text: block.text } });
      item.summary.push(block.text);
    }
    // Closed on the next event unless that continues the same item with another summary part.
    if (item.outputIndex !== -1) this.#pendingReasoning = item;
    return out;
  }

  #closeReasoningItem(): string {
    const item = this.#pendingReasoning;
    this.#pendingReasoning = undefined;
    if (!item) return '';
    const done: Json = { id: item.itemId, type: 'reasoning', summary: item.summary.map((text) => ({ type: 'summary_text', text })) };
    if (item.encrypted !== undefined) done.encrypted_content = item.encrypted;
    this.#output[item.outputIndex] = done;
    return this.#event('response.output_item.done', { output_index: item.outputIndex, item: done });
  }

  #toolStart(blockId: string, callId: string, name: string): string {
    const outputIndex = this.#allocate();
    const tool = this.#wire(name);
    const block: ToolBlock = { kind: 'tool', outputIndex, itemId: itemId(tool.freeform ? 'ctc' : 'fc', this.#id, outputIndex), callId, arguments: '', tool };
    this.#open.set(blockId, block);
    const named = { name: tool.name, ...namespaceField(tool) };
    const item = tool.freeform
      ? { id: block.itemId, type: 'custom_tool_call', status: 'in_progress', call_id: callId, ...named, input: '' }
      : { id: block.itemId, type: 'function_call', status: 'in_progress', arguments: '', call_id: callId, ...named };
    return this.#event('response.output_item.added', { output_index: outputIndex, item });
  }

  #toolDelta(blockId: string, delta: string): string {
    const block = this.#open.get(blockId);
    if (block?.kind !== 'tool' || delta === '') return '';
    block.arguments += delta;
    if (block.tool.freeform) return '';
    return this.#event('response.function_call_arguments.delta', { item_id: block.itemId, output_index: block.outputIndex, delta });
  }

  #toolEnd(blockId: string): string {
    const block = this.#open.get(blockId);
    if (block?.kind !== 'tool') return '';
    this.#open.delete(blockId);
    if (block.tool.freeform) return this.#customToolEnd(block);
    const item = functionCall(block.itemId, block.callId, block.tool, block.arguments);
    this.#output[block.outputIndex] = item;
    return (
      this.#event('response.function_call_arguments.done', {
        item_id: block.itemId,
        output_index: block.outputIndex,
        name: block.tool.name,
        arguments: block.arguments,
      }) + this.#event('response.output_item.done', { output_index: block.outputIndex, item })
    );
  }

  /** @see https://platform.openai.com/docs/api-reference/responses-streaming/response/custom_tool_call_input */
  #customToolEnd(block: ToolBlock): string {
    const input = freeformInput(block.arguments);
    const item = customToolCall(block.itemId, block.callId, block.tool, input);
    this.#output[block.outputIndex] = item;
    const at = { item_id: block.itemId, output_index: block.outputIndex };
    return (
      (input === '' ? '' : this.#event('response.custom_tool_call_input.delta', { ...at, delta: input })) +
      this.#event('response.custom_tool_call_input.done', { ...at, input }) +
      this.#event('response.output_item.done', { output_index: block.outputIndex, item })
    );
  }

  /** Closes whatever is still open, in the order it was opened. */
  #closeAll(): string {
    let out = '';
    for (const [blockId, block] of [...this.#open]) {
      if (block.kind === 'text') out += this.#textEnd(blockId);
      else if (block.kind === 'tool') out += this.#toolEnd(blockId);
      else {
        out += this.#reasoningEnd(blockId);
        out += this.#closeReasoningItem();
      }
    }
    return out + this.#closeReasoningItem();
  }

  #finalOutput(): Json[] {
    return this.#output.filter((item) => item !== undefined);
  }

  #finish(finish: IRFinish): string {
    const out = this.#closeAll();
    this.#ended = true;
    const status = encodeFinish(finish);
    const response = finishResponseObject(this.#response ?? {}, status, this.#finalOutput(), encodeUsage(this.#usage));
    const type = status.status === 'completed' ? 'response.completed' : status.status === 'incomplete' ? 'response.incomplete' : 'response.failed';
    return out + this.#event(type, { response });
  }

  /** A failure mid-stream: the response ends as `failed` with what was finished so far. */
  #fail(error: IRError): string {
    this.#ended = true;
    const response = finishResponseObject(this.#response ?? {}, { status: 'failed' }, this.#finalOutput(), encodeUsage(this.#usage), error);
    return this.#event('response.failed', { response });
  }
}
