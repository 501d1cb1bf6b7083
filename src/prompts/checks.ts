import type { PromptSpec } from '../config/prompt-schema.js';
import { parseTemplate, TemplateSyntaxError, variablesOf } from './template.js';
import { variablesValidator } from './compiled.js';

export interface PromptProblem {
  path: string;
  message: string;
}

/**
 * What zod cannot see in a template about to be saved: placeholders that
 * open nothing, a variables schema that is not a JSON Schema of an object,
 * and placeholders naming variables the schema does not declare (a typo
 * would otherwise render as nothing). Every problem at once, by field.
 */
export function promptProblems(spec: PromptSpec): PromptProblem[] {
  const problems: PromptProblem[] = [];
  if (spec.system === undefined && spec.messages.length === 0) problems.push({ path: 'messages', message: 'a template needs a system prompt or at least one message' });

  const used: { path: string; names: string[] }[] = [];
  const texts = [...(spec.system === undefined ? [] : [{ path: 'system', text: spec.system }]), ...spec.messages.map((m, i) => ({ path: `messages[${i}].content`, text: m.content }))];
  for (const { path, text } of texts) {
    try {
      used.push({ path, names: variablesOf(parseTemplate(text)) });
    } catch (err) {
      if (!(err instanceof TemplateSyntaxError)) throw err;
      problems.push({ path, message: err.message });
    }
  }

  const schema = spec.variables;
  if (schema.type !== 'object') problems.push({ path: 'variables.type', message: 'the variables schema must be `type: object` (a call sends `variables` as an object)' });
  try {
    variablesValidator(spec);
  } catch (err) {
    problems.push({ path: 'variables', message: `not a JSON Schema the gateway can check: ${(err as Error).message}` });
  }
  // When the schema declares `properties`, every placeholder must name one of them.
  const properties = schema.properties;
  if (properties !== null && typeof properties === 'object' && !Array.isArray(properties)) {
    const declared = new Set(Object.keys(properties));
    for (const { path, names } of used)
      for (const name of names)
        if (!declared.has(name)) problems.push({ path, message: `{{${name}}} names no variable of the schema (declared: ${[...declared].join(', ') || 'none'})` });
  }
  return problems;
}
