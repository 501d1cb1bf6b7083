/**
 * OpenAI Responses request body -> IR.
 *
 * Switchboard serves the Responses API statelessly: `previous_response_id`
 * and `conversation` are refused with a 400, and `store` is carried in
 * `extra` but nothing is ever persisted. Top-level fields the IR has no
 * place for go to `extra.fields` (real losses for another protocol: warned);
 * what carries nothing the IR lacks (explicit nulls, `store: false`, default
 * values) goes to `extra.replay`, as do the leftovers of mapped fields
 * (hosted tools, an `allowed_tools` choice, `text.verbosity`), which are
 * also named in `extra.lost`. The same protocol re-emits all of it verbatim.
 * @see https://platform.openai.com/docs/api-reference/responses/create
 */
import { GatewayError } from '../../protocols/errors.js';
import type { LossSink } from '../extra.js';
import { isEmptyValue, makeExtra } from '../extra.js';
import type {
  IRFilePart,
  IRImagePart,
  IRMessage,
  IRPart,
  IRReasoningConfig,
  IRReasoningPart,
  IRRequest,
  IRResponseFormat,
  IRTextPart,
  IRTool,
  IRToolChoice,
  IRToolResultPart,
} from '../ir.js';
import { isRecord, jsonEqual } from '../shared/json.js';
import { WarningSet } from './encode-config.js';
import { encodeInput } from './encode-request.js';
import { badRequest } from '../shared/validate.js';
import { PROTOCOL, num, sourceFromUrl, str, type Json } from './wire.js';

/** Fields that need server-side state; refused rather than silently ignored. */
const STATEFUL_FIELDS = ['previous_response_id', 'conversation'] as const;

/** Top-level fields mapped onto the IR (anything else goes to `extra`). */
const MAPPED_FIELDS = new Set([
  'model',
  'input',
  'instructions',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'max_output_tokens',
  'temperature',
  'top_p',
  'text',
  'reasoning',
  'user',
  'stream',
]);

/**
 * Unmapped top-level values that ask for nothing another protocol would
 * have to do (`store: true` is refused before decoding; Switchboard keeps
 * nothing either way).
 */
const DEFAULT_VALUES: Record<string, unknown> = { store: false, background: false, truncation: 'disabled' };

/** `stream_options` keys that concern only OpenAI's own stream (obfuscation padding), not what an upstream is asked. */
const CLIENT_SIDE_STREAM_OPTIONS = ['include_obfuscation'];

