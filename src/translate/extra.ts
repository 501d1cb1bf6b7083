import type { IRExtra, IRRequest } from './ir.js';

/**
 * Helpers every codec uses for `IRRequest.extra` (see IRExtra in ir.ts):
 * building it in a decoder, replaying it in the same protocol's encoder, and
 * naming what really gets lost in another protocol's encoder.
 */

/** Where a decoder notes a real loss it found inside data it keeps only for the round trip. */
export type LossSink = (what: string) => void;

/** How many lost items a warning names before it says how many more there were. */
const MAX_NAMED_LOSSES = 10;

/**
 * A decoder's `extra`: empty `replay` and `lost` are left out, and with
 * nothing in any of them the result is null, unless `always` (a codec that
 * stamps every request it decodes).
 */
export function makeExtra(
  protocol: string,
  parts: { fields?: Record<string, unknown>; replay?: Record<string, unknown>; lost?: readonly string[] },
  always = false,
): IRExtra | null {
  const fields = parts.fields ?? {};
  const replay = parts.replay ?? {};
  const lost = [...new Set(parts.lost ?? [])];
  const hasReplay = Object.keys(replay).length > 0;
  if (!always && Object.keys(fields).length === 0 && !hasReplay && lost.length === 0) return null;
  return { protocol, fields, ...(hasReplay ? { replay } : {}), ...(lost.length > 0 ? { lost } : {}) };
}

/** The request's `extra` when `protocol` decoded it (the encoder then replays it), else undefined. */
export function sameProtocolExtra(request: IRRequest, protocol: string): IRExtra | undefined {
  return request.extra?.protocol === protocol ? request.extra : undefined;
}

/**
 * Every body field a same-protocol encoder puts back: the round-trip
 * spellings and the unmapped fields (a key lives in one of the two; were it
 * in both, `fields` wins).
 */
export function replayedFields(extra: IRExtra): Record<string, unknown> {
  return { ...extra.replay, ...extra.fields };
}

/** One same-protocol entry, wherever the decoder kept it. */
export function replayedField(extra: IRExtra, key: string): unknown {
  return Object.hasOwn(extra.fields, key) ? extra.fields[key] : extra.replay?.[key];
}

/**
 * The warning for what `extra.lost` names, for an encoder of another
 * protocol (`extra.fields` is warned by each encoder in its own words;
 * `extra.replay` never, it carries nothing the IR lacks).
 * @example "dropped anthropic-messages content: citations in messages[1].content[2], server tool web_search (web_search_20250305)"
 */
export function lostContentWarning(extra: IRExtra): string | undefined {
  const lost = extra.lost ?? [];
  if (lost.length === 0) return undefined;
  const named = lost.slice(0, MAX_NAMED_LOSSES).join(', ');
  const more = lost.length > MAX_NAMED_LOSSES ? `, and ${lost.length - MAX_NAMED_LOSSES} more` : '';
  return `dropped ${extra.protocol} content: ${named}${more}`;
}

/**
 * The warnings for another protocol's extra, `fields` first (in the
 * encoder's own phrasing) then `lost`. Empty when nothing is really lost.
 */
export function foreignExtraWarnings(extra: IRExtra | null, describeFields: (protocol: string, names: string[]) => string): string[] {
  if (!extra) return [];
  const out: string[] = [];
  const names = Object.keys(extra.fields);
  if (names.length > 0) out.push(describeFields(extra.protocol, names));
  const lost = lostContentWarning(extra);
  if (lost) out.push(lost);
  return out;
}

/**
 * Names, to `lost`, each key of `object` outside `carried` that holds
 * something (`null`, `[]` and `{}` say nothing), as `<key> in <where>`.
 * `saysNothing` lets a codec add its own empty spellings (a default value).
 */
export function noteUncarriedKeys(
  object: Record<string, unknown>,
  carried: readonly string[],
  where: string,
  lost: LossSink,
  saysNothing: (key: string, value: unknown) => boolean = () => false,
): void {
  for (const [key, value] of Object.entries(object)) {
    if (carried.includes(key) || isEmptyValue(value) || saysNothing(key, value)) continue;
    lost(`${key} in ${where}`);
  }
}

/** True for values that say nothing: absent, null, an empty list or object. */
export function isEmptyValue(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).length === 0;
}
