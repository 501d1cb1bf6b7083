/**
 * The template syntax of prompt templates (docs/prompts.md), parsed and
 * rendered by hand in one pass, so a template can only ever insert values:
 *
 *   {{name}}  {{ name }}  {{customer.name}}   the variable (a dotted path into objects)
 *   \{{                                        a literal `{{`
 *
 * A string is inserted as it is, a number or boolean as its text, an object
 * or array as JSON, a missing value or null as nothing. Inserted values are
 * never read as templates again, and nothing is evaluated.
 */

export type TemplatePart = string | { path: string[] };

/** Where a template is broken: the character offset and why. */
export class TemplateSyntaxError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*\}\}/y;

/** The template's literal text and placeholders, in order; throws TemplateSyntaxError at a `{{` that opens no placeholder. */
export function parseTemplate(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('{{', i);
    if (open === -1) {
      literal += text.slice(i);
      break;
    }
    if (open > 0 && text[open - 1] === '\\') {
      // `\{{`: the backslash goes, the braces stay.
      literal += text.slice(i, open - 1) + '{{';
      i = open + 2;
      continue;
    }
    literal += text.slice(i, open);
    PLACEHOLDER.lastIndex = open;
    const match = PLACEHOLDER.exec(text);
    if (!match) throw new TemplateSyntaxError(open, `\`{{\` at character ${open} opens no placeholder: write {{name}} (letters, digits, _ and dots), or \\{{ for a literal {{`);
    if (literal) parts.push(literal);
    literal = '';
    parts.push({ path: match[1].split('.') });
    i = open + match[0].length;
  }
  if (literal) parts.push(literal);
  return parts;
}

/** The variable names a template reads (the first segment of each path). */
export function variablesOf(parts: TemplatePart[]): string[] {
  return [...new Set(parts.flatMap((p) => (typeof p === 'string' ? [] : [p.path[0]])))];
}

/** Too much text came out of a render (the variables, repeated by the template, past the cap). */
export class RenderTooLargeError extends Error {}

/**
 * The template with the variables put in. `budget.left` is the characters
 * still allowed across every template of one call; the render stops as soon
 * as it is spent, so no variable repeated by a template can make it grow
 * without bound.
 */
export function renderTemplate(parts: TemplatePart[], variables: Record<string, unknown>, budget: { left: number }): string {
  let out = '';
  for (const part of parts) {
    const text = typeof part === 'string' ? part : valueText(lookUp(variables, part.path));
    budget.left -= text.length;
    if (budget.left < 0) throw new RenderTooLargeError('the rendered prompt is too large');
    out += text;
  }
  return out;
}

function lookUp(variables: Record<string, unknown>, path: string[]): unknown {
  let value: unknown = variables;
  for (const segment of path) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

function valueText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
