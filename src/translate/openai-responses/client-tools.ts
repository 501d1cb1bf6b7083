/**
 * How a Responses client names the IR's tools: a namespaced tool by its own
 * name plus `namespace`, a free-form tool as a custom tool. Encoders for the
 * client (and for a Responses upstream) look tool calls up here.
 * @see https://platform.openai.com/docs/api-reference/responses/create#responses-create-tools
 */
import type { IRRequest } from '../ir.js';

export interface WireToolName {
  name: string;
  namespace?: string;
  /** A custom tool: calls are `custom_tool_call` items with a text input. */
  freeform: boolean;
}

/** The IR name of a tool inside a namespace: both names joined, as a flat function name other shapes accept. */
export function namespacedName(namespace: string, tool: string): string {
  return `${namespace}__${tool}`;
}

/** The client's name for each of the request's tools; a name it did not declare is its own. */
export function wireToolNames(request: IRRequest): (irName: string) => WireToolName {
  const byName = new Map<string, WireToolName>();
  for (const tool of request.tools) {
    const wire: WireToolName = { name: tool.namespace?.tool ?? tool.name, freeform: tool.freeform !== undefined };
    if (tool.namespace) wire.namespace = tool.namespace.name;
    byName.set(tool.name, wire);
  }
  return (irName) => byName.get(irName) ?? { name: irName, freeform: false };
}
