/**
 * Small helpers for reading the OpenAI Responses wire format: typed readers,
 * data URLs and item ids. Wire shapes are read loosely (unknown in, checked
 * field by field) so API drift does not break parsing.
 * @see https://platform.openai.com/docs/api-reference/responses/create
 */
import type { IRMediaSource } from '../ir.js';

/** The protocol name this codec answers to (and stamps on `IRRequest.extra`). */
export const PROTOCOL = 'openai-responses';

export type Json = Record<string, unknown>;

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** `data:<media type>;base64,<data>` -> base64 source; anything else -> url source. */
export function sourceFromUrl(url: string): IRMediaSource {
  const match = /^data:([^;,]*);base64,(.*)$/s.exec(url);
  if (match) return { kind: 'base64', mediaType: match[1] ?? '', data: match[2] ?? '' };
  return { kind: 'url', url };
}

export function dataUrl(mediaType: string, data: string): string {
  return `data:${mediaType};base64,${data}`;
}

/**
 * An output item id in the Responses style (`msg_…`, `fc_…`, `ctc_…`, `rs_…`),
 * derived from the response id so a response's ids are stable and unique.
 */
export function itemId(prefix: 'msg' | 'fc' | 'ctc' | 'rs', responseId: string, index: number): string {
  const base = responseId.replace(/^resp_/, '').replace(/[^A-Za-z0-9]/g, '');
  return `${prefix}_${base}${index.toString(16).padStart(2, '0')}`;
}

/** The client-facing response id: `resp_…`, kept as is when it already is one. */
export function responseId(id: string): string {
  return id.startsWith('resp_') ? id : `resp_${id.replace(/[^A-Za-z0-9]/g, '')}`;
}
