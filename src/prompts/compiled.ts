import { z } from 'zod';
import type { PromptSpec } from '../config/prompt-schema.js';
import type { PromptVersionRecord } from '../store/types.js';
import { parseTemplate, type TemplatePart } from './template.js';

/** A template version ready to render: its texts parsed, its variables' JSON Schema made a validator. */
export interface CompiledPrompt {
  record: PromptVersionRecord;
  system: TemplatePart[] | null;
  messages: { role: string; parts: TemplatePart[] }[];
  variables: z.ZodType;
}

const compiled = new WeakMap<PromptVersionRecord, CompiledPrompt>();

/**
 * Compiles a stored version once (per snapshot record); a version that no
 * longer compiles (saved by an older gateway with other rules) throws, and
 * the caller answers for it. Saving checks the same (prompts/checks.ts).
 */
export function compilePrompt(record: PromptVersionRecord): CompiledPrompt {
  const held = compiled.get(record);
  if (held) return held;
  const spec = record.spec;
  const made: CompiledPrompt = {
    record,
    system: spec.system === undefined ? null : parseTemplate(spec.system),
    messages: spec.messages.map((m) => ({ role: m.role, parts: parseTemplate(m.content) })),
    variables: variablesValidator(spec),
  };
  compiled.set(record, made);
  return made;
}

/** The validator of a template's `variables` (a JSON Schema, draft 2020-12, converted by zod). */
export function variablesValidator(spec: Pick<PromptSpec, 'variables'>): z.ZodType {
  return z.fromJSONSchema(spec.variables as Parameters<typeof z.fromJSONSchema>[0], { defaultTarget: 'draft-2020-12' });
}
