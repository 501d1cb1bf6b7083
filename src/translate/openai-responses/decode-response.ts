/**
 * OpenAI Responses response object (from an upstream) -> IR. Read loosely:
 * missing fields become empty values, and output items the IR has no place
 * for (hosted tool calls such as web_search_call) are skipped.
 * @see https://platform.openai.com/docs/api-reference/responses/object
 */
import type { IRPart, IRReasoningPart, IRResponse } from '../ir.js';
import { isRecord } from '../shared/json.js';
import { decodeUsage } from './convert-openai-responses-usage.js';
import { decodeFinish } from './map-openai-responses-finish-reason.js';
import { num, str, type Json } from './wire.js';

export function decodeResponse(body: unknown): IRResponse {
  if (!isRecord(body)) throw new Error('openai-responses: the upstream answer is not a response object');
  const output = Array.isArray(body.output) ? body.output.filter(isRecord) : [];
  const content = output.flatMap(decodeOutputItem);
  const details = isRecord(body.incomplete_details) ? body.incomplete_details : {};
  const hasToolCalls = content.some((part) => part.type === 'tool-call');
  return {
    id: str(body.id) ?? '',
    model: str(body.model) ?? '',
    content,
    finish: decodeFinish(str(body.status), str(details.reason), hasToolCalls),
    usage: decodeUsage(body.usage),
    created: num(body.created_at) ?? 0,
  };
}

/** One output item -> its IR parts (nothing for item types the IR cannot hold). */
export function decodeOutputItem(item: Json): IRPart[] {
  switch (item.type) {
    case 'message': {
      const content = Array.isArray(item.content) ? item.content.filter(isRecord) : [];
      return content.flatMap((part): IRPart[] => {
        if (part.type === 'output_text') return [{ type: 'text', text: str(part.text) ?? '' }];
        if (part.type === 'refusal') return [{ type: 'text', text: str(part.refusal) ?? '' }];
        return [];
      });
    }
    case 'function_call':
      return [{ type: 'tool-call', id: str(item.call_id) ?? '', name: str(item.name) ?? '', arguments: str(item.arguments) ?? '' }];
    case 'reasoning':
      return reasoningParts(item);
    default:
      return [];
  }
}

/** One IR part per summary part (one empty part without any text); encrypted content on the last. */
export function reasoningParts(item: Json): IRReasoningPart[] {
  const itemId = str(item.id);
  const summary = Array.isArray(item.summary) ? item.summary.filter(isRecord) : [];
  const texts = summary.map((part) => str(part.text) ?? '');
  // Without a summary, raw reasoning text (`content[].reasoning_text`, open-weight models) is the readable part.
  const content = Array.isArray(item.content) ? item.content.filter((part) => isRecord(part) && part.type === 'reasoning_text') : [];
  if (texts.length === 0 && content.length > 0) texts.push(content.map((part: Json) => str(part.text) ?? '').join(''));
  if (texts.length === 0) texts.push('');
  const parts: IRReasoningPart[] = texts.map((text) => ({ type: 'reasoning', text, vendor: 'openai', ...(itemId !== undefined ? { itemId } : {}) }));
  const encrypted = str(item.encrypted_content);
  if (encrypted !== undefined) parts[parts.length - 1]!.encrypted = encrypted;
  return parts;
}
