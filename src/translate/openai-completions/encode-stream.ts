import type { StreamEncoder } from '../codec.js';
import type { IREvent, IRRequest, Usage } from '../ir.js';
import { encodeOpenAIChatUsage } from '../openai-chat/convert-openai-chat-usage.js';
import { encodeOpenAIChatStreamError } from '../openai-chat/encode-error.js';
import { completionsClientWantsUsage, echoedPrompt } from './decode-request.js';
import { completionId, encodeCompletionsFinishReason } from './finish-reason.js';
import type { CompletionChoice, TextCompletion } from './wire.js';

/**
 * IR events -> the SSE a streaming legacy Completions client expects: each
 * text delta as a `text_completion` chunk with one choice (`text`,
 * `finish_reason: null`), the prompt first when the client asked for `echo`,
 * a chunk with empty text and the `finish_reason`, then, only when the client
 * asked for it, a `choices: []` chunk with usage (every chunk then has
 * `"usage": null`), and `data: [DONE]`. Reasoning and tool calls are left out.
 * @see https://platform.openai.com/docs/api-reference/completions/create#completions-create-stream
 */
export class OpenAICompletionsStreamEncoder implements StreamEncoder {
  readonly #model: string;
  readonly #includeUsage: boolean;
  readonly #echo: string;
  #id = '';
  #created = 0;
  #started = false;
  #errored = false;
  #ended = false;
  #usage: Partial<Usage> = {};

  constructor(request: IRRequest) {
    this.#model = request.model;
    this.#includeUsage = completionsClientWantsUsage(request);
    this.#echo = echoedPrompt(request);
  }

  push(event: IREvent): string {
    if (this.#errored || this.#ended) return '';
    switch (event.type) {
      case 'response-start':
        if (event.usage) this.#usage = { ...this.#usage, ...event.usage };
        return this.#start(event.id, event.created);
      case 'text-delta':
        return event.delta === '' ? '' : this.#start() + this.#choice(event.delta, null);
      case 'usage':
        this.#usage = { ...this.#usage, ...event.usage };
        return '';
      case 'finish':
        if (event.usage) this.#usage = { ...this.#usage, ...event.usage };
        return this.#start() + this.#choice('', encodeCompletionsFinishReason(event.finish));
      case 'error':
        this.#errored = true;
        // The same error frame as Chat's: the OpenAI SDKs raise an APIError for a chunk that carries `error`.
        return encodeOpenAIChatStreamError(event.error);
      case 'text-start':
      case 'text-end':
      case 'reasoning-start':
      case 'reasoning-delta':
      case 'reasoning-signature':
      case 'reasoning-end':
      case 'tool-call-start':
      case 'tool-call-delta':
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
    if (this.#includeUsage && this.#started && !this.#errored) out += this.#frame([], encodeOpenAIChatUsage(this.#usage));
    return `${out}data: [DONE]\n\n`;
  }

  /** Takes `id` / `created` from response-start when it leads, as it should; sends the echoed prompt, if any, once. */
  #start(id?: string, created?: number): string {
    if (this.#started) return '';
    this.#started = true;
    this.#id = completionId(id ?? '');
    this.#created = created || Math.floor(Date.now() / 1000);
    return this.#echo === '' ? '' : this.#choice(this.#echo, null);
  }

  #choice(text: string, finishReason: string | null): string {
    return this.#frame([{ text, index: 0, logprobs: null, finish_reason: finishReason }], null);
  }

  #frame(choices: CompletionChoice[], usage: TextCompletion['usage']): string {
    const chunk: TextCompletion = {
      id: this.#id,
      object: 'text_completion',
      created: this.#created,
      model: this.#model,
      choices,
      ...(this.#includeUsage ? { usage } : {}),
    };
    return `data: ${JSON.stringify(chunk)}\n\n`;
  }
}
