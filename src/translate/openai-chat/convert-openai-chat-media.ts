import type { IRMediaSource } from '../ir.js';

/**
 * Media in OpenAI Chat content parts: images and files travel as URLs or
 * `data:` URLs, audio as bare base64 plus a `format` (`wav`, `mp3`).
 * @see https://platform.openai.com/docs/guides/images-vision
 * @see https://platform.openai.com/docs/guides/audio
 */

const DATA_URL = /^data:([^,]*?);base64,/;

/** `data:<type>;base64,<data>` -> an IR base64 source; any other URL stays a URL. */
export function sourceFromUrl(url: string): IRMediaSource {
  const match = DATA_URL.exec(url);
  if (!match) return { kind: 'url', url };
  return { kind: 'base64', mediaType: match[1] ?? '', data: url.slice(match[0].length) };
}

export function dataUrl(mediaType: string, data: string): string {
  return `data:${mediaType};base64,${data}`;
}

/** `input_audio.format` -> media type (`mp3` is `audio/mpeg`). */
export function audioMediaType(format: string): string {
  return format === 'mp3' ? 'audio/mpeg' : `audio/${format}`;
}

/** Media type -> `input_audio.format`, or undefined when it is not audio. */
export function audioFormat(mediaType: string): string | undefined {
  const type = mediaType.toLowerCase();
  if (!type.startsWith('audio/')) return undefined;
  const sub = type.slice('audio/'.length);
  if (sub === 'mpeg' || sub === 'mp3') return 'mp3';
  if (sub === 'x-wav' || sub === 'wave') return 'wav';
  return sub;
}
