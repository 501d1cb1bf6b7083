/**
 * OpenAI Responses request body -> IR.
 *
 * The codec itself is stateless: the gateway expands `previous_response_id`
 * into `input` and sets `store: false` before decoding (stored-responses/),
 * so a body that still names `previous_response_id` or `conversation` is
 * refused with a 400, and `store` is carried in `extra`. Top-level fields the IR has no
 * place for go to `extra.fields` (real losses for another protocol: warned);
 * what carries nothing the IR lacks (explicit nulls, `store: false`, default
 * values) goes to `extra.replay`, as do the leftovers of mapped fields
 * (hosted tools, an `allowed_tools` choice, `text.verbosity`), which are
 * also named in `extra.lost`. The same protocol re-emits all of it verbatim.
 * @see https://platform.openai.com/docs/api-reference/responses/create
 */
import { GatewayError } from '../../protocols/errors.js';
import type { LossSink } from '../extra.js';
import { isEmptyValue, makeExtra, noteUncarriedKeys } from '../extra.js';
import type { IRReasoningConfig, IRRequest, IRResponseFormat, IRTextPart, IRTool, IRToolChoice } from '../ir.js';
import { isRecord, jsonEqual } from '../shared/json.js';
import { badRequest } from '../shared/validate.js';
import { decodeInput, stringAt } from './decode-input.js';
import { encodeTools, WarningSet } from './encode-config.js';
import { encodeInput } from './encode-request.js';
import { namespacedName, wireToolNames } from './client-tools.js';
import { FREEFORM_PARAMETERS } from './freeform-tools.js';
import { PROTOCOL, num, type Json } from './wire.js';

/** Fields that need server-side state; refused rather than silently ignored. */
const STATEFUL_FIELDS = ['previous_response_id', 'conversation'] as const;

/** Top-level fields mapped onto the IR (anything else goes to `extra`). */
const MAPPED_FIELDS = new Set([
  'model',
  'input',
  'instructions',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'max_output_tokens',
  'temperature',
  'top_p',
  'text',
  'reasoning',
  'user',
  'stream',
]);

/**
 * Unmapped top-level values that ask for nothing another protocol would
 * have to do (`store` is decided before decoding; the upstream keeps
 * nothing either way).
 */
const DEFAULT_VALUES: Record<string, unknown> = { store: false, background: false, truncation: 'disabled' };

/** `stream_options` keys that concern only OpenAI's own stream (obfuscation padding), not what an upstream is asked. */
const CLIENT_SIDE_STREAM_OPTIONS = ['include_obfuscation'];

export function decodeRequest(body: unknown): IRRequest {
  if (!isRecord(body)) throw new GatewayError('SB_ERR_BAD_REQUEST', 'request body: expected a JSON object');
  for (const field of STATEFUL_FIELDS) {
    if (field in body) {
      throw badRequest(field, 'not supported here: send the whole conversation in `input`');
    }
  }
  const model = body.model;
  if (typeof model !== 'string' || model === '') throw badRequest('model', 'expected a non-empty string');

  const extra: Json = {};
  const replay: Json = {};
  const lost: string[] = [];
  for (const [key, value] of Object.entries(body)) {
    if (MAPPED_FIELDS.has(key)) {
      // An explicit null has no place in the IR; keep it so the same protocol sends it back.
      if (value === null && key !== 'model') replay[key] = value;
    } else if (key === 'stream_options' && isRecord(value)) {
      replay[key] = value;
      for (const option of Object.keys(value)) if (!CLIENT_SIDE_STREAM_OPTIONS.includes(option)) lost.push(`stream_options.${option}`);
    } else if (isEmptyValue(value) || (Object.hasOwn(DEFAULT_VALUES, key) && DEFAULT_VALUES[key] === value)) replay[key] = value;
    else extra[key] = value;
  }
  const present = (key: string): boolean => body[key] !== undefined && body[key] !== null;

  const system: IRTextPart[] = [];
  if (present('instructions')) {
    if (typeof body.instructions !== 'string') throw badRequest('instructions', 'expected a string');
    system.push({ type: 'text', text: body.instructions });
  }
  const messages = present('input') ? decodeInput(body.input, system, (what) => void lost.push(what)) : [];

  const request: IRRequest = { model, system, messages, tools: [], stream: false, extra: null };
  if (present('tools')) {
    request.tools = decodeTools(body.tools, (what) => void lost.push(what));
    // The client's own list where the canonical one would differ (hosted tools, keys the IR has no place for).
    if (!jsonEqual(encodeTools(request.tools), body.tools)) replay.tools = body.tools;
  }
  // The client's own `input` where the canonical items would differ (a string, leading developer items,
  // items the IR has no place for), so the same protocol sends it back as it came.
  // `instructions` goes with it: the IR's system holds the leading developer items too.
  if (present('input') && !jsonEqual(encodeInput(messages, new WarningSet(), wireToolNames(request)), body.input)) {
    replay.input = body.input;
    if (body.instructions !== undefined) replay.instructions = body.instructions;
  }
  if (present('tool_choice')) {
    const choice = decodeToolChoice(body.tool_choice);
    if (choice) request.toolChoice = choice;
    else {
      replay.tool_choice = body.tool_choice;
      lost.push(`tool_choice ${isRecord(body.tool_choice) ? String(body.tool_choice.type) : JSON.stringify(body.tool_choice)}`);
    }
  }
  if (present('parallel_tool_calls')) request.parallelToolCalls = boolField(body, 'parallel_tool_calls');
  if (present('max_output_tokens')) request.maxTokens = numberField(body, 'max_output_tokens');
  if (present('temperature')) request.temperature = numberField(body, 'temperature');
  if (present('top_p')) request.topP = numberField(body, 'top_p');
  if (present('user')) {
    if (typeof body.user !== 'string') throw badRequest('user', 'expected a string');
    request.user = body.user;
  }
  if (present('stream')) request.stream = boolField(body, 'stream');
  if (present('text')) {
    const { format, rest } = decodeTextConfig(body.text);
    if (format) request.responseFormat = format;
    if (rest) keepRest('text', rest, replay, lost);
  }
  if (present('reasoning')) {
    const { config, rest } = decodeReasoningConfig(body.reasoning);
    if (config) request.reasoning = config;
    if (rest) keepRest('reasoning', rest, replay, lost);
  }
  // Always stamped, even when empty, so the same protocol's encoder knows the request is its own.
  request.extra = makeExtra(PROTOCOL, { fields: extra, replay, lost }, true);
  return request;
}