export function decodeRequest(body: unknown): IRRequest {
  if (!isRecord(body)) throw new GatewayError('SB_ERR_BAD_REQUEST', 'request body: expected a JSON object');
  for (const field of STATEFUL_FIELDS) {
    if (field in body) {
      throw badRequest(field, 'not supported yet: Switchboard serves the Responses API statelessly; send the full input instead');
    }
  }
  const model = body.model;
  if (typeof model !== 'string' || model === '') throw badRequest('model', 'expected a non-empty string');

  const extra: Json = {};
  const replay: Json = {};
  const lost: string[] = [];
  for (const [key, value] of Object.entries(body)) {
    if (MAPPED_FIELDS.has(key)) {
      // An explicit null has no place in the IR; keep it so the same protocol sends it back.
      if (value === null && key !== 'model') replay[key] = value;
    } else if (key === 'stream_options' && isRecord(value)) {
      replay[key] = value;
      for (const option of Object.keys(value)) if (!CLIENT_SIDE_STREAM_OPTIONS.includes(option)) lost.push(`stream_options.${option}`);
    } else if (isEmptyValue(value) || (Object.hasOwn(DEFAULT_VALUES, key) && DEFAULT_VALUES[key] === value)) replay[key] = value;
    else extra[key] = value;
  }
  const present = (key: string): boolean => body[key] !== undefined && body[key] !== null;

  const system: IRTextPart[] = [];
  if (present('instructions')) {
    if (typeof body.instructions !== 'string') throw badRequest('instructions', 'expected a string');
    system.push({ type: 'text', text: body.instructions });
  }
  const messages = present('input') ? decodeInput(body.input, system, (what) => void lost.push(what)) : [];
  // The client's own `input` where the canonical items would differ (a string, leading developer items,
  // items the IR has no place for), so the same protocol sends it back as it came.
  // `instructions` goes with it: the IR's system holds the leading developer items too.
  if (present('input') && !jsonEqual(encodeInput(messages, new WarningSet()), body.input)) {
    replay.input = body.input;
    if (body.instructions !== undefined) replay.instructions = body.instructions;
  }

  const request: IRRequest = { model, system, messages, tools: [], stream: false, extra: null };
  if (present('tools')) {
    const { tools, others } = decodeTools(body.tools);
    request.tools = tools;
    if (others.length > 0) {
      replay.tools = others.map((other) => other.tool);
      for (const { tool, index } of others) lost.push(`${String(tool.type)} tool in tools[${index}]`);
    }
  }
  if (present('tool_choice')) {
    const choice = decodeToolChoice(body.tool_choice);
    if (choice) request.toolChoice = choice;
    else {
      replay.tool_choice = body.tool_choice;
      lost.push(`tool_choice ${isRecord(body.tool_choice) ? String(body.tool_choice.type) : JSON.stringify(body.tool_choice)}`);
    }
  }
  if (present('parallel_tool_calls')) request.parallelToolCalls = boolField(body, 'parallel_tool_calls');
  if (present('max_output_tokens')) request.maxTokens = numberField(body, 'max_output_tokens');
  if (present('temperature')) request.temperature = numberField(body, 'temperature');
  if (present('top_p')) request.topP = numberField(body, 'top_p');
  if (present('user')) {
    if (typeof body.user !== 'string') throw badRequest('user', 'expected a string');
    request.user = body.user;
  }
  if (present('stream')) request.stream = boolField(body, 'stream');
  if (present('text')) {
    const { format, rest } = decodeTextConfig(body.text);
    if (format) request.responseFormat = format;
    if (rest) keepRest('text', rest, replay, lost);
  }
  if (present('reasoning')) {
    const { config, rest } = decodeReasoningConfig(body.reasoning);
    if (config) request.reasoning = config;
    if (rest) keepRest('reasoning', rest, replay, lost);
  }
  // Always stamped, even when empty, so the same protocol's encoder knows the request is its own.
  request.extra = makeExtra(PROTOCOL, { fields: extra, replay, lost }, true);
  return request;
}

/** The unmapped keys of a mapped object (`text.verbosity`, an unknown `text.format`): kept for the round trip, named as lost. */
function keepRest(field: string, rest: Json, replay: Json, lost: string[]): void {
  replay[field] = rest;
  for (const [key, value] of Object.entries(rest)) {
    if (isEmptyValue(value)) continue;
    lost.push(key === 'format' && isRecord(value) && typeof value.type === 'string' ? `${field}.format ${value.type}` : `${field}.${key}`);
  }
}

function boolField(body: Json, key: string): boolean {
  if (typeof body[key] !== 'boolean') throw badRequest(key, 'expected a boolean');
  return body[key];
}

function numberField(body: Json, key: string): number {
  const value = num(body[key]);
  if (value === undefined) throw badRequest(key, 'expected a number');
  return value;
}

