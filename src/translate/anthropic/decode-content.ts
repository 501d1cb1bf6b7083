import { formatPath } from '../../protocols/format-path.js';
import type { LossSink } from '../extra.js';
import { noteUncarriedKeys as noteKeys } from '../extra.js';
import type { IRCacheControl, IRFilePart, IRImagePart, IRMediaSource, IRPart, IRTextPart } from '../ir.js';
import { isRecord } from '../shared/json.js';
import type { WireObject } from './anthropic-wire.js';
import type { FieldPath } from './request-validation.js';
import { fail, optionalBoolean, optionalString, requireObject, requireString } from './request-validation.js';
import { textToBase64 } from './text-base64.js';

/**
 * The keys of each block type whose content reaches the IR. Any other key
 * with a value (`citations`, a document's `context`, `cache_control` on a
 * `tool_use`) is a real loss for another protocol and is named to `lost`.
 */
const CARRIED_BLOCK_KEYS: Record<string, readonly string[]> = {
  text: ['type', 'text', 'cache_control'],
  image: ['type', 'source', 'cache_control'],
  document: ['type', 'source', 'cache_control', 'title'],
  tool_use: ['type', 'id', 'name', 'input'],
  tool_result: ['type', 'tool_use_id', 'content', 'is_error', 'cache_control'],
  thinking: ['type', 'thinking', 'signature'],
  redacted_thinking: ['type', 'data'],
};

/**
 * Names, to `lost`, each key of `object` outside `carried` that holds
 * something (null, `[]` and `{}` say nothing; nor does `citations: {enabled:
 * false}`, the default).
 */
export function noteUncarriedKeys(object: WireObject, carried: readonly string[], path: FieldPath, lost: LossSink): void {
  const citationsOff = (key: string, value: unknown): boolean =>
    key === 'citations' && isRecord(value) && value.enabled === false && Object.keys(value).length === 1;
  noteKeys(object, carried, formatPath(path), lost, citationsOff);
}

const noLoss: LossSink = () => {};

/**
 * Anthropic request content blocks -> IR parts. A block the IR cannot hold
 * (server tool blocks, search results, new block types) decodes to no part,
 * and what a block holds beyond its parts (citations, a document's context)
 * is left out; both are named to `lost`, and decode-request.ts keeps the
 * original messages in `extra.replay`, so a same-protocol round trip stays exact.
 * @see https://docs.anthropic.com/en/api/messages#body-messages-content
 */
export function decodeRequestBlock(block: unknown, path: FieldPath, lost: LossSink = noLoss): IRPart[] {
  const b = requireObject(block, path);
  const type = requireString(b.type, [...path, 'type']);
  const cacheControl = decodeCacheControl(b.cache_control, [...path, 'cache_control']);
  const carried = CARRIED_BLOCK_KEYS[type];
  if (!carried) {
    lost(`${type} block in ${formatPath(path)}`);
    return [];
  }
  // A custom-content document becomes its inner parts: the document's own title and cache_control have no part to go on.
  const contentDocument = type === 'document' && isRecord(b.source) && b.source.type === 'content';
  noteUncarriedKeys(b, contentDocument ? ['type', 'source'] : carried, path, lost);
  switch (type) {
    case 'text':
      return [withCache<IRTextPart>({ type: 'text', text: requireString(b.text, [...path, 'text']) }, cacheControl)];
    case 'image': {
      const source = decodeImageSource(b.source, [...path, 'source']);
      if (!source) lost(`image with a ${String((b.source as WireObject).type)} source in ${formatPath(path)}`);
      return source ? [withCache<IRImagePart>({ type: 'image', source }, cacheControl)] : [];
    }
    case 'document':
      return decodeDocument(b, path, cacheControl, lost);
    case 'tool_use': {
      const input = b.input === undefined ? {} : b.input;
      if (!isRecord(input)) fail([...path, 'input'], 'Input should be a valid dictionary');
      return [
        {
          type: 'tool-call',
          id: requireString(b.id, [...path, 'id']),
          name: requireString(b.name, [...path, 'name']),
          arguments: JSON.stringify(input),
        },
      ];
    }
    case 'tool_result':
      return [decodeToolResult(b, path, cacheControl, lost)];
    case 'thinking': {
      // Thinking of a shape this codec does not know is history the model made, not a client mistake: left out, named.
      if (typeof b.thinking !== 'string' || (b.signature !== undefined && b.signature !== null && typeof b.signature !== 'string')) {
        lost(`thinking block of an unknown shape in ${formatPath(path)}`);
        return [];
      }
      const signature = optionalString(b.signature, [...path, 'signature']);
      const text = b.thinking;
      return [signature === undefined ? { type: 'reasoning', text, vendor: 'anthropic' } : { type: 'reasoning', text, vendor: 'anthropic', signature }];
    }
    case 'redacted_thinking':
      if (typeof b.data !== 'string') {
        lost(`redacted_thinking block of an unknown shape in ${formatPath(path)}`);
        return [];
      }
      return [{ type: 'reasoning', text: '', vendor: 'anthropic', redacted: true, encrypted: b.data }];
    default:
      return [];
  }
}

