import type { StreamEncoder } from '../codec.js';
import { replayedField, sameProtocolExtra } from '../extra.js';
import type { IREvent, IRRequest, Usage } from '../ir.js';
import { isRecord } from '../shared/json.js';
import { encodeOpenAIChatUsage } from './convert-openai-chat-usage.js';
import { encodeOpenAIChatStreamError } from './encode-error.js';
import { encodeOpenAIChatFinishReason } from './map-openai-chat-finish-reason.js';
import type { ChatCompletionChunk } from './openai-chat-wire.js';

type Delta = ChatCompletionChunk['choices'][number]['delta'];

/** Whether the client asked for the usage chunk (`stream_options.include_usage`, kept in `extra.replay`). */
export function clientWantsUsage(request: IRRequest): boolean {
  const own = sameProtocolExtra(request, 'openai-chat');
  const options = own ? replayedField(own, 'stream_options') : undefined;
  return isRecord(options) && options.include_usage === true;
}

/**
 * IR events -> the `chat.completion.chunk` SSE frames an OpenAI Chat client
 * expects: a first chunk with `delta.role`, content / `reasoning_content` /
 * `tool_calls` deltas (a call's first delta carries index, id, type and name;
 * later ones only index and arguments), a chunk with an empty delta and the
 * `finish_reason`, then, only when the client asked for it, a `choices: []`
 * chunk with usage (every chunk then has `"usage": null`), and `data: [DONE]`.
 * Readable reasoning goes out as `reasoning_content` deltas, as DeepSeek and
 * vLLM send them. State is a few counters and the latest usage figures.
 * @see https://platform.openai.com/docs/api-reference/chat-streaming/streaming
 */
export class OpenAIChatStreamEncoder implements StreamEncoder {
  readonly #model: string;
  readonly #includeUsage: boolean;
  #id = '';
  #created = 0;
  #started = false;
  #errored = false;
  #ended = false;
  /** IR tool block id -> OpenAI tool call index. */
  #toolIndex = new Map<string, number>();
  #usage: Partial<Usage> = {};

  constructor(request: IRRequest) {
    this.#model = request.model;
    this.#includeUsage = clientWantsUsage(request);
  }

  push(event: IREvent): string {
    if (this.#errored || this.#ended) return '';
    switch (event.type) {
      case 'response-start':
        if (event.usage) this.#usage = { ...this.#usage, ...event.usage };
        return this.#start(event.id, event.created);
      case 'text-delta':
        return event.delta === '' ? '' : this.#start() + this.#chunk({ content: event.delta });
      case 'reasoning-delta':
        return event.delta === '' ? '' : this.#start() + this.#chunk({ reasoning_content: event.delta });
      case 'tool-call-start': {
        const index = this.#toolIndex.size;
        this.#toolIndex.set(event.id, index);
        return this.#start() + this.#chunk({ tool_calls: [{ index, id: event.toolCallId, type: 'function', function: { name: event.name, arguments: '' } }] });
      }
      case 'tool-call-delta': {
        const index = this.#toolIndex.get(event.id);
        if (index === undefined || event.argumentsDelta === '') return '';
        return this.#chunk({ tool_calls: [{ index, function: { arguments: event.argumentsDelta } }] });
      }
      case 'usage':
        this.#usage = { ...this.#usage, ...event.usage };
        return '';
      case 'finish':
        if (event.usage) this.#usage = { ...this.#usage, ...event.usage };
        return this.#start() + this.#chunk({}, encodeOpenAIChatFinishReason(event.finish));
      case 'error':
        this.#errored = true;
        return encodeOpenAIChatStreamError(event.error);
      case 'text-start':
      case 'text-end':
      case 'reasoning-start':
      case 'reasoning-signature':
      case 'reasoning-end':
      case 'tool-call-end':
        return '';
      default:
        return event satisfies never;
    }
  }

  end(): string {
    if (this.#ended) return '';
    this.#ended = true;
    let out = '';
    if (this.#includeUsage && this.#started && !this.#errored) {
      out += this.#frame([], encodeOpenAIChatUsage(this.#usage));
    }
    return `${out}data: [DONE]\n\n`;
  }

  /** The first chunk (role), once; `id`/`created` come from response-start when it leads, as it should. */
  #start(id?: string, created?: number): string {
    if (this.#started) return '';
    this.#started = true;
    this.#id = id || `chatcmpl-${Date.now().toString(36)}`;
    this.#created = created || Math.floor(Date.now() / 1000);
    return this.#chunk({ role: 'assistant', content: '', refusal: null });
  }

  #chunk(delta: Delta, finishReason: string | null = null): string {
    return this.#frame([{ index: 0, delta, logprobs: null, finish_reason: finishReason }], null);
  }

  #frame(choices: ChatCompletionChunk['choices'], usage: ChatCompletionChunk['usage']): string {
    const chunk: ChatCompletionChunk = {
      id: this.#id,
      object: 'chat.completion.chunk',
      created: this.#created,
      model: this.#model,
      choices,
      ...(this.#includeUsage ? { usage } : {}),
    };
    return `data: ${JSON.stringify(chunk)}\n\n`;
  }
}