function stringAt(item: Json, key: string, path: string): string {
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
function decodeInput(input: unknown, system: IRTextPart[], lost: LossSink): IRMessage[] {
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
        assistant().push({
          type: 'tool-call',
          id: stringAt(item, 'call_id', path),
          name: stringAt(item, 'name', path),
          arguments: stringAt(item, 'arguments', path),
        });
        return;
      case 'function_call_output':
        toolResults().push(decodeToolOutput(item, path, lost));
        return;
      case 'reasoning':
        assistant().push(...decodeReasoningItem(item, path));
        return;
      case 'item_reference':
        throw badRequest(`${path}.type`, 'item references need stored responses, which Switchboard does not keep; send the item itself');
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
 * content rides on the last part.
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
  const parts: IRReasoningPart[] = texts.map((text) => ({ type: 'reasoning', text, vendor: 'openai', ...(itemId !== undefined ? { itemId } : {}) }));
  const encrypted = str(item.encrypted_content);
  if (encrypted !== undefined) parts[parts.length - 1]!.encrypted = encrypted;
  return parts;
}

/** Function tools map to the IR; every other tool type (web_search, mcp, …) is kept for the round trip and named as lost. */
function decodeTools(tools: unknown): { tools: IRTool[]; others: { tool: Json; index: number }[] } {
  if (!Array.isArray(tools)) throw badRequest('tools', 'expected an array');
  const out: IRTool[] = [];
  const others: { tool: Json; index: number }[] = [];
  tools.forEach((tool: unknown, index) => {
    const path = `tools[${index}]`;
    if (!isRecord(tool) || typeof tool.type !== 'string') throw badRequest(`${path}.type`, 'expected a tool object with a type');
    if (tool.type !== 'function') {
      others.push({ tool, index });
      return;
    }
    const parameters = tool.parameters ?? {};
    if (!isRecord(parameters)) throw badRequest(`${path}.parameters`, 'expected a JSON Schema object');
    // The Responses API enforces strict schemas unless told otherwise, so an absent `strict` means true.
    const strict = tool.strict ?? true;
    if (typeof strict !== 'boolean') throw badRequest(`${path}.strict`, 'expected a boolean');
    const ir: IRTool = { name: stringAt(tool, 'name', path), parameters, strict };
    if (typeof tool.description === 'string') ir.description = tool.description;
    out.push(ir);
  });
  return { tools: out, others };
}

function decodeToolChoice(choice: unknown): IRToolChoice | undefined {
  if (choice === 'auto' || choice === 'none' || choice === 'required') return { type: choice };
  if (isRecord(choice) && choice.type === 'function' && typeof choice.name === 'string' && Object.keys(choice).length === 2) {
    return { type: 'tool', name: choice.name };
  }
  return undefined; // allowed_tools, hosted tools, mcp, custom: kept verbatim in extra
}

/** Splits `obj` into the keys a reader takes and the rest (returned only when non-empty or nothing was taken). */
function restOf(obj: Json, taken: string[]): Json | undefined {
  const rest: Json = {};
  for (const [key, value] of Object.entries(obj)) if (!taken.includes(key)) rest[key] = value;
  return Object.keys(rest).length > 0 || taken.length === 0 ? rest : undefined;
}

function decodeTextConfig(text: unknown): { format?: IRResponseFormat; rest?: Json } {
  if (!isRecord(text)) throw badRequest('text', 'expected an object');
  const format = decodeFormat(text.format);
  return { format, rest: restOf(text, format ? ['format'] : []) };
}

function decodeFormat(format: unknown): IRResponseFormat | undefined {
  if (!isRecord(format)) return undefined;
  switch (format.type) {
    case 'text':
      return Object.keys(format).length === 1 ? { type: 'text' } : undefined;
    case 'json_object':
      return Object.keys(format).length === 1 ? { type: 'json' } : undefined;
    case 'json_schema': {
      if (typeof format.name !== 'string' || !isRecord(format.schema)) throw badRequest('text.format', 'json_schema needs a name and a schema object');
      const known = ['type', 'name', 'schema', 'strict', 'description'];
      if (Object.keys(format).some((key) => !known.includes(key))) return undefined;
      const out: IRResponseFormat = { type: 'json-schema', name: format.name, schema: format.schema };
      if (typeof format.strict === 'boolean') out.strict = format.strict;
      else if (format.strict !== undefined) return undefined;
      if (typeof format.description === 'string') out.description = format.description;
      else if (format.description !== undefined) return undefined;
      return out;
    }
    default:
      return undefined;
  }
}

function decodeReasoningConfig(reasoning: unknown): { config?: IRReasoningConfig; rest?: Json } {
  if (!isRecord(reasoning)) throw badRequest('reasoning', 'expected an object');
  const config: IRReasoningConfig = {};
  const taken: string[] = [];
  if (typeof reasoning.effort === 'string') {
    config.effort = reasoning.effort;
    if (reasoning.effort === 'none') config.disabled = true;
    taken.push('effort');
  }
  if (typeof reasoning.summary === 'string') {
    config.summary = reasoning.summary;
    taken.push('summary');
  }
  return { config: taken.length > 0 ? config : undefined, rest: restOf(reasoning, taken) };
}
