/**
 * The config reference (docs/config.md), made from the config file's zod
 * schema (src/config/schema.ts) through its JSON Schema: every section and
 * field with its type, default and `.describe()` text. `npm run docs:config`
 * writes it; test/unit/config-reference.test.ts fails while the checked-in
 * file differs, or while a field has no description.
 */
import { z } from 'zod';
import { configSchema } from '../src/config/schema.js';

interface JsonSchema {
  type?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  minItems?: number;
}

/** One line of a section's table. */
interface Field {
  path: string;
  type: string;
  default: string;
  description: string;
}

export const CONFIG_REFERENCE_PATH = 'docs/config.md';

const HEADER = `# Configuration reference

<!-- Generated from src/config/schema.ts by \`npm run docs:config\`; edit the schema's .describe() texts, not this file. -->

The config file is YAML, read by every command: \`--config PATH\`, else
\`SWITCHBOARD_CONFIG\`, else \`./switchboard.yaml\` (README, "Configuration"). \`\${NAME}\` and
\`\${NAME:-default}\` in any value are replaced from the environment;
\`switchboard config check\` lists every problem as \`path: message\`. A field
that is not listed here is an error. \`[]\` in a path is each item of a list,
\`<name>\` each key of a map. Every section may be left out.
`;

/** The whole reference, as docs/config.md holds it. */
export function configReference(): string {
  const root = rootSchema();
  const sections = Object.entries(root.properties ?? {}).map(([name, schema]) => section(name, schema, root.required ?? []));
  return `${HEADER}\n${sections.join('\n')}`;
}

/** Paths of the fields (sections included) that have no description. */
export function undocumentedFields(): string[] {
  const root = rootSchema();
  return Object.entries(root.properties ?? {}).flatMap(([name, schema]) => [
    ...(schema.description ? [] : [name]),
    ...inside(name, schema)
      .filter((f) => f.description === '')
      .map((f) => f.path),
  ]);
}

function rootSchema(): JsonSchema {
  // The file as written (`input`): a field with a default is optional there.
  return z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

function section(name: string, schema: JsonSchema, required: string[]): string {
  const rows = inside(name, schema);
  const lines = [`## \`${name}\``, '', schema.description ?? '', ''];
  if (rows.length === 0) {
    const fallback = defaultOf(name, schema, required);
    lines.push(`Type: ${typeOf(schema)}.${fallback === '—' ? '' : ` Default: ${fallback}.`}`, '');
    return lines.join('\n');
  }
  lines.push('| field | type | default | description |', '| --- | --- | --- | --- |');
  for (const f of rows) lines.push(`| \`${f.path}\` | ${cell(f.type)} | ${cell(f.default)} | ${cell(f.description)} |`);
  lines.push('');
  return lines.join('\n');
}

/**
 * The fields inside a value at `path`, depth first, each nested object's own
 * row before its fields: an object's properties, a list's items (`[]`), a
 * map's values (`<name>`), a union's object alternatives.
 */
function inside(path: string, s: JsonSchema): Field[] {
  if (s.type === 'object' && s.properties) {
    return Object.entries(s.properties).flatMap(([name, child]) => [
      { path: `${path}.${name}`, type: typeOf(child), default: defaultOf(name, child, s.required ?? []), description: child.description ?? '' },
      ...inside(`${path}.${name}`, child),
    ]);
  }
  if (s.anyOf) return s.anyOf.flatMap((alt) => inside(path, alt));
  if (s.type === 'array' && s.items) return inside(`${path}[]`, s.items);
  if (s.type === 'object' && typeof s.additionalProperties === 'object') return inside(`${path}.<name>`, s.additionalProperties);
  return [];
}

/** Numbers JSON Schema gets from `.int()` that say nothing to a reader. */
const SAFE_INTEGER = Number.MAX_SAFE_INTEGER;

function typeOf(s: JsonSchema): string {
  if (s.anyOf) return s.anyOf.map(typeOf).join(' or ');
  if (s.enum) return `one of ${s.enum.map((v) => `\`${String(v)}\``).join(', ')}`;
  switch (s.type) {
    case 'integer':
    case 'number':
      return `${s.type}${range(s)}`;
    case 'string':
      return s.minLength !== undefined && s.minLength > 1 ? `string of ${s.minLength}+ characters` : 'string';
    case 'array': {
      const item = s.items ? typeOf(s.items) : 'any';
      return `list of ${item}${s.minItems ? ` (at least ${s.minItems})` : ''}`;
    }
    case 'object':
      if (typeof s.additionalProperties === 'object') return `map of name to ${typeOf(s.additionalProperties)}`;
      return 'object';
    default:
      return s.type ?? 'any';
  }
}

function range(s: JsonSchema): string {
  const max = s.maximum !== undefined && s.maximum < SAFE_INTEGER ? s.maximum : undefined;
  if (s.exclusiveMinimum !== undefined) return max === undefined ? ` > ${s.exclusiveMinimum}` : ` > ${s.exclusiveMinimum}, ≤ ${max}`;
  if (s.minimum !== undefined && max !== undefined) return ` ${s.minimum}–${max}`;
  if (s.minimum !== undefined) return ` ≥ ${s.minimum}`;
  if (max !== undefined) return ` ≤ ${max}`;
  return '';
}

function defaultOf(name: string, s: JsonSchema, required: string[]): string {
  if (s.default === undefined) return required.includes(name) ? 'required' : '—';
  // A section's `{}` only means "its fields' defaults".
  if (typeof s.default === 'object' && s.default !== null && !Array.isArray(s.default) && Object.keys(s.default).length === 0) return '—';
  const text = `\`${typeof s.default === 'string' ? s.default : JSON.stringify(s.default)}\``;
  return typeof s.default === 'number' && /Bytes$/.test(name) ? `${text} (${bytes(s.default)})` : text;
}

function bytes(n: number): string {
  return n % (1024 * 1024) === 0 ? `${n / 1024 / 1024} MiB` : `${n} B`;
}

/** Table cells: one line, pipes escaped. */
function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}
