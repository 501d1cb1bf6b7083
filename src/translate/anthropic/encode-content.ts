import type {
  IRCacheControl,
  IRFilePart,
  IRImagePart,
  IRMediaSource,
  IRMessage,
  IRPart,
  IRReasoningPart,
  IRTextPart,
  IRToolResultPart,
  Warnings,
} from '../ir.js';
import { foldedWarning, foldSystemMessages } from '../shared/fold-system.js';
import { isRecord } from '../shared/json.js';
import type { WireObject } from './anthropic-wire.js';
import { base64ToText, textToBase64 } from './text-base64.js';

/**
 * IR messages -> Anthropic `messages`. Parts Anthropic cannot take are dropped
 * with a warning. The canonical shapes follow what clients most often send, so
 * decode-request.ts rarely needs `extra` for them: a user turn that is one text
 * part without cache_control is a plain string (SDK scripts), an assistant turn
 * is always a block list (SDKs pass `response.content` back, Claude Code sends
 * blocks), and `tool_result` blocks come first in a user turn (Anthropic
 * requires it). Mid-conversation system messages are folded into user turns
 * (shared/fold-system.ts): only some Claude models accept Anthropic's own
 * positional `system` messages and the others answer 400, so the form every
 * model takes is sent.
 * @see https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use#handling-tool-use-and-tool-result-content-blocks
 * @see https://platform.claude.com/docs/en/build-with-claude/mid-conversation-system-messages
 */
export function encodeMessages(messages: readonly IRMessage[], warnings: Warnings): WireObject[] {
  const out: WireObject[] = [];
  const { messages: turns, folded } = foldSystemMessages(messages);
  if (folded > 0) warnings.push(foldedWarning(folded, 'not every Anthropic model takes a system message inside messages'));
  turns.forEach((message, i) => {
    let blocks = message.content.flatMap((part) => encodePart(part, warnings));
    if (message.role === 'user') {
      const results = blocks.filter((b) => b.type === 'tool_result');
      if (results.length > 0) blocks = [...results, ...blocks.filter((b) => b.type !== 'tool_result')];
    }
    if (blocks.length === 0) {
      warnings.push(`dropped ${message.role} message ${i}: nothing in it that Anthropic accepts`);
      return;
    }
    out.push({ role: message.role, content: message.role === 'user' ? simplify(blocks) : blocks });
  });
  return out;
}

/** IR system parts -> `system`: a string for one plain text part, else text blocks; undefined when empty. */
export function encodeSystem(parts: readonly IRTextPart[]): string | WireObject[] | undefined {
  const blocks = parts.map((p) => encodeText(p));
  return blocks.length === 0 ? undefined : simplify(blocks);
}

/** One text block without cache_control collapses to a string, as most clients write it. */
function simplify(blocks: WireObject[]): string | WireObject[] {
  const only = blocks[0];
  if (blocks.length === 1 && only && only.type === 'text' && Object.keys(only).length === 2) return only.text as string;
  return blocks;
}

export function withCacheControl(block: WireObject, cacheControl: IRCacheControl | undefined): WireObject {
  if (cacheControl) block.cache_control = { ...cacheControl };
  return block;
}

function encodeText(part: IRTextPart): WireObject {
  return withCacheControl({ type: 'text', text: part.text }, part.cacheControl);
}

function encodePart(part: IRPart, warnings: Warnings): WireObject[] {
  switch (part.type) {
    case 'text':
      // Anthropic rejects empty text blocks; an empty part carries nothing.
      return part.text === '' ? [] : [encodeText(part)];
    case 'image':
      return encodeImage(part, warnings);
    case 'file':
      return encodeFile(part, warnings);
    case 'tool-call':
      return [{ type: 'tool_use', id: part.id, name: part.name, input: toolInput(part.arguments, `tool call ${part.id}`, warnings) }];
    case 'tool-result':
      return [encodeToolResult(part, warnings)];
    case 'reasoning':
      return encodeReasoning(part, warnings);
    default:
      return part satisfies never;
  }
}

/**
 * Tool arguments (JSON text) -> the `input` object Anthropic requires. Empty
 * text is `{}`; anything that is not a JSON object is sent as `{}` with a warning.
 */
export function toolInput(args: string, what: string, warnings: Warnings): WireObject {
  if (args.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(args);
    if (isRecord(parsed)) return parsed;
  } catch {
    // fall through
  }
  warnings.push(`${what}: arguments are not a JSON object; sent {} to Anthropic`);
  return {};
}

