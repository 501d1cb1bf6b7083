/**
 * OpenAI's custom (free-form) tools, whose input is plain text rather than
 * JSON arguments (Codex's `apply_patch`). The IR carries them as functions
 * taking one string, `input` (see IRTool.freeform), so every upstream can
 * call them; a Responses client sees its custom tool calls again.
 * @see https://platform.openai.com/docs/guides/function-calling#custom-tools
 */
import { isRecord } from '../shared/json.js';
import type { WireToolName } from './client-tools.js';
import type { Json } from './wire.js';

/** The function schema a free-form tool has for upstreams that know only functions. */
export const FREEFORM_PARAMETERS: Record<string, unknown> = {
  type: 'object',
  properties: { input: { type: 'string', description: 'The tool input, as plain text.' } },
  required: ['input'],
  additionalProperties: false,
};

/** A free-form input as the JSON arguments of its function form. */
export function freeformArguments(input: string): string {
  return JSON.stringify({ input });
}

/** The plain-text input of a call to a free-form tool: `input` of its JSON arguments, or the text itself when they are not that shape. */
export function freeformInput(args: string): string {
  try {
    const parsed: unknown = JSON.parse(args);
    if (isRecord(parsed) && typeof parsed.input === 'string') return parsed.input;
  } catch {
    // not JSON: the model wrote the input itself
  }
  return args;
}

/** A completed `custom_tool_call` output item, named as the client named the tool. */
export function customToolCall(id: string, callId: string, tool: WireToolName, input: string): Json {
  return { id, type: 'custom_tool_call', status: 'completed', call_id: callId, name: tool.name, ...namespaceField(tool), input };
}

/** A completed `function_call` output item, named as the client named the tool (the twin of customToolCall). */
export function functionCall(id: string, callId: string, tool: WireToolName, args: string): Json {
  return { id, type: 'function_call', status: 'completed', arguments: args, call_id: callId, name: tool.name, ...namespaceField(tool) };
}

/** `namespace` of a call item, for a tool inside one. */
export function namespaceField(tool: WireToolName): { namespace?: string } {
  return tool.namespace === undefined ? {} : { namespace: tool.namespace };
}
