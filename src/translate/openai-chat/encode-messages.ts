import type { IRFilePart, IRImagePart, IRMessage, IRPart, IRTextPart, IRToolCallPart } from '../ir.js';
import { audioFormat, dataUrl } from './convert-openai-chat-media.js';
import type { ChatContentPart, ChatMessage } from './openai-chat-wire.js';

type Warn = (warning: string) => void;

/**
 * IR `system` + `messages` -> OpenAI Chat `messages`.
 *
 * - Each IR system part becomes one `system` message with string content;
 *   a mid-conversation system message stays at its place (`system`, or
 *   `developer` when the client wrote that).
 * - A user message's `tool-result` parts become `tool` messages, in order,
 *   before a `user` message with the rest. Tool messages carry text only, so
 *   images and files a tool returned move into that user message (warned).
 * - Assistant text parts are joined into one string. Readable reasoning
 *   that carries no vendor-bound data goes back as `reasoning_content`, the
 *   field compatible servers wrote it in (DeepSeek requires it back after
 *   its tool calls); signed or encrypted reasoning is dropped (warned).
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-messages
 */
export function encodeOpenAIChatMessages(system: IRTextPart[], messages: IRMessage[], warn: Warn): ChatMessage[] {
  const out: ChatMessage[] = system.map((part) => {
    if (part.cacheControl) warn(CACHE_CONTROL_WARNING);
    return { role: 'system', content: part.text };
  });
  for (const message of messages) {
    if (message.role === 'assistant') out.push(encodeAssistant(message.content, warn));
    else if (message.role === 'system') out.push(...encodeSystemMessage(message, warn));
    else out.push(...encodeUser(message.content, warn));
  }
  return out;
}

/**
 * A mid-conversation system message stays where it was: a `developer`
 * message when the client wrote one, else `system`.
 */
function encodeSystemMessage(message: IRMessage, warn: Warn): ChatMessage[] {
  const texts = message.content.filter((p): p is IRTextPart => p.type === 'text');
  if (texts.length === 0) return [];
  if (texts.some((p) => p.cacheControl)) warn(CACHE_CONTROL_WARNING);
  return [{ role: message.clientRole === 'developer' ? 'developer' : 'system', content: texts.map((p) => p.text).join('\n\n') }];
}

export const CACHE_CONTROL_WARNING = 'dropped cache_control hints: openai chat caches prompts automatically';

function encodeUser(parts: IRPart[], warn: Warn): ChatMessage[] {
  const out: ChatMessage[] = [];
  const userParts: ChatContentPart[] = [];
  let hadToolResult = false;
  for (const part of parts) {
    switch (part.type) {
      case 'tool-result': {
        hadToolResult = true;
        if (part.cacheControl) warn(CACHE_CONTROL_WARNING);
        if (part.isError) warn(`dropped is_error flag of tool result ${part.toolCallId}: openai chat tool messages have none`);
        const texts: { type: 'text'; text: string }[] = [];
        for (const item of part.content) {
          if (item.type === 'text') texts.push({ type: 'text', text: item.text });
          else {
            warn(`moved ${item.type} of tool result ${part.toolCallId} into a user message: openai chat tool messages carry text only`);
            const media = encodeMedia(item, warn);
            if (media) userParts.push(media);
          }
        }
        out.push({ role: 'tool', tool_call_id: part.toolCallId, content: texts.length === 1 ? texts[0].text : texts.length === 0 ? '' : texts });
        break;
      }
      case 'text':
        if (part.cacheControl) warn(CACHE_CONTROL_WARNING);
        userParts.push({ type: 'text', text: part.text });
        break;
      case 'image':
      case 'file': {
        const media = encodeMedia(part, warn);
        if (media) userParts.push(media);
        break;
      }
      case 'tool-call':
      case 'reasoning':
        warn(`dropped ${part.type} part from a user message: openai chat has no place for it`);
        break;
      default:
        part satisfies never;
    }
  }
  if (userParts.length > 0 || !hadToolResult) {
    const [first] = userParts;
    const content = userParts.length === 0 ? '' : userParts.length === 1 && first.type === 'text' ? first.text : userParts;
    out.push({ role: 'user', content });
  }
  return out;
}

function encodeMedia(part: IRImagePart | IRFilePart, warn: Warn): ChatContentPart | undefined {
  if (part.cacheControl) warn(CACHE_CONTROL_WARNING);
  const { source } = part;
  if (part.type === 'image') {
    if (source.kind === 'file-id') {
      warn(`dropped image file id ${source.id}: openai chat takes images as URLs or data URLs`);
      return undefined;
    }
    const url = source.kind === 'url' ? source.url : dataUrl(source.mediaType, source.data);
    return { type: 'image_url', image_url: part.detail === undefined ? { url } : { url, detail: part.detail } };
  }
  const filename = part.filename === undefined ? {} : { filename: part.filename };
  switch (source.kind) {
    case 'file-id':
      return { type: 'file', file: { file_id: source.id, ...filename } };
    case 'base64': {
      const format = audioFormat(source.mediaType);
      if (format !== undefined) {
        if (part.filename !== undefined) warn(`dropped filename ${part.filename}: openai chat input_audio has none`);
        return { type: 'input_audio', input_audio: { data: source.data, format } };
      }
      return { type: 'file', file: { file_data: dataUrl(source.mediaType, source.data), ...filename } };
    }
    case 'url':
      if (source.mediaType?.startsWith('image/')) return { type: 'image_url', image_url: { url: source.url } };
      warn(`dropped file URL ${source.url}: openai chat takes files as data or file ids, not URLs`);
      return undefined;
    default:
      return source satisfies never;
  }
}

function encodeAssistant(parts: IRPart[], warn: Warn): ChatMessage {
  let text = '';
  let hasText = false;
  let reasoning = '';
  const calls: IRToolCallPart[] = [];
  for (const part of parts) {
    switch (part.type) {
      case 'text':
        text += part.text;
        hasText = true;
        break;
      case 'tool-call':
        calls.push(part);
        break;
      case 'reasoning':
        // A signature or encrypted content means another vendor's model thought it: only that vendor can use it.
        if (part.signature || part.encrypted !== undefined || part.redacted) {
          warn(`dropped ${part.vendor ?? 'unknown'} reasoning with its signature/encrypted content: upstream is openai chat`);
        } else reasoning += part.text;
        break;
      default:
        warn(`dropped ${part.type} part from an assistant message: openai chat assistant messages carry text and tool calls`);
    }
  }
  const message: ChatMessage = { role: 'assistant', content: hasText ? text : calls.length > 0 ? null : '' };
  if (reasoning !== '') message.reasoning_content = reasoning;
  if (calls.length > 0) {
    message.tool_calls = calls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } }));
  }
  return message;
}