function encodeImage(part: IRImagePart, warnings: Warnings): WireObject[] {
  if (part.detail !== undefined && part.detail !== 'auto') warnings.push(`dropped image detail "${part.detail}": Anthropic has no such option`);
  return [withCacheControl({ type: 'image', source: encodeSource(part.source) }, part.cacheControl)];
}

/** Media source -> Anthropic source; `data:` URLs become base64 sources (Anthropic fetches only http(s) URLs). */
function encodeSource(source: IRMediaSource): WireObject {
  switch (source.kind) {
    case 'base64':
      return { type: 'base64', media_type: source.mediaType, data: source.data };
    case 'url': {
      const inline = parseDataUrl(source.url);
      return inline ? { type: 'base64', media_type: inline.mediaType, data: inline.data } : { type: 'url', url: source.url };
    }
    case 'file-id':
      return { type: 'file', file_id: source.id };
    default:
      return source satisfies never;
  }
}

function parseDataUrl(url: string): { mediaType: string; data: string } | undefined {
  const match = /^data:([^;,]+)((?:;[^;,]*)*?)(;base64)?,(.*)$/s.exec(url);
  if (!match) return undefined;
  const mediaType = match[1] ?? 'application/octet-stream';
  const payload = match[4] ?? '';
  if (match[3]) return { mediaType, data: payload };
  try {
    return { mediaType, data: textToBase64(decodeURIComponent(payload)) };
  } catch {
    return undefined;
  }
}

/**
 * File parts -> `document` blocks (PDF by base64, URL or file id; text/* as a
 * plain-text source) or, for image media types, `image` blocks. Other media
 * (audio, video, office files) Anthropic cannot read: dropped with a warning.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/pdf-support
 */
function encodeFile(part: IRFilePart, warnings: Warnings): WireObject[] {
  const { source } = part;
  const mediaType = source.mediaType ?? '';
  const name = part.filename ?? 'file';
  if (mediaType.startsWith('image/')) return encodeImage({ type: 'image', source, cacheControl: part.cacheControl }, warnings);
  let wireSource: WireObject | undefined;
  if (source.kind === 'base64') {
    if (mediaType === 'application/pdf') wireSource = encodeSource(source);
    else if (mediaType.startsWith('text/')) {
      const text = base64ToText(source.data);
      if (text !== undefined) wireSource = { type: 'text', media_type: 'text/plain', data: text };
    }
  } else if (source.kind === 'url') {
    const inline = parseDataUrl(source.url);
    if (inline?.mediaType === 'application/pdf') wireSource = { type: 'base64', media_type: inline.mediaType, data: inline.data };
    else if (!inline) wireSource = { type: 'url', url: source.url };
  } else wireSource = encodeSource(source);
  if (!wireSource) {
    warnings.push(`dropped file "${name}" (${mediaType || 'unknown type'}): Anthropic reads only PDF, plain text and images`);
    return [];
  }
  const block: WireObject = { type: 'document', source: wireSource };
  if (part.filename !== undefined) block.title = part.filename;
  return [withCacheControl(block, part.cacheControl)];
}

function encodeToolResult(part: IRToolResultPart, warnings: Warnings): WireObject {
  const block: WireObject = { type: 'tool_result', tool_use_id: part.toolCallId };
  const inner = part.content.flatMap((p) => encodePart(p, warnings));
  if (inner.length > 0) block.content = simplify(inner);
  if (part.isError !== undefined) block.is_error = part.isError;
  return withCacheControl(block, part.cacheControl);
}

/**
 * Thinking goes back to Anthropic only as its own signed (or redacted) blocks:
 * the API rejects thinking it did not sign, so anything else is dropped.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking#preserving-thinking-blocks
 */
function encodeReasoning(part: IRReasoningPart, warnings: Warnings): WireObject[] {
  if (part.vendor !== 'anthropic') {
    warnings.push(`dropped ${part.vendor ?? 'unattributed'} reasoning: Anthropic accepts only thinking it signed`);
    return [];
  }
  if (part.redacted && part.encrypted !== undefined) return [{ type: 'redacted_thinking', data: part.encrypted }];
  if (part.signature) return [{ type: 'thinking', thinking: part.text, signature: part.signature }];
  warnings.push('dropped anthropic thinking without a signature: the API would reject it');
  return [];
}
