import { isRecord } from '../shared/json.js';
/** JSON helpers for the Gemini wire format: its two field spellings and JSON-in-text. */

/** `thoughtSignature` -> `thought_signature`: the proto field name the API also accepts. */
export function snakeCase(camel: string): string {
  return camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** A field by its JSON name or its proto (snake_case) name, as the API accepts both. */
export function field(obj: Record<string, unknown>, camel: string): unknown {
  const value = obj[camel];
  return value !== undefined ? value : obj[snakeCase(camel)];
}

/** The keys of `obj` that are none of `known` (in either spelling), in a new object. */
export function unknownFields(obj: Record<string, unknown>, known: readonly string[]): Record<string, unknown> {
  const names = new Set(known.flatMap((k) => [k, snakeCase(k)]));
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) if (!names.has(key) && value !== undefined) out[key] = value;
  return out;
}

/** The JSON object `text` holds, or undefined when it is not one. */
export function parseObject(text: string): Record<string, unknown> | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}
