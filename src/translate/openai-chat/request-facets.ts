import type { LossSink } from '../extra.js';
import { noteUncarriedKeys } from '../extra.js';
import type { IRRequest, IRResponseFormat, IRToolChoice, IRTool } from '../ir.js';
import { isRecord } from '../shared/json.js';
import { badRequest, optionalBoolean, optionalInteger, optionalNumber, optionalString, requireString } from '../shared/validate.js';
import { decodeOpenAIChatMessages } from './decode-messages.js';
import { requireRecord } from './validate.js';

/**
 * The request fields this codec maps to the IR, in groups ("facets"): each
 * facet owns some wire fields and one slice of the IR.
 *
 * Same-protocol round trip: after decoding, each facet's default encoding is
 * compared with what the client sent. Where they differ (a `developer` role,
 * `max_tokens` instead of `max_completion_tokens`, an explicit `null`, a
 * `tool_choice` form the IR has no place for…), the raw fields are kept in
 * `extra.replay[ROUND_TRIP_FIELD]`. The encoder gives them back verbatim, but
 * only after decoding them again and finding the same IR slice: if anything
 * changed the IR in between, the IR wins. What a facet's fields hold that the
 * IR cannot (an `allowed_tools` choice, a message `name`) is named to `lost`
 * while decoding, so another protocol's encoder can say what it dropped.
 */
export interface RequestFacet {
  name: string;
  fields: readonly string[];
  /** Reads this facet's fields of a client body into `into` (throws a 400 naming the field), naming real losses to `lost`. */
  decode(body: Record<string, unknown>, into: IRRequest, lost?: LossSink): void;
  /** The IR slice this facet produces, for comparison. */
  slice(request: IRRequest): unknown;
}

/** Where raw wire fields that the IR cannot spell are kept, inside `extra.replay`. */
export const ROUND_TRIP_FIELD = '$roundTrip';

export function blankRequest(): IRRequest {
  return { model: '', system: [], messages: [], tools: [], stream: false, extra: null };
}

function decodeTools(value: unknown, lost: LossSink): IRTool[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badRequest('tools', 'must be an array');
  return value.flatMap((raw, i): IRTool[] => {
    const at = `tools[${i}]`;
    const tool = requireRecord(raw, at);
    // Custom (free-form) tools and other new kinds have no IR form: left out, named.
    if (tool.type !== 'function') {
      lost(`${String(tool.type)} tool in ${at}`);
      return [];
    }
    const fn = requireRecord(tool.function, `${at}.function`);
    noteUncarriedKeys(tool, ['type', 'function'], at, lost);
    noteUncarriedKeys(fn, ['name', 'description', 'parameters', 'strict'], `${at}.function`, lost);
    const out: IRTool = { name: requireString(fn.name, `${at}.function.name`), parameters: {} };
    const description = optionalString(fn.description, `${at}.function.description`);
    if (description !== undefined) out.description = description;
    if (fn.parameters !== undefined && fn.parameters !== null) out.parameters = requireRecord(fn.parameters, `${at}.function.parameters`);
    const strict = optionalBoolean(fn.strict, `${at}.function.strict`);
    if (strict !== undefined) out.strict = strict;
    return [out];
  });
}

/**
 * Forms the IR has no place for (`allowed_tools`, `custom`, …) decode to
 * nothing, survive only the round trip, and are named to `lost`.
 */
function decodeToolChoice(value: unknown, lost: LossSink): IRToolChoice | undefined {
  if (value === 'auto' || value === 'none' || value === 'required') return { type: value };
  if (isRecord(value) && value.type === 'function') {
    const fn = requireRecord(value.function, 'tool_choice.function');
    return { type: 'tool', name: requireString(fn.name, 'tool_choice.function.name') };
  }
  if (value !== undefined && value !== null && typeof value !== 'string' && !isRecord(value))
    throw badRequest('tool_choice', 'must be a string or an object');
  if (value !== undefined && value !== null) lost(`tool_choice ${isRecord(value) ? String(value.type) : JSON.stringify(value)}`);
  return undefined;
}

function decodeStop(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value) || !value.every((s) => typeof s === 'string')) throw badRequest('stop', 'must be a string or an array of strings');
  return value as string[];
}

