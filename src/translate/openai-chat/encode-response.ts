import type { IRRequest, IRResponse } from '../ir.js';
import { encodeOpenAIChatUsage } from './convert-openai-chat-usage.js';
import { encodeOpenAIChatFinishReason } from './map-openai-chat-finish-reason.js';
import type { ChatCompletion, ChatToolCall } from './openai-chat-wire.js';

/**
 * IR -> the `chat.completion` body an OpenAI Chat client gets. Text parts are
 * joined into `content` (null when there are only tool calls); readable
 * reasoning is shown as `reasoning_content`, as DeepSeek and vLLM do (the
 * OpenAI SDKs keep unknown fields); signatures, encrypted reasoning, images
 * and files have no place and are left out. `model` is the model the client asked for.
 * @see https://platform.openai.com/docs/api-reference/chat/object
 */
export function encodeOpenAIChatResponse(response: IRResponse, request: IRRequest): ChatCompletion {
  let text = '';
  let hasText = false;
  let reasoning = '';
  const toolCalls: ChatToolCall[] = [];
  for (const part of response.content) {
    if (part.type === 'text') {
      text += part.text;
      hasText = true;
    } else if (part.type === 'reasoning') reasoning += part.text;
    else if (part.type === 'tool-call') toolCalls.push({ id: part.id, type: 'function', function: { name: part.name, arguments: part.arguments } });
  }
  const message: ChatCompletion['choices'][number]['message'] = {
    role: 'assistant',
    content: hasText ? text : toolCalls.length > 0 ? null : '',
    refusal: null,
    annotations: [],
  };
  if (reasoning !== '') message.reasoning_content = reasoning;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return {
    id: response.id,
    object: 'chat.completion',
    created: response.created,
    model: request.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: encodeOpenAIChatFinishReason(response.finish) }],
    usage: encodeOpenAIChatUsage(response.usage),
  };
}
