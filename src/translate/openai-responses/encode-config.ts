/**
 * The request options both directions need in Responses shape: the upstream
 * request, and the echo of the client's options in a response object.
 * @see https://platform.openai.com/docs/api-reference/responses/create
 */
import { replayedFields, sameProtocolExtra } from '../extra.js';
import type { IRRequest, IRResponseFormat, IRToolChoice, IRTool } from '../ir.js';
import { isRecord } from '../shared/json.js';
import { openaiEffort, refusesReasoning } from '../shared/openai-effort.js';
import { PROTOCOL, type Json } from './wire.js';

/** Collects warnings once each, in order. */
export class WarningSet {
  readonly #seen = new Set<string>();
  add(warning: string): void {
    this.#seen.add(warning);
  }
  list(): string[] {
    return [...this.#seen];
  }
}

/**
 * Function tools, custom tools for free-form ones, each inside its namespace
 * when it had one. The Responses API
 * enforces strict schemas when `strict` is absent, so a tool from a protocol
 * without that default says `false`.
 */
export function encodeTools(tools: IRTool[], warnings?: WarningSet): Json[] {
  const out: Json[] = [];
  for (const tool of tools) {
    const encoded = encodeTool(tool, warnings);
    const namespace = tool.namespace;
    if (!namespace) {
      out.push(encoded);
      continue;
    }
    // Tools of one namespace, one after another, go back into it.
    const last = out.at(-1);
    if (last?.type === 'namespace' && last.name === namespace.name) (last.tools as Json[]).push(encoded);
    else out.push({ type: 'namespace', name: namespace.name, ...(namespace.description !== undefined ? { description: namespace.description } : {}), tools: [encoded] });
  }
  return out;
}

/** One function or custom tool, by its name inside its namespace. */
function encodeTool(tool: IRTool, warnings?: WarningSet): Json {
  const name = tool.namespace?.tool ?? tool.name;
  if (tool.cacheControl) warnings?.add('dropped tool cache_control: openai-responses has no prompt-cache hints');
  if (tool.freeform) {
    const custom: Json = { type: 'custom', name };
    if (tool.description !== undefined) custom.description = tool.description;
    if (tool.freeform.format !== undefined) custom.format = tool.freeform.format;
    return custom;
  }
  const out: Json = { type: 'function', name };
  if (tool.description !== undefined) out.description = tool.description;
  out.parameters = tool.parameters;
  out.strict = tool.strict ?? false;
  return out;
}

export function encodeToolChoice(choice: IRToolChoice): unknown {
  return choice.type === 'tool' ? { type: 'function', name: choice.name } : choice.type;
}

export function encodeFormat(format: IRResponseFormat): Json {
  switch (format.type) {
    case 'text':
      return { type: 'text' };
    case 'json':
      return { type: 'json_object' };
    case 'json-schema': {
      const out: Json = { type: 'json_schema', name: format.name, schema: format.schema };
      if (format.strict !== undefined) out.strict = format.strict;
      if (format.description !== undefined) out.description = format.description;
      return out;
    }
    default:
      return format satisfies never;
  }
}

/**
 * The `reasoning` object, or undefined when the IR asks for nothing this
 * protocol can say. With the upstream's model (a request, not the echo of a
 * client's options), reasoning is left out for a model that refuses it.
 */
export function encodeReasoningConfig(request: IRRequest, warnings?: WarningSet, upstreamModel?: string): Json | undefined {
  const reasoning = request.reasoning;
  if (!reasoning) return undefined;
  if (upstreamModel !== undefined && refusesReasoning(upstreamModel)) {
    warnings?.add(`dropped reasoning settings: ${upstreamModel} does not reason`);
    return undefined;
  }
  const out: Json = {};
  const effort = openaiEffort(reasoning, PROTOCOL, (w) => warnings?.add(w));
  if (effort !== undefined) out.effort = effort;
  const summary = reasoning.summary ?? (reasoning.includeThoughts ? 'auto' : undefined);
  if (summary !== undefined) out.summary = summary;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The request's own-protocol fields (unmapped and round-trip alike), or undefined when it came from another protocol. */
export function ownExtra(request: IRRequest): Json | undefined {
  const own = sameProtocolExtra(request, PROTOCOL);
  return own ? replayedFields(own) : undefined;
}

/**
 * Puts the same protocol's unknown fields back: new keys verbatim, the
 * client's own tool list (kept when it held what the IR cannot), and object
 * fields (`text`, `reasoning`) merged key by key.
 */
export function mergeExtra(body: Json, extra: Json): void {
  for (const [key, value] of Object.entries(extra)) {
    const current = body[key];
    if (current === undefined) body[key] = value;
    else if (key === 'tools' && Array.isArray(value)) body[key] = value;
    else if (isRecord(current) && isRecord(value)) body[key] = { ...value, ...current };
  }
}
