import { GatewayError } from '../../protocols/errors.js';
import type { IRResponse } from '../ir.js';
import { decodeOpenAIChatUsage } from '../openai-chat/convert-openai-chat-usage.js';
import { isRecord } from '../shared/json.js';
import { decodeCompletionsFinishReason } from './finish-reason.js';

/**
 * An upstream's `text_completion` body -> IR (the first choice). Completions
 * are passed through, never translated to, so this reads an answer only to
 * count what it holds.
 * @see https://platform.openai.com/docs/api-reference/completions/object
 */
export function decodeOpenAICompletionsResponse(body: unknown): IRResponse {
  if (!isRecord(body)) throw new GatewayError('SB_ERR_UPSTREAM_INVALID', 'upstream answer is not a text_completion object');
  const choices = Array.isArray(body.choices) ? body.choices : [];
  const choice: unknown = choices.find((c) => isRecord(c) && c.index === 0) ?? choices[0];
  const text = isRecord(choice) && typeof choice.text === 'string' ? choice.text : '';
  return {
    id: typeof body.id === 'string' ? body.id : '',
    model: typeof body.model === 'string' ? body.model : '',
    content: text === '' ? [] : [{ type: 'text', text }],
    finish: decodeCompletionsFinishReason(isRecord(choice) ? choice.finish_reason : null),
    usage: decodeOpenAIChatUsage(body.usage),
    created: typeof body.created === 'number' ? body.created : 0,
  };
}
