/**
 * OpenAI Responses `input` items -> IR messages: message items of each role,
 * function calls and their outputs, reasoning items.
 * @see https://platform.openai.com/docs/api-reference/responses/create#responses-create-input
 */
import { carriedReasoning } from './carried-signatures.js';
import type { LossSink } from '../extra.js';
import type { IRFilePart, IRImagePart, IRMessage, IRPart, IRReasoningPart, IRTextPart, IRToolResultPart } from '../ir.js';
import { isRecord } from '../shared/json.js';
import { badRequest } from '../shared/validate.js';
import { namespacedName } from './client-tools.js';
import { freeformArguments } from './freeform-tools.js';
import { sourceFromUrl, str, type Json } from './wire.js';

export function stringAt(item: Json, key: string, path: string): string {
  const value = item[key];
  if (typeof value !== 'string') throw badRequest(`${path}.${key}`, 'expected a string');
  return value;
}

/**
 * `input`: a string (one user message) or a list of input items. System and
 * developer messages before the first turn join `system` (after
 * `instructions`); later ones stay in place as IR system messages. Items,
 * roles and content parts the IR has no place for are left out and named to
 * `lost`: an upstream of this protocol may know them, a translation cannot.
 */
export function decodeInput(input: unknown, system: IRTextPart[], lost: LossSink): IRMessage[] {
  if (typeof input === 'string') return [{ role: 'user', content: [{ type: 'text', text: input }] }];
  if (!Array.isArray(input)) throw badRequest('input', 'expected a string or an array of input items');
  const messages: IRMessage[] = [];

  /** The assistant turn being built: reasoning, text and function calls in one IR message. */
  const assistant = (): IRPart[] => {
    const last = messages.at(-1);
    if (last?.role === 'assistant') return last.content;
    const content: IRPart[] = [];
    messages.push({ role: 'assistant', content });
    return content;
  };
  /** Tool results share one user message until something else comes. */
  const toolResults = (): IRPart[] => {
    const last = messages.at(-1);
    if (last?.role === 'user' && last.content.length > 0 && last.content.every((p) => p.type === 'tool-result')) return last.content;
    const content: IRPart[] = [];
    messages.push({ role: 'user', content });
    return content;
  };

  input.forEach((item: unknown, index) => {
    const path = `input[${index}]`;
    if (!isRecord(item)) throw badRequest(path, 'expected an input item object');
    const type = item.type ?? (item.role !== undefined ? 'message' : undefined);
    switch (type) {
      case 'message': {
        const role = item.role;
        if (typeof role !== 'string') throw badRequest(`${path}.role`, 'expected a string');
        if (role === 'system' || role === 'developer') {
          const content = decodeContent(item.content, path, 'system', lost);
          if (messages.length === 0) system.push(...content);
          else messages.push({ role: 'system', content, clientRole: role });
        } else if (role === 'user') {
          messages.push({ role: 'user', content: decodeContent(item.content, path, 'user', lost) });
        } else if (role === 'assistant') {
          assistant().push(...decodeContent(item.content, path, 'assistant', lost));
        } else {
          lost(`${role} message in ${path}`);
        }
        return;
      }
      case 'function_call':
        assistant().push({ type: 'tool-call', id: stringAt(item, 'call_id', path), name: toolName(item, path), arguments: stringAt(item, 'arguments', path) });
        return;
      case 'custom_tool_call':
        // A free-form tool's call: its text input as the arguments of the tool's function form.
        assistant().push({
          type: 'tool-call',
          id: stringAt(item, 'call_id', path),
          name: toolName(item, path),
          arguments: freeformArguments(stringAt(item, 'input', path)),
        });
        return;
      case 'function_call_output':
      case 'custom_tool_call_output':
        toolResults().push(decodeToolOutput(item, path, lost));
        return;
      case 'reasoning':
        assistant().push(...decodeReasoningItem(item, path));
        return;
      case 'item_reference':
        throw badRequest(`${path}.type`, 'item references are not resolved (stored responses expand previous_response_id, not item ids); send the item itself');
      default:
        lost(`${typeof type === 'string' ? type : 'untyped'} item in ${path}`);
    }
  });
  return messages;
}

type ContentRole = 'user' | 'assistant' | 'system';

