import type { StructuredOutputMode } from '../codec.js';
import type { IRResponseFormat } from '../ir.js';
import { isRecord } from '../shared/json.js';
import type { WireObject } from './anthropic-wire.js';

/**
 * A JSON answer asked for through the IR. A JSON schema goes as Anthropic's
 * native structured output, `output_config.format` (it works with tools and
 * with thinking). For upstreams or models that refuse it (mode `tool`), and
 * for JSON without a schema, it is a forced call of this one tool whose input
 * schema is the requested schema; decoders turn a call of it back into a text
 * answer (the streamed `input_json_delta` pieces become text deltas). When a
 * tool cannot be forced (the request has its own tools, or thinking is on,
 * which forbids forced tool choice), or in mode `prompt`, the schema goes
 * into the system prompt instead.
 * @see https://platform.claude.com/docs/en/build-with-claude/structured-outputs
 * @see https://docs.anthropic.com/en/docs/test-and-evaluate/strengthen-guardrails/increase-consistency#specify-the-desired-output-format
 * @see https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/overview#json-mode
 */
export const JSON_OUTPUT_TOOL = 'switchboard_json_output';

export type JsonOutputPlan =
  | { mode: 'native'; format: WireObject }
  | { mode: 'tool'; tool: WireObject; toolChoice: WireObject }
  | { mode: 'system'; instructions: string; warning: string };

export function planJsonOutput(format: IRResponseFormat, canForceTool: boolean, mode: StructuredOutputMode = 'native'): JsonOutputPlan | undefined {
  if (format.type === 'text') return undefined;
  if (format.type === 'json-schema' && mode === 'native') return { mode: 'native', format: { type: 'json_schema', schema: format.schema } };
  const schema = format.type === 'json-schema' ? format.schema : undefined;
  const objectSchema = schema === undefined || schema.type === 'object';
  if (canForceTool && objectSchema && mode !== 'prompt') {
    const about = format.type === 'json-schema' ? ` named "${format.name}"${format.description ? `: ${format.description}` : ''}` : '';
    return {
      mode: 'tool',
      tool: {
        name: JSON_OUTPUT_TOOL,
        description: `Give the final answer as this tool's input: a JSON object${about}.`,
        input_schema: schema ?? { type: 'object', additionalProperties: true },
      },
      toolChoice: { type: 'tool', name: JSON_OUTPUT_TOOL },
    };
  }
  const instructions =
    schema === undefined
      ? 'Respond with a single valid JSON object and nothing else: no prose, no code fences.'
      : `Respond with a single JSON value that conforms to this JSON Schema, and nothing else: no prose, no code fences.\n${JSON.stringify(schema)}`;
  return {
    mode: 'system',
    instructions,
    warning: `response format ${format.type} sent to Anthropic as system prompt instructions (not enforced)`,
  };
}

/** A `tool_use` block that carries the JSON answer, not a call for the client to run. */
export function isJsonOutputCall(block: unknown): block is WireObject & { input?: unknown } {
  return isRecord(block) && block.type === 'tool_use' && block.name === JSON_OUTPUT_TOOL;
}
