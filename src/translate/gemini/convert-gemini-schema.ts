import { isRecord } from '../shared/json.js';

/**
 * Gemini's `Schema` (an OpenAPI 3.0 subset, used by `parameters` and
 * `responseSchema`) -> JSON Schema, which is what the IR carries. The enum
 * type names (`OBJECT`, `STRING`, …) become JSON Schema's lower-case ones and
 * `nullable: true` becomes a `"null"` member of `type`; everything else is
 * already JSON Schema's spelling or is kept as it is (`propertyOrdering`).
 * @see https://ai.google.dev/api/caching#Schema
 */
export function geminiSchemaToJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(geminiSchemaToJsonSchema);
  if (!isRecord(schema)) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    switch (key) {
      case 'type':
        if (typeof value === 'string' && value !== 'TYPE_UNSPECIFIED') out.type = value.toLowerCase();
        else if (typeof value !== 'string') out.type = value;
        break;
      case 'nullable':
        if (value !== true) out.nullable = value;
        break;
      case 'properties':
        out.properties = isRecord(value)
          ? Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, geminiSchemaToJsonSchema(sub)]))
          : value;
        break;
      case 'items':
      case 'anyOf':
      case 'any_of':
        out[key === 'any_of' ? 'anyOf' : key] = geminiSchemaToJsonSchema(value);
        break;
      default:
        out[key] = value;
    }
  }
  if (schema.nullable === true) {
    const type = out.type;
    if (typeof type === 'string') out.type = [type, 'null'];
    else if (type === undefined) out.nullable = true;
  }
  return out;
}
