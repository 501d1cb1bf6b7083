import type { IRFilePart, IRImagePart, IRMediaSource } from '../ir.js';
import { requireString, optionalString } from '../shared/validate.js';
import type { GeminiBlob, GeminiFileData } from './gemini-wire.js';
import { field } from './json.js';
import { requireRecord } from './validate.js';

/** `inlineData` / `fileData` -> an IR image (for `image/*`) or file part. */
export function decodeGeminiMedia(part: Record<string, unknown>, path: string): IRImagePart | IRFilePart | undefined {
  const inline = field(part, 'inlineData');
  if (inline !== undefined) {
    const blob = requireRecord(inline, `${path}.inlineData`);
    const mediaType = requireString(field(blob, 'mimeType'), `${path}.inlineData.mimeType`);
    const data = requireString(blob.data, `${path}.inlineData.data`);
    return mediaPart({ kind: 'base64', mediaType, data }, mediaType);
  }
  const file = field(part, 'fileData');
  if (file !== undefined) {
    const ref = requireRecord(file, `${path}.fileData`);
    const uri = requireString(field(ref, 'fileUri'), `${path}.fileData.fileUri`);
    const mediaType = optionalString(field(ref, 'mimeType'), `${path}.fileData.mimeType`);
    const source: IRMediaSource = isGeminiFileUri(uri)
      ? { kind: 'file-id', id: uri, ...(mediaType !== undefined ? { mediaType } : {}) }
      : { kind: 'url', url: uri, ...(mediaType !== undefined ? { mediaType } : {}) };
    return mediaPart(source, mediaType);
  }
  return undefined;
}

function mediaPart(source: IRMediaSource, mediaType: string | undefined): IRImagePart | IRFilePart {
  return mediaType?.startsWith('image/') ? { type: 'image', source } : { type: 'file', source };
}

/**
 * A Files API URI (`https://generativelanguage.googleapis.com/v1beta/files/…`)
 * or a Cloud Storage one: a provider-side file, not a public URL.
 * @see https://ai.google.dev/gemini-api/docs/files
 */
function isGeminiFileUri(uri: string): boolean {
  return uri.startsWith('gs://') || /^https:\/\/generativelanguage\.googleapis\.com\/[^?#]*\/files\//.test(uri);
}

const MIME_BY_EXTENSION: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
  txt: 'text/plain',
  mp3: 'audio/mp3',
  wav: 'audio/wav',
  mp4: 'video/mp4',
};

function guessMime(url: string): string | undefined {
  // The query and fragment cut off first: `(?:[?#].*)?$` in the pattern itself is retried from every dot (quadratic).
  const path = url.split(/[?#]/, 1)[0] ?? '';
  const match = /\.([A-Za-z0-9]+)$/.exec(path);
  return match ? MIME_BY_EXTENSION[match[1]!.toLowerCase()] : undefined;
}

/**
 * IR media -> `inlineData` or `fileData`. Data URLs become inline bytes; other
 * URLs and Gemini file URIs become `fileData`; another vendor's file id means
 * nothing to Gemini and is dropped with a warning.
 */
export function encodeGeminiMedia(
  part: IRImagePart | IRFilePart,
  warn: (warning: string) => void,
): { inlineData: GeminiBlob } | { fileData: GeminiFileData } | undefined {
  // `auto` is every shape's default: nothing is lost (as the Anthropic codec treats it).
  if (part.type === 'image' && part.detail !== undefined && part.detail !== 'auto') warn('dropped image detail: gemini has no detail setting');
  if (part.type === 'file' && part.filename !== undefined) warn('dropped file name: gemini parts carry no file name');
  const source = part.source;
  switch (source.kind) {
    case 'base64':
      return { inlineData: { mimeType: source.mediaType, data: source.data } };
    case 'url': {
      const dataUrl = /^data:([^;,]+)(?:;[^,]*)?;base64,(.*)$/s.exec(source.url);
      if (dataUrl) return { inlineData: { mimeType: dataUrl[1]!, data: dataUrl[2]! } };
      // YouTube and other URLs Gemini resolves itself may go without a MIME type
      const mimeType = source.mediaType ?? guessMime(source.url);
      return { fileData: { ...(mimeType !== undefined ? { mimeType } : {}), fileUri: source.url } };
    }
    case 'file-id':
      if (!/^(https:\/\/|gs:\/\/)/.test(source.id)) {
        warn(`dropped file ${source.id}: not a Gemini file URI`);
        return undefined;
      }
      return { fileData: { ...(source.mediaType !== undefined ? { mimeType: source.mediaType } : {}), fileUri: source.id } };
    default:
      return source satisfies never;
  }
}
