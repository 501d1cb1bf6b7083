import { GatewayError } from '../../protocols/errors.js';
import type { IRPart, IRResponse } from '../ir.js';
import { isRecord } from '../shared/json.js';
import { decodeOpenAIChatUsage } from './convert-openai-chat-usage.js';
import { decodeOpenAIChatFinishReason } from './map-openai-chat-finish-reason.js';

/**
 * An upstream's `chat.completion` body -> IR. Reads the first choice only.
 * Readable reasoning comes from `reasoning_content` (DeepSeek, vLLM, and most
 * compatible servers) or `reasoning` (OpenRouter, newer vLLM); OpenAI itself
 * sends none. A `refusal` becomes text.
 * @see https://platform.openai.com/docs/api-reference/chat/object
 */
export function decodeOpenAIChatResponse(body: unknown): IRResponse {
  if (!isRecord(body)) throw new GatewayError('SB_ERR_UPSTREAM_INVALID', 'upstream answer is not a chat.completion object');
  const choices = Array.isArray(body.choices) ? body.choices : [];
  const choice: unknown = choices.find((c) => isRecord(c) && c.index === 0) ?? choices[0];
  const message = isRecord(choice) && isRecord(choice.message) ? choice.message : {};
  return {
    id: typeof body.id === 'string' ? body.id : '',
    model: typeof body.model === 'string' ? body.model : '',
    content: decodeMessageContent(message),
    finish: decodeOpenAIChatFinishReason(isRecord(choice) && typeof choice.finish_reason === 'string' ? choice.finish_reason : null),
    usage: decodeOpenAIChatUsage(body.usage),
    created: typeof body.created === 'number' ? body.created : 0,
  };
}

/** Upstream message -> IR parts: reasoning, text, refusal, tool calls (ids synthesized as `call_<index>` when missing, as for a legacy `function_call`). */
export function decodeMessageContent(message: Record<string, unknown>): IRPart[] {
  const parts: IRPart[] = [];
  const reasoning = readableReasoning(message);
  if (reasoning) parts.push({ type: 'reasoning', text: reasoning });
  if (typeof message.content === 'string' && message.content !== '') parts.push({ type: 'text', text: message.content });
  if (typeof message.refusal === 'string' && message.refusal !== '') parts.push({ type: 'text', text: message.refusal });
  const calls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
  calls.forEach((call: unknown, i) => {
    if (!isRecord(call) || !isRecord(call.function)) return;
    const args = call.function.arguments;
    parts.push({
      type: 'tool-call',
      id: typeof call.id === 'string' && call.id !== '' ? call.id : `call_${i}`,
      name: typeof call.function.name === 'string' ? call.function.name : '',
      // Some compatible servers send the arguments as an object instead of JSON text.
      arguments: typeof args === 'string' ? args : args === undefined || args === null ? '' : JSON.stringify(args),
    });
  });
  // The deprecated functions API: one call, no id.
  if (isRecord(message.function_call) && calls.length === 0) {
    const fn = message.function_call;
    parts.push({
      type: 'tool-call',
      id: 'call_0',
      name: typeof fn.name === 'string' ? fn.name : '',
      arguments: typeof fn.arguments === 'string' ? fn.arguments : '',
    });
  }
  return parts;
}

/**
 * Readable reasoning of a message or delta: `reasoning_content` or
 * `reasoning` when a non-empty string, else the text and summary entries of
 * OpenRouter's `reasoning_details` (its encrypted entries mean nothing elsewhere).
 * @see https://openrouter.ai/docs/use-cases/reasoning-tokens#reasoning-details
 */
export function readableReasoning(source: Record<string, unknown>): string | undefined {
  for (const key of ['reasoning_content', 'reasoning']) {
    const value = source[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  if (!Array.isArray(source.reasoning_details)) return undefined;
  let text = '';
  for (const detail of source.reasoning_details) {
    if (!isRecord(detail)) continue;
    if (detail.type === 'reasoning.text' && typeof detail.text === 'string') text += detail.text;
    else if (detail.type === 'reasoning.summary' && typeof detail.summary === 'string') text += detail.summary;
  }
  return text === '' ? undefined : text;
}
