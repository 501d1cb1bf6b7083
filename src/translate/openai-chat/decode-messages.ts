import type { LossSink } from '../extra.js';
import { noteUncarriedKeys } from '../extra.js';
import type { IRFilePart, IRImagePart, IRMessage, IRPart, IRTextPart, IRToolCallPart, IRToolResultPart } from '../ir.js';
import { badRequest, optionalString, requireString } from '../shared/validate.js';
import { audioMediaType, sourceFromUrl } from './convert-openai-chat-media.js';
import { requireRecord } from './validate.js';

/**
 * OpenAI Chat `messages` -> IR `system` + `messages`.
 *
 * - `system` and `developer` messages before the first turn become IR system
 *   parts; later ones stay in place as IR system messages (with their role name).
 * - A run of `tool` messages becomes one IR user message of `tool-result`
 *   parts; each result also gets the tool's name from the assistant call it answers.
 * - The legacy `function_call` of an assistant message and the `function`
 *   message answering it are a tool call and its result, with an id made up
 *   from the call's position (the legacy shape has none).
 * - A message of an unknown role and a content part of an unknown type are
 *   left out and named to `lost`: an upstream of this protocol may know
 *   them, a translation cannot.
 * - Empty string content of system, assistant and tool messages adds no part.
 * - Shapes the IR cannot tell apart (developer vs system, string vs one text
 *   part, `refusal`) are restored by the same-protocol round trip from the
 *   raw messages (see request-facets.ts); so are the fields the IR has no
 *   place for (`name`, `audio`, unknown message fields), which are also
 *   named to `lost` as real losses for another protocol.
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-messages
 */
export function decodeOpenAIChatMessages(
  value: unknown,
  path = 'messages',
  lost: LossSink = () => {},
): { system: IRTextPart[]; messages: IRMessage[] } {
  if (!Array.isArray(value)) throw badRequest(path, value === undefined ? 'is required' : 'must be an array');
  if (value.length === 0) throw badRequest(path, 'must contain at least one message');
  const system: IRTextPart[] = [];
  const messages: IRMessage[] = [];
  const toolNames = new Map<string, string>();
  const legacyCalls: { id: string; name: string }[] = [];
  let previousRole: string | undefined;

  const pushResult = (result: IRToolResultPart): void => {
    const last = messages.at(-1);
    if ((previousRole === 'tool' || previousRole === 'function') && last?.role === 'user') last.content.push(result);
    else messages.push({ role: 'user', content: [result] });
  };

  value.forEach((raw, i) => {
    const at = `${path}[${i}]`;
    const message = requireRecord(raw, at);
    const role = requireString(message.role, `${at}.role`);
    const carried = CARRIED_MESSAGE_KEYS[role];
    if (carried) noteUncarriedKeys(message, carried, at, lost);
    switch (role) {
      case 'system':
      case 'developer': {
        const content = decodeTextContent(message.content, `${at}.content`, false, lost);
        if (messages.length === 0) system.push(...content);
        else messages.push({ role: 'system', content, clientRole: role });
        break;
      }
      case 'user':
        messages.push({ role: 'user', content: decodeUserContent(message.content, `${at}.content`, lost) });
        break;
      case 'assistant': {
        const content = decodeAssistant(message, at, lost);
        const legacy = decodeLegacyFunctionCall(message.function_call, `${at}.function_call`, `call_function_${i}`);
        if (legacy) {
          content.push(legacy);
          legacyCalls.push({ id: legacy.id, name: legacy.name });
        }
        for (const part of content) if (part.type === 'tool-call') toolNames.set(part.id, part.name);
        messages.push({ role: 'assistant', content });
        break;
      }
      case 'tool': {
        const toolCallId = requireString(message.tool_call_id, `${at}.tool_call_id`);
        const result: IRToolResultPart = {
          type: 'tool-result',
          toolCallId,
          content: decodeTextContent(message.content, `${at}.content`, false, lost),
        };
        const name = toolNames.get(toolCallId);
        if (name !== undefined) result.name = name;
        pushResult(result);
        break;
      }
      case 'function': {
        // The legacy answer to a `function_call`: paired with the latest call of that name still unanswered.
        const name = requireString(message.name, `${at}.name`);
        const callIndex = legacyCalls.findLastIndex((call) => call.name === name);
        const toolCallId = callIndex === -1 ? `call_function_${i}` : legacyCalls.splice(callIndex, 1)[0]!.id;
        pushResult({ type: 'tool-result', toolCallId, name, content: decodeTextContent(message.content, `${at}.content`, false, lost) });
        break;
      }
      default:
        lost(`${role} message in ${at}`);
        return;
    }
    previousRole = role;
  });
  return { system, messages };
}

/** The deprecated `function_call` of an assistant message, as a tool call with a made-up id. */
function decodeLegacyFunctionCall(value: unknown, at: string, id: string): IRToolCallPart | undefined {
  if (value === undefined || value === null) return undefined;
  const call = requireRecord(value, at);
  return { type: 'tool-call', id, name: requireString(call.name, `${at}.name`), arguments: requireString(call.arguments, `${at}.arguments`) };
}

/** The message keys whose content reaches the IR, by role; any other key with a value is a real loss. */
const CARRIED_MESSAGE_KEYS: Record<string, readonly string[]> = {
  system: ['role', 'content'],
  developer: ['role', 'content'],
  user: ['role', 'content'],
  assistant: ['role', 'content', 'refusal', 'tool_calls', 'reasoning_content', 'function_call'],
  tool: ['role', 'content', 'tool_call_id'],
  function: ['role', 'content', 'name'],
};

