import type { IRFinish, IRPart, IRResponse } from '../ir.js';
import { isRecord } from '../shared/json.js';
import { fromAnthropicUsage } from './convert-anthropic-usage.js';
import { isJsonOutputCall } from './json-output.js';
import { mapAnthropicStopReason } from './map-anthropic-finish-reason.js';

/**
 * Anthropic response content block -> IR part, read loosely. A call of the
 * JSON-output tool (see json-output.ts) is the answer itself, so it becomes
 * text. Server tool blocks (`server_tool_use`, `web_search_tool_result`, …)
 * and citations have no IR place and are left out.
 * @see https://docs.anthropic.com/en/api/messages#response-content
 */
export function decodeResponseBlock(block: unknown): IRPart | undefined {
  if (!isRecord(block)) return undefined;
  if (isJsonOutputCall(block)) return { type: 'text', text: JSON.stringify(isRecord(block.input) ? block.input : {}) };
  switch (block.type) {
    case 'text':
      return { type: 'text', text: typeof block.text === 'string' ? block.text : '' };
    case 'tool_use':
      return {
        type: 'tool-call',
        id: typeof block.id === 'string' ? block.id : '',
        name: typeof block.name === 'string' ? block.name : '',
        arguments: JSON.stringify(isRecord(block.input) ? block.input : {}),
      };
    case 'thinking': {
      const part: IRPart = { type: 'reasoning', text: typeof block.thinking === 'string' ? block.thinking : '', vendor: 'anthropic' };
      if (typeof block.signature === 'string') part.signature = block.signature;
      return part;
    }
    case 'redacted_thinking':
      return { type: 'reasoning', text: '', vendor: 'anthropic', redacted: true, encrypted: typeof block.data === 'string' ? block.data : '' };
    default:
      return undefined;
  }
}

/**
 * The finish of a reply: a `tool_use` stop caused only by the JSON-output tool
 * is a plain stop for the client.
 */
export function decodeFinish(stopReason: unknown, stopSequence: unknown, onlyJsonOutputCalls: boolean): IRFinish {
  const raw = typeof stopReason === 'string' ? stopReason : null;
  let unified = mapAnthropicStopReason(raw);
  if (unified === 'tool-calls' && onlyJsonOutputCalls) unified = 'stop';
  const finish: IRFinish = { unified, raw };
  if (typeof stopSequence === 'string') finish.stopSequence = stopSequence;
  else if (stopSequence === null) finish.stopSequence = null;
  return finish;
}

/** Upstream Anthropic Messages body -> IR. */
export function decodeAnthropicResponse(body: unknown): IRResponse {
  const message = isRecord(body) ? body : {};
  const blocks = Array.isArray(message.content) ? message.content : [];
  const content = blocks.map(decodeResponseBlock).filter((p): p is IRPart => p !== undefined);
  const onlyJson = blocks.some(isJsonOutputCall) && !blocks.some((b) => isRecord(b) && b.type === 'tool_use' && !isJsonOutputCall(b));
  return {
    id: typeof message.id === 'string' ? message.id : '',
    model: typeof message.model === 'string' ? message.model : '',
    content,
    finish: decodeFinish(message.stop_reason, message.stop_sequence, onlyJson),
    usage: fromAnthropicUsage(message.usage),
    created: Math.floor(Date.now() / 1000),
  };
}
