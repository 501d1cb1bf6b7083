import type { IRPart, IRRequest, IRResponse } from '../ir.js';
import type { WireObject } from './anthropic-wire.js';
import { toAnthropicUsage } from './convert-anthropic-usage.js';
import { toolInput } from './encode-content.js';
import { toAnthropicStopReason } from './map-anthropic-finish-reason.js';

/**
 * IR answer part -> Anthropic response content block. Reasoning from another
 * vendor is shown as a `thinking` block with an empty signature when it has
 * readable text (its signature or encrypted content means nothing here);
 * parts a response cannot hold (tool results, media) are left out.
 */
function encodeAnswerPart(part: IRPart): WireObject | undefined {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: part.text };
    case 'tool-call':
      return { type: 'tool_use', id: part.id, name: part.name, input: toolInput(part.arguments, `tool call ${part.id}`, []) };
    case 'reasoning':
      if (part.vendor === 'anthropic' && part.redacted) return { type: 'redacted_thinking', data: part.encrypted ?? '' };
      if (part.vendor === 'anthropic') return { type: 'thinking', thinking: part.text, signature: part.signature ?? '' };
      return part.text === '' ? undefined : { type: 'thinking', thinking: part.text, signature: '' };
    default:
      return undefined;
  }
}

/**
 * IR -> the Anthropic Messages body the client reads, under the model name it asked for.
 * @see https://docs.anthropic.com/en/api/messages#response
 */
export function encodeAnthropicResponse(response: IRResponse, request: IRRequest): WireObject {
  return {
    id: response.id,
    type: 'message',
    role: 'assistant',
    model: request.model,
    content: response.content.map(encodeAnswerPart).filter((b): b is WireObject => b !== undefined),
    stop_reason: toAnthropicStopReason(response.finish),
    stop_sequence: response.finish.stopSequence ?? null,
    usage: toAnthropicUsage(response.usage),
  };
}
