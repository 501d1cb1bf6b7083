import type { StreamDecoder } from '../codec.js';
import type { IREvent, IRFinish, Usage } from '../ir.js';
import { decodeOpenAIChatUsage } from '../openai-chat/convert-openai-chat-usage.js';
import { classifyOpenAIChatError } from '../openai-chat/decode-error.js';
import { isRecord } from '../shared/json.js';
import type { SseEvent } from '../sse.js';
import { decodeCompletionsFinishReason } from './finish-reason.js';

/**
 * An upstream's legacy Completions stream -> IR events: the first choice's
 * `text` as one text block, its `finish_reason`, the usage chunk
 * (`choices: []`) and an in-band error. `finish` waits for `[DONE]` or the
 * end of the stream, because the usage chunk comes after the finish_reason.
 * Used to count what a passed-through stream delivered.
 * @see https://platform.openai.com/docs/api-reference/completions/create#completions-create-stream
 */
export class OpenAICompletionsStreamDecoder implements StreamDecoder {
  #started = false;
  #finished = false;
  #errored = false;
  #textOpen = false;
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
      return []; // not a JSON frame (a keep-alive): nothing to decode
    }
    if (!isRecord(chunk)) return [];
    const out: IREvent[] = [];
    this.#start(chunk, out);
    if (chunk.error !== undefined && chunk.error !== null) {
      const error = isRecord(chunk.error) ? chunk.error : {};
      const message = typeof error.message === 'string' ? error.message : 'upstream stream error';
      this.#closeText(out);
      out.push({ type: 'error', error: classifyOpenAIChatError(0, error, message) });
      this.#errored = true;
      return out;
    }
    const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
    const choice: unknown = choices.find((c) => isRecord(c) && c.index === 0) ?? choices[0];
    if (isRecord(choice)) {
      if (typeof choice.text === 'string' && choice.text !== '') {
        if (!this.#textOpen) out.push({ type: 'text-start', id: 'text-0' });
        this.#textOpen = true;
        out.push({ type: 'text-delta', id: 'text-0', delta: choice.text });
      }
      if (typeof choice.finish_reason === 'string') {
        this.#closeText(out);
        this.#finish = decodeCompletionsFinishReason(choice.finish_reason);
      }
    }
    if (isRecord(chunk.usage)) {
      this.#usage = decodeOpenAIChatUsage(chunk.usage);
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

  #closeText(out: IREvent[]): void {
    if (!this.#textOpen) return;
    this.#textOpen = false;
    out.push({ type: 'text-end', id: 'text-0' });
  }

  #end(): IREvent[] {
    if (this.#finished) return [];
    this.#finished = true;
    const out: IREvent[] = [];
    this.#start({}, out);
    this.#closeText(out);
    // One closing text block: once closed, later text (a second choice's) is not reopened under the same id.
    const finish: IRFinish = this.#errored ? { unified: 'error', raw: this.#finish?.raw ?? null } : (this.#finish ?? { unified: 'other', raw: null });
    out.push(this.#usage ? { type: 'finish', finish, usage: { ...this.#usage } } : { type: 'finish', finish });
    return out;
  }
}
