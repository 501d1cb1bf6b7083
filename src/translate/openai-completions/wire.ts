import type { ChatUsage } from '../openai-chat/openai-chat-wire.js';

/**
 * OpenAI's legacy Completions wire types, as far as Switchboard writes them.
 * The usage object is the one Chat Completions uses (`CompletionUsage`).
 * @see https://platform.openai.com/docs/api-reference/completions/object
 */
export interface CompletionChoice {
  text: string;
  index: number;
  logprobs: null;
  finish_reason: string | null;
}

export interface TextCompletion {
  id: string;
  object: 'text_completion';
  created: number;
  model: string;
  choices: CompletionChoice[];
  usage?: ChatUsage | null;
}