/** The unmapped keys of a mapped object (`text.verbosity`, an unknown `text.format`): kept for the round trip, named as lost. */
function keepRest(field: string, rest: Json, replay: Json, lost: string[]): void {
  replay[field] = rest;
  for (const [key, value] of Object.entries(rest)) {
    if (isEmptyValue(value)) continue;
    lost.push(key === 'format' && isRecord(value) && typeof value.type === 'string' ? `${field}.format ${value.type}` : `${field}.${key}`);
  }
}

function boolField(body: Json, key: string): boolean {
  if (typeof body[key] !== 'boolean') throw badRequest(key, 'expected a boolean');
  return body[key];
}

function numberField(body: Json, key: string): number {
  const value = num(body[key]);
  if (value === undefined) throw badRequest(key, 'expected a number');
  return value;
}

/**
 * Function tools map to the IR, custom (free-form) tools as functions taking
 * one string (freeform-tools.ts); every other tool type (web_search, mcp,
 * namespace, …) and the keys of a tool the IR has no place for are named as
 * lost (the decoder keeps the client's list for the round trip).
 */
function decodeTools(tools: unknown, lost: LossSink): IRTool[] {
  if (!Array.isArray(tools)) throw badRequest('tools', 'expected an array');
  const out: IRTool[] = [];
  tools.forEach((tool: unknown, index) => {
    const path = `tools[${index}]`;
    if (!isRecord(tool) || typeof tool.type !== 'string') throw badRequest(`${path}.type`, 'expected a tool object with a type');
    if (tool.type === 'namespace') return void out.push(...decodeNamespace(tool, path, lost));
    const ir = decodeTool(tool, path, lost);
    if (ir) out.push(ir);
    else lost(`${tool.type} tool in ${path}`);
  });
  return out;
}

/** A function or custom tool, else undefined. */
function decodeTool(tool: Json, path: string, lost: LossSink): IRTool | undefined {
  if (tool.type === 'custom') return decodeCustomTool(tool, path, lost);
  if (tool.type !== 'function') return undefined;
  noteUncarriedKeys(tool, ['type', 'name', 'description', 'parameters', 'strict'], path, lost);
  const parameters = tool.parameters ?? {};
  if (!isRecord(parameters)) throw badRequest(`${path}.parameters`, 'expected a JSON Schema object');
  // The Responses API enforces strict schemas unless told otherwise, so an absent `strict` means true.
  const strict = tool.strict ?? true;
  if (typeof strict !== 'boolean') throw badRequest(`${path}.strict`, 'expected a boolean');
  const ir: IRTool = { name: stringAt(tool, 'name', path), parameters, strict };
  if (typeof tool.description === 'string') ir.description = tool.description;
  return ir;
}