export function decodeCacheControl(value: unknown, path: FieldPath): IRCacheControl | undefined {
  if (value === undefined || value === null) return undefined;
  const cc = requireObject(value, path);
  const type = requireString(cc.type, [...path, 'type']);
  const ttl = optionalString(cc.ttl, [...path, 'ttl']);
  return ttl === undefined ? { type } : { type, ttl };
}

function withCache<T extends { cacheControl?: IRCacheControl }>(part: T, cacheControl: IRCacheControl | undefined): T {
  return cacheControl ? { ...part, cacheControl } : part;
}

function decodeImageSource(value: unknown, path: FieldPath): IRMediaSource | undefined {
  const source = requireObject(value, path);
  const type = requireString(source.type, [...path, 'type']);
  switch (type) {
    case 'base64':
      return {
        kind: 'base64',
        mediaType: requireString(source.media_type, [...path, 'media_type']),
        data: requireString(source.data, [...path, 'data']),
      };
    case 'url':
      return { kind: 'url', url: requireString(source.url, [...path, 'url']) };
    case 'file':
      return { kind: 'file-id', id: requireString(source.file_id, [...path, 'file_id']) };
    default:
      return undefined;
  }
}

/** `document` blocks: PDF (base64, URL, file id), plain text, or custom content. `title` becomes the filename. */
function decodeDocument(b: Record<string, unknown>, path: FieldPath, cacheControl: IRCacheControl | undefined, lost: LossSink): IRPart[] {
  const sourcePath = [...path, 'source'];
  const source = requireObject(b.source, sourcePath);
  const type = requireString(source.type, [...sourcePath, 'type']);
  const title = optionalString(b.title, [...path, 'title']);
  const file = (src: IRMediaSource): IRPart[] => {
    const part: IRFilePart = withCache<IRFilePart>({ type: 'file', source: src }, cacheControl);
    return [title === undefined ? part : { ...part, filename: title }];
  };
  switch (type) {
    case 'base64':
      return file({
        kind: 'base64',
        mediaType: requireString(source.media_type, [...sourcePath, 'media_type']),
        data: requireString(source.data, [...sourcePath, 'data']),
      });
    case 'text':
      return file({
        kind: 'base64',
        mediaType: optionalString(source.media_type, [...sourcePath, 'media_type']) ?? 'text/plain',
        data: textToBase64(requireString(source.data, [...sourcePath, 'data'])),
      });
    case 'url':
      // URL documents are PDFs (https://docs.anthropic.com/en/docs/build-with-claude/pdf-support).
      return file({ kind: 'url', url: requireString(source.url, [...sourcePath, 'url']), mediaType: 'application/pdf' });
    case 'file':
      return file({ kind: 'file-id', id: requireString(source.file_id, [...sourcePath, 'file_id']) });
    case 'content': {
      // A custom-content document is text and images the model cites; other shapes see its parts.
      const content = source.content;
      if (typeof content === 'string') return [{ type: 'text', text: content }];
      if (!Array.isArray(content)) fail([...sourcePath, 'content'], 'Input should be a valid string or list');
      return content.flatMap((inner, i) => decodeRequestBlock(inner, [...sourcePath, 'content', i], lost));
    }
    default:
      lost(`document with a ${type} source in ${formatPath(path)}`);
      return [];
  }
}

function decodeToolResult(b: Record<string, unknown>, path: FieldPath, cacheControl: IRCacheControl | undefined, lost: LossSink): IRPart {
  const toolCallId = requireString(b.tool_use_id, [...path, 'tool_use_id']);
  const isError = optionalBoolean(b.is_error, [...path, 'is_error']);
  const raw = b.content;
  let content: (IRTextPart | IRImagePart | IRFilePart)[] = [];
  if (typeof raw === 'string') content = [{ type: 'text', text: raw }];
  else if (Array.isArray(raw)) {
    content = raw
      .flatMap((inner, i) => {
        const parts = decodeRequestBlock(inner, [...path, 'content', i], lost);
        const kept = parts.filter((p): p is IRTextPart | IRImagePart | IRFilePart => p.type === 'text' || p.type === 'image' || p.type === 'file');
        if (kept.length < parts.length) lost(`${String((inner as WireObject).type)} block in ${formatPath([...path, 'content', i])}`);
        return kept;
      });
  } else if (raw !== undefined && raw !== null) fail([...path, 'content'], 'Input should be a valid string or list');
  const part: IRPart = { type: 'tool-result', toolCallId, content };
  if (isError !== undefined) part.isError = isError;
  if (cacheControl) part.cacheControl = cacheControl;
  return part;
}
