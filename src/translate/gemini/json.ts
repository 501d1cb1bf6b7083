/** Small JSON helpers shared by the Gemini codec's files. */

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

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

/**
 * Structural equality of JSON-like values; a property whose value is
 * `undefined` counts as absent.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (!isRecord(a) || !isRecord(b)) return false;
  const keysA = Object.keys(a).filter((k) => a[k] !== undefined);
  const keysB = Object.keys(b).filter((k) => b[k] !== undefined);
  if (keysA.length !== keysB.length) return false;
  return keysA.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
}
