import { foreignExtraWarnings, replayedField, replayedFields, sameProtocolExtra } from '../extra.js';
import type { IRRequest, IRResponseFormat, IRToolChoice, Warnings } from '../ir.js';
import { isRecord, jsonEqual, pick } from '../shared/json.js';
import { openaiEffort, refusesReasoning } from '../shared/openai-effort.js';
import { CACHE_CONTROL_WARNING, encodeOpenAIChatMessages } from './encode-messages.js';
import type { ChatTool, ChatToolChoice } from './openai-chat-wire.js';
import { blankRequest, REQUEST_FACETS, ROUND_TRIP_FIELD } from './request-facets.js';

/**
 * IR -> an OpenAI Chat Completions request body for `upstreamModel`.
 *
 * From an OpenAI Chat client the fields in `extra` (`fields` and `replay`)
 * come back verbatim, and the raw spellings kept under ROUND_TRIP_FIELD are
 * restored where the IR still says the same thing (see request-facets.ts).
 * From another protocol only `extra.fields` and `extra.lost` are warned about.
 * A streaming request always asks for `stream_options.include_usage`, so the
 * stream reports usage.
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
export function encodeOpenAIChatRequest(request: IRRequest, upstreamModel: string): { body: Record<string, unknown>; warnings: Warnings } {
  const warnings = new Set<string>();
  const warn = (w: string): void => void warnings.add(w);
  const own = sameProtocolExtra(request, 'openai-chat');
  const restored = own ? restorable(request, replayedField(own, ROUND_TRIP_FIELD), warn) : {};
  const body: Record<string, unknown> = {
    model: upstreamModel,
    ...encodeKnownFields(request, warn, new Set(Object.keys(restored)), upstreamModel),
    ...Object.assign({}, ...Object.values(restored)),
  };

  if (own) {
    for (const [key, value] of Object.entries(replayedFields(own))) {
      if (key !== ROUND_TRIP_FIELD && !Object.hasOwn(body, key)) body[key] = value;
    }
  } else {
    for (const warning of foreignExtraWarnings(request.extra, (protocol, names) => `dropped ${protocol} fields: ${names.join(', ')}`)) warn(warning);
  }

  if (request.stream) {
    // Usage arrives in a last chunk only when asked for.
    // @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-stream_options
    const options = isRecord(body.stream_options) ? body.stream_options : {};
    body.stream_options = { ...options, include_usage: true };
  }
  return { body, warnings: [...warnings] };
}

/**
 * The default wire encoding of every field a facet owns (no model, no extra),
 * except the facets named in `skip` (those the client's own spelling replaces).
 * With the upstream's model, reasoning is left out for a model that refuses it.
 */
export function encodeKnownFields(
  request: IRRequest,
  warn: (w: string) => void,
  skip: ReadonlySet<string> = new Set(),
  upstreamModel?: string,
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (!skip.has('messages')) body.messages = encodeOpenAIChatMessages(request.system, request.messages, warn);
  if (request.tools.length > 0 && !skip.has('tools')) {
    body.tools = request.tools.map((tool): ChatTool => {
      if (tool.cacheControl) warn(CACHE_CONTROL_WARNING);
      const fn: ChatTool['function'] = { name: tool.name };
      if (tool.description !== undefined) fn.description = tool.description;
      fn.parameters = tool.parameters;
      if (tool.strict !== undefined) fn.strict = tool.strict;
      return { type: 'function', function: fn };
    });
  }
  // OpenAI rejects parallel_tool_calls without tools.
  if (request.tools.length > 0 && request.parallelToolCalls !== undefined) body.parallel_tool_calls = request.parallelToolCalls;
  if (request.toolChoice) body.tool_choice = encodeToolChoice(request.toolChoice);
  if (request.maxTokens !== undefined) body.max_completion_tokens = request.maxTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.topK !== undefined) warn('dropped top_k: openai chat has no top_k');
  if (request.stopSequences && request.stopSequences.length > 0) body.stop = request.stopSequences;
  if (request.seed !== undefined) body.seed = request.seed;
  if (request.responseFormat) body.response_format = encodeResponseFormat(request.responseFormat);
  const reasoning = request.reasoning;
  if (reasoning && !skip.has('reasoning')) {
    if (upstreamModel !== undefined && refusesReasoning(upstreamModel)) warn(`dropped reasoning settings: ${upstreamModel} does not reason`);
    else {
      const effort = openaiEffort(reasoning, 'openai chat', warn);
      if (effort !== undefined) body.reasoning_effort = effort;
      if (reasoning.summary !== undefined) warn('dropped reasoning summary: openai chat returns no reasoning summary');
    }
  }
  if (request.user !== undefined) body.user = request.user;
  if (request.stream) body.stream = true;
  for (const facet of REQUEST_FACETS) if (skip.has(facet.name)) for (const field of facet.fields) delete body[field];
  return body;
}

function encodeToolChoice(choice: IRToolChoice): ChatToolChoice {
  return choice.type === 'tool' ? { type: 'function', function: { name: choice.name } } : choice.type;
}

function encodeResponseFormat(format: IRResponseFormat): unknown {
  switch (format.type) {
    case 'text':
      return { type: 'text' };
    case 'json':
      return { type: 'json_object' };
    case 'json-schema': {
      const spec: Record<string, unknown> = { name: format.name };
      if (format.description !== undefined) spec.description = format.description;
      spec.schema = format.schema;
      if (format.strict !== undefined) spec.strict = format.strict;
      return { type: 'json_schema', json_schema: spec };
    }
    default:
      return format satisfies never;
  }
}

/**
 * The client's own spelling of each facet whose IR slice is unchanged, by facet
 * name; a facet whose IR changed after decoding is left to the IR (warned).
 */
function restorable(request: IRRequest, kept: unknown, warn: (w: string) => void): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  if (!isRecord(kept)) return out;
  for (const facet of REQUEST_FACETS) {
    const raw = kept[facet.name];
    if (!isRecord(raw)) continue;
    if (sameSlice(facet, raw, request)) out[facet.name] = pick(raw, facet.fields);
    else warn(`rebuilt openai chat ${facet.fields.join('/')} from the IR: it changed after decoding`);
  }
  return out;
}

function sameSlice(facet: (typeof REQUEST_FACETS)[number], raw: Record<string, unknown>, request: IRRequest): boolean {
  const decoded = blankRequest();
  try {
    facet.decode(raw, decoded);
  } catch {
    return false;
  }
  return jsonEqual(facet.slice(decoded), facet.slice(request));
}
