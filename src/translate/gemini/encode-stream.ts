import type { StreamEncoder } from '../codec.js';
import type { IREvent, IRRequest, Vendor, Usage } from '../ir.js';
import { isRecord } from '../shared/json.js';
import { encodeGeminiUsage } from './convert-gemini-usage.js';
import { encodeGeminiStreamError } from './errors.js';
import type { GeminiPart, GeminiResponse } from './gemini-wire.js';
import { isSyntheticId } from './gemini-tool-ids.js';
import { encodeGeminiFinishReason } from './map-gemini-finish-reason.js';

/**
 * IR events -> `streamGenerateContent?alt=sse` chunks, as the @google/genai
 * SDK reads them: every chunk a whole GenerateContentResponse
 * (`data: {…}` and a blank line, CRLF like Google's servers) holding just the
 * new parts; a function call is sent whole once its arguments are complete;
 * the last chunk carries `finishReason` and `usageMetadata`. State is one
 * pending signature and the arguments of the open tool calls.
 * @see https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
 */
export class GeminiStreamEncoder implements StreamEncoder {
  readonly #model: string;
  #responseId = '';
  #reasoningVendor = new Map<string, Vendor | undefined>();
  #tools = new Map<string, { toolCallId: string; name: string; args: string }>();
  #textWritten = new Map<string, boolean>();
  /** A Gemini signature waiting for the part after its reasoning. */
  #signature: string | undefined;
  #usage: Partial<Usage> = {};
  #done = false;

  constructor(request: IRRequest) {
    this.#model = request.model;
  }

  push(event: IREvent): string {
    if (this.#done) return '';
    switch (event.type) {
      case 'response-start':
        this.#responseId = event.id;
        if (event.usage) this.#usage = { ...this.#usage, ...event.usage };
        return '';
      case 'text-start':
        this.#textWritten.set(event.id, false);
        return '';
      case 'text-delta':
        if (event.delta === '') return '';
        this.#textWritten.set(event.id, true);
        return this.#chunk([this.#signed({ text: event.delta })]);
      case 'text-end': {
        const written = this.#textWritten.get(event.id);
        this.#textWritten.delete(event.id);
        // an empty text part that only carried a signature (Gemini 3 ends answers so)
        return written === false && this.#signature !== undefined ? this.#chunk([this.#signed({ text: '' })]) : '';
      }
      case 'reasoning-start': {
        this.#reasoningVendor.set(event.id, event.vendor);
        const flushed = this.#flushSignature();
        return flushed ? this.#chunk([flushed]) : '';
      }
      case 'reasoning-delta':
        return event.delta === '' ? '' : this.#chunk([{ text: event.delta, thought: true }]);
      case 'reasoning-signature': {
        // only Gemini can verify its signatures; others are dropped
        if (this.#reasoningVendor.get(event.id) !== 'gemini' || event.signature === undefined) return '';
        const flushed = this.#flushSignature();
        this.#signature = event.signature;
        return flushed ? this.#chunk([flushed]) : '';
      }
      case 'reasoning-end':
        this.#reasoningVendor.delete(event.id);
        return '';
      case 'tool-call-start':
        this.#tools.set(event.id, { toolCallId: event.toolCallId, name: event.name, args: '' });
        return '';
      case 'tool-call-delta': {
        const tool = this.#tools.get(event.id);
        if (tool) tool.args += event.argumentsDelta;
        return '';
      }
      case 'tool-call-end': {
        const tool = this.#tools.get(event.id);
        if (!tool) return '';
        this.#tools.delete(event.id);
        const args = parseArgs(tool.args);
        const functionCall = { name: tool.name, args, ...(isSyntheticId(tool.toolCallId) ? {} : { id: tool.toolCallId }) };
        return this.#chunk([this.#signed({ functionCall })]);
      }
      case 'usage':
        this.#usage = { ...this.#usage, ...event.usage };
        return '';
      case 'finish':
        this.#done = true;
        if (event.usage) this.#usage = { ...this.#usage, ...event.usage };
        return this.#final(encodeGeminiFinishReason(event.finish));
      case 'error':
        this.#done = true;
        return encodeGeminiStreamError(event.error);
      default:
        return event satisfies never;
    }
  }

  end(): string {
    if (this.#done) return '';
    this.#done = true;
    return this.#final('OTHER');
  }

  #signed(part: GeminiPart): GeminiPart {
    if (this.#signature === undefined) return part;
    const signed = { ...part, thoughtSignature: this.#signature };
    this.#signature = undefined;
    return signed;
  }

  /** A signature that found no part after it stays on its reasoning, as an empty thought part. */
  #flushSignature(): GeminiPart | undefined {
    if (this.#signature === undefined) return undefined;
    const part = { text: '', thought: true, thoughtSignature: this.#signature };
    this.#signature = undefined;
    return part;
  }

  /** The last chunk; a signature still waiting ends it on an empty text part, as Gemini 3 ends its answers. */
  #final(finishReason: string): string {
    return this.#chunk([this.#signed({ text: '' })], finishReason, true);
  }

  #chunk(parts: GeminiPart[], finishReason?: string, withUsage = false): string {
    const response: GeminiResponse = {
      candidates: [{ content: { role: 'model', parts }, ...(finishReason ? { finishReason } : {}), index: 0 }],
      ...(withUsage ? { usageMetadata: encodeGeminiUsage(this.#usage) } : {}),
      modelVersion: this.#model,
      responseId: this.#responseId,
    };
    return `data: ${JSON.stringify(response)}\r\n\r\n`;
  }
}

function parseArgs(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return isRecord(parsed) ? parsed : { value: parsed };
  } catch {
    return {};
  }
}
