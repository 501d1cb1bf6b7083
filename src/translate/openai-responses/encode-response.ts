/**
 * IR response -> the OpenAI Responses `response` object for the client.
 * Text runs become message items, tool calls function_call items (calls of
 * the client's custom tools custom_tool_call items), and
 * reasoning reasoning items (OpenAI's encrypted content only when OpenAI
 * produced it, Anthropic's signature carried in it when the client asks for
 * encrypted reasoning; another vendor's readable reasoning is shown as the summary).
 * `output_text` is left out: the SDKs compute it from the output items.
 * @see https://platform.openai.com/docs/api-reference/responses/object
 */
import type { IRPart, IRRequest, IRResponse } from '../ir.js';
import { encodeUsage } from './convert-openai-responses-usage.js';
import { encodeFinish } from './map-openai-responses-finish-reason.js';
import { finishResponseObject, responseObject } from './response-object.js';
import { wireToolNames, type WireToolName } from './client-tools.js';
import { customToolCall, freeformInput, functionCall } from './freeform-tools.js';
import { itemId, responseId, type Json } from './wire.js';
import { carrySignature, wantsEncryptedReasoning } from './carried-signatures.js';

export function encodeResponse(response: IRResponse, request: IRRequest): Json {
  const id = responseId(response.id);
  const status = encodeFinish(response.finish);
  const carry = wantsEncryptedReasoning(request);
  const output = encodeOutput(response.content, id, status.status === 'incomplete' ? 'incomplete' : 'completed', wireToolNames(request), carry);
  return finishResponseObject(responseObject(request, id, response.created), status, output, encodeUsage(response.usage));
}

function encodeOutput(parts: IRPart[], id: string, messageStatus: string, wire: (irName: string) => WireToolName, carry: boolean): Json[] {
  const output: Json[] = [];
  let message: Json | undefined;
  for (const part of parts) {
    if (part.type !== 'text') message = undefined;
    switch (part.type) {
      case 'text':
        if (!message) {
          message = { id: itemId('msg', id, output.length), type: 'message', status: messageStatus, content: [], role: 'assistant' };
          output.push(message);
        }
        (message.content as Json[]).push({ type: 'output_text', annotations: [], logprobs: [], text: part.text });
        break;
      case 'tool-call': {
        const tool = wire(part.name);
        if (tool.freeform) {
          output.push(customToolCall(itemId('ctc', id, output.length), part.id, tool, freeformInput(part.arguments)));
          break;
        }
        output.push(functionCall(itemId('fc', id, output.length), part.id, tool, part.arguments));
        break;
      }
      case 'reasoning': {
        const own = part.vendor === 'openai';
        const last = output.at(-1);
        // Summary parts of one OpenAI reasoning item share its id.
        const item =
          own && part.itemId !== undefined && last?.type === 'reasoning' && last.id === part.itemId
            ? last
            : { id: own && part.itemId !== undefined ? part.itemId : itemId('rs', id, output.length), type: 'reasoning', summary: [] as Json[] };
        if (part.text !== '') (item.summary as Json[]).push({ type: 'summary_text', text: part.text });
        if (own && part.encrypted !== undefined) item.encrypted_content = part.encrypted;
        const carried = carry ? carrySignature(part.vendor, part) : undefined;
        if (carried !== undefined) item.encrypted_content = carried;
        const empty = (item.summary as Json[]).length === 0 && item.encrypted_content === undefined;
        if (item !== last && !(empty && !own)) output.push(item);
        break;
      }
      default:
        // Images, files and tool results have no place in a Responses output.
        break;
    }
  }
  return output;
}
