import type { StreamDecoder } from '../codec.js';
import type { IREvent, IRFinish, Usage } from '../ir.js';
import { isRecord } from '../shared/json.js';
import type { SseEvent } from '../sse.js';
import { chunkUsageOf, decodeOpenAIChatUsage } from './convert-openai-chat-usage.js';
import { classifyOpenAIChatError } from './decode-error.js';
import { readableReasoning } from './decode-response.js';
import { decodeOpenAIChatFinishReason } from './map-openai-chat-finish-reason.js';

/**
 * An upstream's `chat.completion.chunk` stream -> IR events.
 *
 * Blocks follow the order the deltas arrive in: reasoning (`reasoning_content`
 * or `reasoning`), text (`content`, `refusal`), then tool calls, each closed
 * when another kind starts. Tool calls are keyed by `index`; OpenAI streams
 * them one after another, so a new index closes the previous call (a late
 * delta for a closed index, which no known server sends, is dropped).
 * `finish_reason` closes every block, but `finish` waits for `[DONE]` or
 * the end of the stream, because the usage chunk (`choices: []`) comes after it.
 * @see https://platform.openai.com/docs/api-reference/chat-streaming/streaming
 */
export class OpenAIChatStreamDecoder implements StreamDecoder {
  #started = false;
  #finished = false;
  #errored = false;
  #blocks = 0;
  #text: string | undefined;
  #reasoning: string | undefined;
  /** OpenAI tool index -> IR block id; undefined once closed. */
  #tools = new Map<number, string | undefined>();
  #finish: IRFinish | undefined;
  #usage: Usage | undefined;

  push(event: SseEvent): IREvent[] {
    if (this.#finished) return [];
    const data = event.data.trim();
    if (data === '') return [];
    if (data === '[DONE]') return this.#end();
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      return []; // not a JSON frame (a keep-alive some servers send): nothing to decode
    }
    if (!isRecord(chunk)) return [];
    const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
    // Azure opens with a chunk that has no choices, an empty id and only prompt_filter_results.
    if (choices.length === 0 && !isRecord(chunk.usage) && (chunk.error === undefined || chunk.error === null)) return [];
    const out: IREvent[] = [];
    this.#start(chunk, out);

    if (chunk.error !== undefined && chunk.error !== null) {
      const error = isRecord(chunk.error) ? chunk.error : {};
      const message = typeof error.message === 'string' ? error.message : typeof chunk.error === 'string' ? chunk.error : 'upstream stream error';
      this.#closeAll(out);
      out.push({ type: 'error', error: classifyOpenAIChatError(0, error, message) });
      this.#errored = true;
      return out;
    }

    const choice: unknown = choices.find((c) => isRecord(c) && c.index === 0) ?? choices[0];
    if (isRecord(choice)) {
      if (isRecord(choice.delta)) this.#delta(choice.delta, out);
      if (typeof choice.finish_reason === 'string') {
        this.#closeAll(out);
        this.#finish = decodeOpenAIChatFinishReason(choice.finish_reason);
      }
    }
    const usage = chunkUsageOf(chunk);
    if (isRecord(usage)) {
      this.#usage = decodeOpenAIChatUsage(usage);
      out.push({ type: 'usage', usage: { ...this.#usage } });
    }
    return out;
  }

  end(): IREvent[] {
    return this.#end();
  }

  #start(chunk: Record<string, unknown>, out: IREvent[]): void {
    if (this.#started) return;
    this.#started = true;
    out.push({
      type: 'response-start',
      id: typeof chunk.id === 'string' ? chunk.id : '',
      model: typeof chunk.model === 'string' ? chunk.model : '',
      created: typeof chunk.created === 'number' ? chunk.created : 0,
    });
  }

  #delta(delta: Record<string, unknown>, out: IREvent[]): void {
    const reasoning = readableReasoning(delta);
    if (reasoning !== undefined) {
      this.#closeText(out);
      this.#closeTool(out);
      if (this.#reasoning === undefined) {
        this.#reasoning = `reasoning-${this.#blocks++}`;
        out.push({ type: 'reasoning-start', id: this.#reasoning });
      }
      out.push({ type: 'reasoning-delta', id: this.#reasoning, delta: reasoning });
    }
    for (const key of ['content', 'refusal']) {
      const text = delta[key];
      if (typeof text !== 'string' || text === '') continue;
      this.#closeReasoning(out);
      this.#closeTool(out);
      if (this.#text === undefined) {
        this.#text = `text-${this.#blocks++}`;
        out.push({ type: 'text-start', id: this.#text });
      }
      out.push({ type: 'text-delta', id: this.#text, delta: text });
    }
    // The deprecated functions API streams one call as `function_call` deltas.
    if (isRecord(delta.function_call)) this.#toolCall({ index: 0, function: delta.function_call }, 0, out);
    if (Array.isArray(delta.tool_calls)) {
      delta.tool_calls.forEach((call: unknown, position) => {
        if (isRecord(call)) this.#toolCall(call, position, out);
      });
    }
  }

  #toolCall(call: Record<string, unknown>, position: number, out: IREvent[]): void {
    const index = typeof call.index === 'number' ? call.index : position;
    const fn = isRecord(call.function) ? call.function : {};
    const args = typeof fn.arguments === 'string' ? fn.arguments : isRecord(fn.arguments) ? JSON.stringify(fn.arguments) : '';
    let id = this.#tools.get(index);
    if (id === undefined) {
      if (this.#tools.has(index)) return; // late delta for a call already closed
      this.#closeText(out);
      this.#closeReasoning(out);
      this.#closeTool(out);
      id = `tool-${this.#blocks++}`;
      this.#tools.set(index, id);
      out.push({
        type: 'tool-call-start',
        id,
        toolCallId: typeof call.id === 'string' && call.id !== '' ? call.id : `call_${index}`,
        name: typeof fn.name === 'string' ? fn.name : '',
      });
    }
    if (args !== '') out.push({ type: 'tool-call-delta', id, argumentsDelta: args });
  }

  #closeText(out: IREvent[]): void {
    if (this.#text === undefined) return;
    out.push({ type: 'text-end', id: this.#text });
    this.#text = undefined;
  }

  #closeReasoning(out: IREvent[]): void {
    if (this.#reasoning === undefined) return;
    out.push({ type: 'reasoning-end', id: this.#reasoning });
    this.#reasoning = undefined;
  }

  #closeTool(out: IREvent[]): void {
    for (const [index, id] of this.#tools) {
      if (id === undefined) continue;
      out.push({ type: 'tool-call-end', id });
      this.#tools.set(index, undefined);
    }
  }

  #closeAll(out: IREvent[]): void {
    this.#closeReasoning(out);
    this.#closeText(out);
    this.#closeTool(out);
  }

  #end(): IREvent[] {
    if (this.#finished) return [];
    this.#finished = true;
    const out: IREvent[] = [];
    this.#start({}, out);
    this.#closeAll(out);
    const finish: IRFinish = this.#errored ? { unified: 'error', raw: this.#finish?.raw ?? null } : (this.#finish ?? { unified: 'other', raw: null });
    out.push(this.#usage ? { type: 'finish', finish, usage: { ...this.#usage } } : { type: 'finish', finish });
    return out;
  }
}