/** A namespace's tools, each an IR tool named `<namespace>__<tool>` (client-tools.ts). */
function decodeNamespace(tool: Json, path: string, lost: LossSink): IRTool[] {
  const name = stringAt(tool, 'name', path);
  noteUncarriedKeys(tool, ['type', 'name', 'description', 'tools'], path, lost);
  const inner = tool.tools ?? [];
  if (!Array.isArray(inner)) throw badRequest(`${path}.tools`, 'expected an array');
  const namespace = { name, ...(typeof tool.description === 'string' ? { description: tool.description } : {}) };
  return inner.flatMap((raw: unknown, index): IRTool[] => {
    const at = `${path}.tools[${index}]`;
    if (!isRecord(raw) || typeof raw.type !== 'string') throw badRequest(`${at}.type`, 'expected a tool object with a type');
    const ir = decodeTool(raw, at, lost);
    if (!ir) {
      lost(`${raw.type} tool in ${at}`);
      return [];
    }
    return [{ ...ir, name: namespacedName(name, ir.name), namespace: { ...namespace, tool: ir.name } }];
  });
}

/** A custom tool; a grammar `format` constrains only OpenAI's own models, so it is named as lost for the others. */
function decodeCustomTool(tool: Json, path: string, lost: LossSink): IRTool {
  const name = stringAt(tool, 'name', path);
  noteUncarriedKeys(tool, ['type', 'name', 'description', 'format'], path, lost);
  const ir: IRTool = { name, parameters: FREEFORM_PARAMETERS, freeform: tool.format === undefined || tool.format === null ? {} : { format: tool.format } };
  if (typeof tool.description === 'string') ir.description = tool.description;
  if (isRecord(tool.format) && tool.format.type !== 'text') lost(`${String(tool.format.type)} format of custom tool ${name} in ${path}`);
  return ir;
}

function decodeToolChoice(choice: unknown): IRToolChoice | undefined {
  if (choice === 'auto' || choice === 'none' || choice === 'required') return { type: choice };
  if (isRecord(choice) && choice.type === 'function' && typeof choice.name === 'string' && Object.keys(choice).length === 2) {
    return { type: 'tool', name: choice.name };
  }
  return undefined; // allowed_tools, hosted tools, mcp, custom: kept verbatim in extra
}

/** Splits `obj` into the keys a reader takes and the rest (returned only when non-empty or nothing was taken). */
function restOf(obj: Json, taken: string[]): Json | undefined {
  const rest: Json = {};
  for (const [key, value] of Object.entries(obj)) if (!taken.includes(key)) rest[key] = value;
  return Object.keys(rest).length > 0 || taken.length === 0 ? rest : undefined;
}

function decodeTextConfig(text: unknown): { format?: IRResponseFormat; rest?: Json } {
  if (!isRecord(text)) throw badRequest('text', 'expected an object');
  const format = decodeFormat(text.format);
  return { format, rest: restOf(text, format ? ['format'] : []) };
}

function decodeFormat(format: unknown): IRResponseFormat | undefined {
  if (!isRecord(format)) return undefined;
  switch (format.type) {
    case 'text':
      return Object.keys(format).length === 1 ? { type: 'text' } : undefined;
    case 'json_object':
      return Object.keys(format).length === 1 ? { type: 'json' } : undefined;
    case 'json_schema': {
      if (typeof format.name !== 'string' || !isRecord(format.schema)) throw badRequest('text.format', 'json_schema needs a name and a schema object');
      const known = ['type', 'name', 'schema', 'strict', 'description'];
      if (Object.keys(format).some((key) => !known.includes(key))) return undefined;
      const out: IRResponseFormat = { type: 'json-schema', name: format.name, schema: format.schema };
      if (typeof format.strict === 'boolean') out.strict = format.strict;
      else if (format.strict !== undefined) return undefined;
      if (typeof format.description === 'string') out.description = format.description;
      else if (format.description !== undefined) return undefined;
      return out;
    }
    default:
      return undefined;
  }
}

function decodeReasoningConfig(reasoning: unknown): { config?: IRReasoningConfig; rest?: Json } {
  if (!isRecord(reasoning)) throw badRequest('reasoning', 'expected an object');
  const config: IRReasoningConfig = {};
  const taken: string[] = [];
  if (typeof reasoning.effort === 'string') {
    config.effort = reasoning.effort;
    if (reasoning.effort === 'none') config.disabled = true;
    taken.push('effort');
  }
  if (typeof reasoning.summary === 'string') {
    config.summary = reasoning.summary;
    taken.push('summary');
  }
  return { config: taken.length > 0 ? config : undefined, rest: restOf(reasoning, taken) };
}
