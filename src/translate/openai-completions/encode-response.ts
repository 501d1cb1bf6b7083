import type { IRRequest, IRResponse } from '../ir.js';
import { encodeOpenAIChatUsage } from '../openai-chat/convert-openai-chat-usage.js';
import { echoedPrompt } from './decode-request.js';
import { completionId, encodeCompletionsFinishReason } from './finish-reason.js';
import type { TextCompletion } from './wire.js';

/**
 * IR -> the `text_completion` body a legacy Completions client gets: the
 * answer's text parts joined (after the prompt when the client asked for
 * `echo`), one choice, `logprobs: null`. Reasoning and tool calls have no
 * place in this shape and are left out. `model` is the model the client asked for.
 * @see https://platform.openai.com/docs/api-reference/completions/object
 */
export function encodeOpenAICompletionsResponse(response: IRResponse, request: IRRequest): TextCompletion {
  let text = echoedPrompt(request);
  for (const part of response.content) if (part.type === 'text') text += part.text;
  return {
    id: completionId(response.id),
    object: 'text_completion',
    created: response.created,
    model: request.model,
    choices: [{ text, index: 0, logprobs: null, finish_reason: encodeCompletionsFinishReason(response.finish) }],
    // The same usage object as Chat's (`CompletionUsage`).
    usage: encodeOpenAIChatUsage(response.usage),
  };
}