/** A string or an array of `{type:'text'}` parts (system, developer, tool, assistant content). */
function decodeTextContent(content: unknown, at: string, allowRefusal: boolean, lost: LossSink): IRTextPart[] {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  if (!Array.isArray(content)) throw badRequest(at, 'must be a string or an array of content parts');
  return content.flatMap((raw, j): IRTextPart[] => {
    const partAt = `${at}[${j}]`;
    const part = requireRecord(raw, partAt);
    if (part.type === 'text' || (allowRefusal && part.type === 'refusal')) noteUncarriedKeys(part, ['type', part.type], partAt, lost);
    if (part.type === 'text') return [{ type: 'text', text: requireString(part.text, `${partAt}.text`) }];
    if (allowRefusal && part.type === 'refusal') return [{ type: 'text', text: requireString(part.refusal, `${partAt}.refusal`) }];
    lost(`${String(part.type)} part in ${partAt}`);
    return [];
  });
}

function decodeUserContent(content: unknown, at: string, lost: LossSink): (IRTextPart | IRImagePart | IRFilePart)[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  if (!Array.isArray(content)) throw badRequest(at, content === undefined ? 'is required' : 'must be a string or an array of content parts');
  return content.flatMap((raw, j) => decodeUserPart(raw, `${at}[${j}]`, lost) ?? []);
}

/** The keys of each user part (and of its inner object) whose content reaches the IR. */
const CARRIED_PART_KEYS: Record<string, readonly string[]> = {
  text: ['type', 'text'],
  image_url: ['url', 'detail'],
  input_audio: ['data', 'format'],
  file: ['file_id', 'file_data', 'filename'],
};

/** One user content part; a part of a type the IR has no place for (`video_url`, …) is undefined, named to `lost`. */
function decodeUserPart(raw: unknown, at: string, lost: LossSink): IRTextPart | IRImagePart | IRFilePart | undefined {
  const part = requireRecord(raw, at);
  const type = typeof part.type === 'string' ? part.type : '';
  const carried = CARRIED_PART_KEYS[type];
  if (carried && type === 'text') noteUncarriedKeys(part, carried, at, lost);
  else if (carried) {
    noteUncarriedKeys(part, ['type', type], at, lost);
    const inner = part[type];
    if (typeof inner === 'object' && inner !== null && !Array.isArray(inner)) noteUncarriedKeys(inner as Record<string, unknown>, carried, `${at}.${type}`, lost);
  }
  switch (part.type) {
    case 'text':
      return { type: 'text', text: requireString(part.text, `${at}.text`) };
    case 'image_url': {
      const image = requireRecord(part.image_url, `${at}.image_url`);
      const out: IRImagePart = { type: 'image', source: sourceFromUrl(requireString(image.url, `${at}.image_url.url`)) };
      const detail = optionalString(image.detail, `${at}.image_url.detail`);
      if (detail !== undefined) out.detail = detail;
      return out;
    }
    case 'input_audio': {
      const audio = requireRecord(part.input_audio, `${at}.input_audio`);
      const data = requireString(audio.data, `${at}.input_audio.data`);
      const format = requireString(audio.format, `${at}.input_audio.format`);
      return { type: 'file', source: { kind: 'base64', mediaType: audioMediaType(format), data } };
    }
    case 'file': {
      const file = requireRecord(part.file, `${at}.file`);
      const fileId = optionalString(file.file_id, `${at}.file.file_id`);
      const fileData = optionalString(file.file_data, `${at}.file.file_data`);
      const filename = optionalString(file.filename, `${at}.file.filename`);
      let out: IRFilePart;
      if (fileId !== undefined) out = { type: 'file', source: { kind: 'file-id', id: fileId } };
      else if (fileData !== undefined) {
        const source = sourceFromUrl(fileData);
        // Bare base64 without a data: prefix: the media type is unknown.
        out = { type: 'file', source: source.kind === 'url' ? { kind: 'base64', mediaType: 'application/octet-stream', data: fileData } : source };
      } else throw badRequest(`${at}.file`, 'needs file_id or file_data');
      if (filename !== undefined) out.filename = filename;
      return out;
    }
    default:
      lost(`${String(part.type)} part in ${at}`);
      return undefined;
  }
}

/** Reasoning (non-standard `reasoning_content`), then text and refusal, then tool calls. */
function decodeAssistant(message: Record<string, unknown>, at: string, lost: LossSink): IRPart[] {
  const parts: IRPart[] = [];
  const reasoning = optionalString(message.reasoning_content, `${at}.reasoning_content`);
  if (reasoning) parts.push({ type: 'reasoning', text: reasoning });
  parts.push(...decodeTextContent(message.content, `${at}.content`, true, lost));
  const refusal = optionalString(message.refusal, `${at}.refusal`);
  if (refusal) parts.push({ type: 'text', text: refusal });
  const calls = message.tool_calls;
  if (calls !== undefined && calls !== null) {
    if (!Array.isArray(calls)) throw badRequest(`${at}.tool_calls`, 'must be an array');
    calls.forEach((raw, k) => {
      const callAt = `${at}.tool_calls[${k}]`;
      const call = requireRecord(raw, callAt);
      if (call.type !== undefined && call.type !== 'function') {
        lost(`${String(call.type)} tool call in ${callAt}`);
        return;
      }
      const fn = requireRecord(call.function, `${callAt}.function`);
      noteUncarriedKeys(call, ['id', 'type', 'function'], callAt, lost);
      noteUncarriedKeys(fn, ['name', 'arguments'], `${callAt}.function`, lost);
      parts.push({
        type: 'tool-call',
        id: requireString(call.id, `${callAt}.id`),
        name: requireString(fn.name, `${callAt}.function.name`),
        arguments: requireString(fn.arguments, `${callAt}.function.arguments`),
      });
    });
  }
  return parts;
}