/** Types the IR has no place for decode to nothing, survive only the round trip, and are named to `lost`. */
function decodeResponseFormat(value: unknown, lost: LossSink): IRResponseFormat | undefined {
  if (value === undefined || value === null) return undefined;
  const format = requireRecord(value, 'response_format');
  switch (format.type) {
    case 'text':
      return { type: 'text' };
    case 'json_object':
      return { type: 'json' };
    case 'json_schema': {
      const spec = requireRecord(format.json_schema, 'response_format.json_schema');
      const out: IRResponseFormat = {
        type: 'json-schema',
        name: requireString(spec.name, 'response_format.json_schema.name'),
        schema: spec.schema === undefined || spec.schema === null ? {} : requireRecord(spec.schema, 'response_format.json_schema.schema'),
      };
      const strict = optionalBoolean(spec.strict, 'response_format.json_schema.strict');
      if (strict !== undefined) out.strict = strict;
      const description = optionalString(spec.description, 'response_format.json_schema.description');
      if (description !== undefined) out.description = description;
      noteUncarriedKeys(spec, ['name', 'schema', 'strict', 'description'], 'response_format.json_schema', lost);
      return out;
    }
    default:
      lost(`response_format ${String(format.type)}`);
      return undefined;
  }
}

const noLoss: LossSink = () => {};

/** Assigns only defined values, so a decoded slice has no `key: undefined` noise. */
function set<K extends keyof IRRequest>(into: IRRequest, key: K, value: IRRequest[K] | undefined): void {
  if (value !== undefined) into[key] = value;
}

/** @see https://platform.openai.com/docs/api-reference/chat/create */
export const REQUEST_FACETS: readonly RequestFacet[] = [
  {
    name: 'messages',
    fields: ['messages'],
    decode(body, into, lost) {
      const { system, messages } = decodeOpenAIChatMessages(body.messages, 'messages', lost);
      into.system = system;
      into.messages = messages;
    },
    slice: (r) => ({ system: r.system, messages: r.messages }),
  },
  { name: 'tools', fields: ['tools'], decode: (b, into, lost = noLoss) => (into.tools = decodeTools(b.tools, lost)), slice: (r) => r.tools },
  {
    name: 'toolChoice',
    fields: ['tool_choice'],
    decode: (b, into, lost = noLoss) => set(into, 'toolChoice', decodeToolChoice(b.tool_choice, lost)),
    slice: (r) => r.toolChoice,
  },
  {
    name: 'parallelToolCalls',
    fields: ['parallel_tool_calls'],
    decode: (b, into) => set(into, 'parallelToolCalls', optionalBoolean(b.parallel_tool_calls, 'parallel_tool_calls')),
    slice: (r) => r.parallelToolCalls,
  },
  {
    name: 'maxTokens',
    // max_tokens is deprecated in favour of max_completion_tokens (and rejected by o-series models).
    fields: ['max_completion_tokens', 'max_tokens'],
    decode: (b, into) =>
      set(into, 'maxTokens', optionalInteger(b.max_completion_tokens, 'max_completion_tokens') ?? optionalInteger(b.max_tokens, 'max_tokens')),
    slice: (r) => r.maxTokens,
  },
  { name: 'temperature', fields: ['temperature'], decode: (b, into) => set(into, 'temperature', optionalNumber(b.temperature, 'temperature')), slice: (r) => r.temperature },
  { name: 'topP', fields: ['top_p'], decode: (b, into) => set(into, 'topP', optionalNumber(b.top_p, 'top_p')), slice: (r) => r.topP },
  { name: 'stop', fields: ['stop'], decode: (b, into) => set(into, 'stopSequences', decodeStop(b.stop)), slice: (r) => r.stopSequences },
  { name: 'seed', fields: ['seed'], decode: (b, into) => set(into, 'seed', optionalInteger(b.seed, 'seed')), slice: (r) => r.seed },
  {
    name: 'responseFormat',
    fields: ['response_format'],
    decode: (b, into, lost = noLoss) => set(into, 'responseFormat', decodeResponseFormat(b.response_format, lost)),
    slice: (r) => r.responseFormat,
  },
  {
    name: 'reasoning',
    fields: ['reasoning_effort'],
    decode(b, into) {
      const effort = optionalString(b.reasoning_effort, 'reasoning_effort');
      if (effort !== undefined) into.reasoning = { effort };
    },
    slice: (r) => r.reasoning,
  },
  { name: 'user', fields: ['user'], decode: (b, into) => set(into, 'user', optionalString(b.user, 'user')), slice: (r) => r.user },
  { name: 'stream', fields: ['stream'], decode: (b, into) => (into.stream = optionalBoolean(b.stream, 'stream') ?? false), slice: (r) => r.stream },
];

/** Every top-level field a facet owns, plus `model`; the rest of a body goes to `extra`. */
export const KNOWN_FIELDS: ReadonlySet<string> = new Set(['model', ...REQUEST_FACETS.flatMap((f) => f.fields)]);
