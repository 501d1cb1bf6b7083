import type { StreamDecoder } from '../codec.js';
import type { IREvent, IRFinish, Usage } from '../ir.js';
import { isRecord } from '../shared/json.js';
import type { SseEvent } from '../sse.js';
import { decodeGeminiUsage } from './convert-gemini-usage.js';
import { responseCallIds, createdOf, finishOf } from './decode-response.js';
import { decodeGeminiError } from './errors.js';
import type { GeminiResponse } from './gemini-wire.js';
import { field } from './json.js';

type Block = { kind: 'text' | 'reasoning'; id: string; signed: boolean };

/**
 * An upstream `streamGenerateContent?alt=sse` stream -> IR events. Each
 * `data:` chunk is a whole GenerateContentResponse holding the next parts:
 * consecutive text (or thought) parts continue one block; a function call
 * arrives whole and becomes a start / one delta / end. A `thoughtSignature`
 * on a part that is not a thought closes the reasoning before it (an empty
 * reasoning block when there is none), as decode-parts.ts does. The finish
 * waits for the end of the stream, since usage may follow the finish reason.
 * @see https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
 */
export class GeminiStreamDecoder implements StreamDecoder {
  #started = false;
  #responseId: string | undefined;
  #ids = responseCallIds(undefined);
  #open: Block | undefined;
  #blocks = 0;
  #sawFunctionCall = false;
  #finish: IRFinish | undefined;
  #usage: Usage | undefined;
  #failed = false;
  #ended = false;

  push(event: SseEvent): IREvent[] {
    const data = event.data.trim();
    if (this.#ended || data === '' || data === '[DONE]') return [];
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      return [];
    }
    if (!isRecord(chunk)) return [];
    const out: IREvent[] = [];
    if (isRecord(chunk.error)) {
      this.#start(out, {});
      const code = typeof chunk.error.code === 'number' ? chunk.error.code : 500;
      out.push({ type: 'error', error: decodeGeminiError(code, data) });
      this.#failed = true;
      return out;
    }
    const response = chunk as GeminiResponse;
    this.#start(out, response);
    const candidate = Array.isArray(response.candidates) && isRecord(response.candidates[0]) ? response.candidates[0] : undefined;
    const parts = isRecord(candidate?.content) && Array.isArray(candidate.content.parts) ? candidate.content.parts : [];
    for (const part of parts) if (isRecord(part)) this.#part(part, out);

    const usage = decodeGeminiUsage(response.usageMetadata);
    if (usage && !sameUsage(usage, this.#usage)) {
      this.#usage = usage;
      out.push({ type: 'usage', usage });
    }
    const raw = typeof candidate?.finishReason === 'string' ? candidate.finishReason : undefined;
    const finish = finishOf(response, raw, this.#sawFunctionCall);
    if (finish) {
      this.#close(out);
      this.#finish = finish;
    }
    return out;
  }

  end(): IREvent[] {
    if (this.#ended) return [];
    this.#ended = true;
    const out: IREvent[] = [];
    this.#start(out, {});
    this.#close(out);
    let finish = this.#finish ?? { unified: this.#failed ? 'error' : 'other', raw: null };
    // a finish reason seen before the function calls (it is not) would still say tool calls
    if (finish.raw === 'STOP' && this.#sawFunctionCall) finish = { ...finish, unified: 'tool-calls' };
    out.push({ type: 'finish', finish, ...(this.#usage ? { usage: this.#usage } : {}) });
    return out;
  }

  #start(out: IREvent[], response: GeminiResponse): void {
    if (this.#started) return;
    this.#started = true;
    this.#responseId = typeof response.responseId === 'string' ? response.responseId : undefined;
    this.#ids = responseCallIds(this.#responseId);
    out.push({
      type: 'response-start',
      id: this.#responseId ?? '',
      model: typeof response.modelVersion === 'string' ? response.modelVersion : '',
      created: createdOf(response),
    });
  }

  #part(part: Record<string, unknown>, out: IREvent[]): void {
    const signature = field(part, 'thoughtSignature');
    const sig = typeof signature === 'string' ? signature : undefined;
    const text = typeof part.text === 'string' ? part.text : undefined;
    if (part.thought === true) {
      const open = this.#open;
      const block = open?.kind === 'reasoning' && !open.signed ? open : this.#begin('reasoning', out);
      if (text) out.push({ type: 'reasoning-delta', id: block.id, delta: text });
      if (sig !== undefined) {
        out.push({ type: 'reasoning-signature', id: block.id, signature: sig });
        block.signed = true;
      }
      return;
    }
    if (sig !== undefined) this.#sign(sig, out);
    const call = field(part, 'functionCall');
    if (isRecord(call) && typeof call.name === 'string') {
      this.#close(out);
      const id = `tool-${this.#blocks++}`;
      const toolCallId = typeof call.id === 'string' ? call.id : this.#ids.call(call.name);
      this.#ids.seen(toolCallId, call.name);
      this.#sawFunctionCall = true;
      out.push(
        { type: 'tool-call-start', id, toolCallId, name: call.name },
        { type: 'tool-call-delta', id, argumentsDelta: JSON.stringify(isRecord(call.args) ? call.args : {}) },
        { type: 'tool-call-end', id },
      );
      return;
    }
    // an empty text part (often just carrying a signature) opens no block
    if (text) {
      const block = this.#open?.kind === 'text' ? this.#open : this.#begin('text', out);
      out.push({ type: 'text-delta', id: block.id, delta: text });
    }
    // inlineData, executableCode, codeExecutionResult: no IR stream event carries them
  }

  /** A signature on a part that is not a thought: it closes the unsigned reasoning before it, or a new empty one. */
  #sign(signature: string, out: IREvent[]): void {
    const open = this.#open;
    const block = open?.kind === 'reasoning' && !open.signed ? open : this.#begin('reasoning', out);
    out.push({ type: 'reasoning-signature', id: block.id, signature });
    block.signed = true;
    this.#close(out);
  }

  #begin(kind: Block['kind'], out: IREvent[]): Block {
    this.#close(out);
    const block: Block = { kind, id: `${kind}-${this.#blocks++}`, signed: false };
    out.push(kind === 'text' ? { type: 'text-start', id: block.id } : { type: 'reasoning-start', id: block.id, vendor: 'gemini' });
    this.#open = block;
    return block;
  }

  #close(out: IREvent[]): void {
    const open = this.#open;
    if (!open) return;
    out.push({ type: open.kind === 'text' ? 'text-end' : 'reasoning-end', id: open.id });
    this.#open = undefined;
  }
}

function sameUsage(a: Usage, b: Usage | undefined): boolean {
  return (
    b !== undefined &&
    a.inputTokens === b.inputTokens &&
    a.outputTokens === b.outputTokens &&
    a.cacheReadTokens === b.cacheReadTokens &&
    a.cacheWriteTokens === b.cacheWriteTokens &&
    a.reasoningTokens === b.reasoningTokens
  );
}