function decodeContent(content: unknown, path: string, role: 'system', lost: LossSink): IRTextPart[];
function decodeContent(content: unknown, path: string, role: ContentRole, lost: LossSink): (IRTextPart | IRImagePart | IRFilePart)[];
function decodeContent(content: unknown, path: string, role: ContentRole, lost: LossSink): (IRTextPart | IRImagePart | IRFilePart)[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) throw badRequest(`${path}.content`, 'expected a string or an array of content parts');
  return content.flatMap((part: unknown, index): (IRTextPart | IRImagePart | IRFilePart)[] => {
    const partPath = `${path}.content[${index}]`;
    if (!isRecord(part)) throw badRequest(partPath, 'expected a content part object');
    switch (part.type) {
      case 'input_text':
      case 'output_text':
        return [{ type: 'text', text: stringAt(part, 'text', partPath) }];
      case 'refusal':
        return [{ type: 'text', text: stringAt(part, 'refusal', partPath) }];
      case 'input_image':
      case 'input_file':
        // Media in a system or assistant message has no place in the IR.
        if (role !== 'user') break;
        return [decodeMedia(part, partPath)];
      default:
        break;
    }
    lost(`${typeof part.type === 'string' ? part.type : 'untyped'} part in ${partPath}`);
    return [];
  });
}

function decodeMedia(part: Json, path: string): IRImagePart | IRFilePart {
  if (part.type === 'input_image') {
    const image: IRImagePart = { type: 'image', source: { kind: 'url', url: '' } };
    if (typeof part.image_url === 'string') image.source = sourceFromUrl(part.image_url);
    else if (typeof part.file_id === 'string') image.source = { kind: 'file-id', id: part.file_id };
    else throw badRequest(path, 'input_image needs image_url or file_id');
    if (typeof part.detail === 'string') image.detail = part.detail;
    return image;
  }
  const file: IRFilePart = { type: 'file', source: { kind: 'url', url: '' } };
  if (typeof part.file_data === 'string') {
    const source = sourceFromUrl(part.file_data);
    // Bare base64 without a data: prefix: the media type is unknown.
    file.source = source.kind === 'base64' ? source : { kind: 'base64', mediaType: 'application/octet-stream', data: part.file_data };
  } else if (typeof part.file_id === 'string') file.source = { kind: 'file-id', id: part.file_id };
  else if (typeof part.file_url === 'string') file.source = { kind: 'url', url: part.file_url };
  else throw badRequest(path, 'input_file needs file_data, file_id or file_url');
  if (typeof part.filename === 'string') file.filename = part.filename;
  return file;
}

function decodeToolOutput(item: Json, path: string, lost: LossSink): IRToolResultPart {
  const toolCallId = stringAt(item, 'call_id', path);
  const output = item.output;
  if (typeof output === 'string') return { type: 'tool-result', toolCallId, content: [{ type: 'text', text: output }] };
  if (!Array.isArray(output)) throw badRequest(`${path}.output`, 'expected a string or an array of content parts');
  const content = output.flatMap((part: unknown, index): (IRTextPart | IRImagePart | IRFilePart)[] => {
    const partPath = `${path}.output[${index}]`;
    if (!isRecord(part)) throw badRequest(partPath, 'expected a content part object');
    if (part.type === 'input_text') return [{ type: 'text', text: stringAt(part, 'text', partPath) }];
    if (part.type === 'input_image' || part.type === 'input_file') return [decodeMedia(part, partPath)];
    lost(`${typeof part.type === 'string' ? part.type : 'untyped'} part in ${partPath}`);
    return [];
  });
  return { type: 'tool-result', toolCallId, content };
}

/**
 * A reasoning item becomes one IR reasoning part per summary part (all with
 * the item's id), or one empty part when there is no summary; the encrypted
 * content rides on the last part. An item that carries Anthropic's thinking
 * (carried-signatures.ts) is that one Anthropic reasoning part.
 */
export function decodeReasoningItem(item: Json, path: string): IRPart[] {
  // Clients that keep no server state may send reasoning items without their id.
  const itemId = item.id === undefined || item.id === null ? undefined : stringAt(item, 'id', path);
  const summary = item.summary ?? [];
  if (!Array.isArray(summary)) throw badRequest(`${path}.summary`, 'expected an array of summary parts');
  const texts = summary.map((part: unknown, index) => {
    if (!isRecord(part) || typeof part.text !== 'string') throw badRequest(`${path}.summary[${index}].text`, 'expected a string');
    return part.text;
  });
  if (texts.length === 0) texts.push('');
  const encrypted = str(item.encrypted_content);
  // Anthropic's thinking the gateway carried to this client comes back as Anthropic's.
  const carried = encrypted === undefined ? undefined : carriedReasoning(encrypted, texts.join(''));
  if (carried) return [carried];
  const parts: IRReasoningPart[] = texts.map((text) => ({ type: 'reasoning', text, vendor: 'openai', ...(itemId !== undefined ? { itemId } : {}) }));
  if (encrypted !== undefined) parts[parts.length - 1]!.encrypted = encrypted;
  return parts;
}

/** The IR name of a called tool: a tool inside a namespace joins both names (client-tools.ts). */
function toolName(item: Json, path: string): string {
  const name = stringAt(item, 'name', path);
  return typeof item.namespace === 'string' ? namespacedName(item.namespace, name) : name;
}
