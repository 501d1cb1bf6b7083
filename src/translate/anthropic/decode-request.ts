import { formatPath } from '../../protocols/format-path.js';
import { GatewayError } from '../../protocols/errors.js';
import type { LossSink } from '../extra.js';
import { isEmptyValue, makeExtra } from '../extra.js';
import type { IRExtra, IRMessage, IRReasoningConfig, IRRequest, IRResponseFormat, IRTextPart, IRTool, IRToolChoice } from '../ir.js';
import { isRecord } from '../shared/json.js';
import type { WireObject } from './anthropic-wire.js';
import { ANTHROPIC_PROTOCOL, KNOWN_REQUEST_FIELDS } from './anthropic-wire.js';
import { decodeCacheControl, decodeRequestBlock, noteUncarriedKeys } from './decode-content.js';
import { FieldWarnings, encodeRequestCore } from './encode-request.js';
import type { FieldPath } from './request-validation.js';
import {
  fail,
  optionalBoolean,
  optionalInteger,
  optionalNumber,
  optionalString,
  requireArray,
  requireObject,
  requireString,
} from './request-validation.js';
import { sameJson } from './same-json.js';

/**
 * Client body -> IR. Validates the fields it maps (a 400 naming the field);
 * top-level fields it does not know go to `extra.fields` verbatim (real
 * losses for another protocol). Then it encodes the IR back and compares: a
 * known field whose canonical encoding differs from what the client sent (a
 * string-vs-blocks shape, `stream: false`, `output_config`) is kept in
 * `extra.replay`, so the same-protocol round trip is exact while other
 * protocols see the IR and warn about nothing. What such a field holds that
 * the IR cannot (citations, server tools and their blocks, unknown
 * keys) is named, with its place, in `extra.lost`.
 * @see https://docs.anthropic.com/en/api/messages
 */
export function decodeAnthropicRequest(body: unknown): IRRequest {
  if (!isRecord(body)) throw new GatewayError('SB_ERR_BAD_REQUEST', 'request body must be a JSON object');
  const model = requireString(body.model, ['model']);
  if (model === '') fail(['model'], 'String should have at least 1 character');
  if (body.max_tokens === undefined) fail(['max_tokens'], 'Field required');
  const lostItems: string[] = [];
  const lost: LossSink = (what) => void lostItems.push(what);
  const maxTokens = optionalInteger(body.max_tokens, ['max_tokens'], 1);
  const { leading, messages } = decodeMessages(requireArray(body.messages, ['messages']), lost);
  const toolChoice = decodeToolChoice(body.tool_choice, lost);
  const outputConfig = body.output_config === undefined ? undefined : requireObject(body.output_config, ['output_config']);

  const request: IRRequest = {
    model,
    system: [...decodeSystem(body.system, lost), ...leading],
    messages,
    tools: decodeTools(body.tools, lost),
    stream: optionalBoolean(body.stream, ['stream']) ?? false,
    extra: null,
  };
  if (toolChoice.choice) request.toolChoice = toolChoice.choice;
  if (toolChoice.parallel !== undefined) request.parallelToolCalls = toolChoice.parallel;
  if (maxTokens !== undefined) request.maxTokens = maxTokens;
  const temperature = optionalNumber(body.temperature, ['temperature']);
  if (temperature !== undefined) request.temperature = temperature;
  const topP = optionalNumber(body.top_p, ['top_p']);
  if (topP !== undefined) request.topP = topP;
  const topK = optionalInteger(body.top_k, ['top_k'], 0);
  if (topK !== undefined) request.topK = topK;
  if (body.stop_sequences !== undefined && body.stop_sequences !== null) {
    request.stopSequences = requireArray(body.stop_sequences, ['stop_sequences']).map((s, i) => requireString(s, ['stop_sequences', i]));
  }
  const reasoning = decodeThinking(body.thinking, outputConfig, lost);
  if (reasoning) request.reasoning = reasoning;
  const responseFormat = decodeOutputFormat(outputConfig, lost);
  if (responseFormat) request.responseFormat = responseFormat;
  if (body.metadata !== undefined && body.metadata !== null) {
    const metadata = requireObject(body.metadata, ['metadata']);
    const user = optionalString(metadata.user_id, ['metadata', 'user_id']);
    if (user !== undefined) request.user = user;
    noteUncarriedKeys(metadata, ['user_id'], ['metadata'], lost);
  }

  const fields: Record<string, unknown> = {};
  // The canonical encoding reads output_config from extra (a native format needs no forced tool).
  const replay: Record<string, unknown> = outputConfig === undefined ? {} : { output_config: body.output_config };
  for (const [key, value] of Object.entries(body)) {
    // An unknown field that says nothing (null, [], {}) loses nothing either: kept for the round trip only.
    if (!(KNOWN_REQUEST_FIELDS as readonly string[]).includes(key)) (isEmptyValue(value) ? replay : fields)[key] = value;
  }
  const extra = makeExtra(ANTHROPIC_PROTOCOL, { fields, lost: lostItems }, true)!;
  request.extra = withLazyReplay(extra, () => {
    // The canonical encoding reads output_config from extra.replay: it encodes with what is known so far.
    request.extra = makeExtra(ANTHROPIC_PROTOCOL, { fields, replay });
    const canonical = encodeRequestCore(request, model, new FieldWarnings());
    request.extra = extra;
    for (const key of KNOWN_REQUEST_FIELDS) {
      if (key !== 'model' && !sameJson(canonical[key], body[key])) replay[key] = body[key];
    }
    return Object.keys(replay).length > 0 ? replay : undefined;
  });
  return request;
}

/**
 * `extra` whose `replay` (the client's own spellings of fields the IR
 * mapped) is worked out when first read. Finding it re-encodes the whole
 * request and compares it with the body, a third of decoding a long Claude
 * Code conversation; only an Anthropic encoder (a same-protocol round trip)
 * reads it, and a request is decoded mostly to be translated for another
 * protocol, whose encoders read `fields` and `lost` only. So `extra` is set
 * on every Anthropic request, its replay empty (undefined) when the body
 * is already in the canonical spelling.
 */
function withLazyReplay(extra: IRExtra, find: () => Record<string, unknown> | undefined): IRExtra {
  let replay: Record<string, unknown> | undefined;
  let found = false;
  Object.defineProperty(extra, 'replay', {
    enumerable: true,
    configurable: true,
    get() {
      if (!found) {
        found = true;
        replay = find();
      }
      return replay;
    },
  });
  return extra;
}

/**
 * `messages` -> IR turns. `system` messages (Anthropic's mid-conversation
 * system messages) keep their place as IR system messages; any before the
 * first turn join the request's system instructions (`leading`). A message of
 * a role the IR has no place for is left out and named to `lost`.
 * @see https://platform.claude.com/docs/en/build-with-claude/mid-conversation-system-messages
 */
function decodeMessages(values: unknown[], lost: LossSink): { leading: IRTextPart[]; messages: IRMessage[] } {
  const leading: IRTextPart[] = [];
  const messages: IRMessage[] = [];
  values.forEach((value, i) => {
    const path: FieldPath = ['messages', i];
    const message = requireObject(value, path);
    const role = requireString(message.role, [...path, 'role']);
    if (role === 'system') {
      noteUncarriedKeys(message, ['role', 'content', 'cache_control'], path, lost);
      const parts = decodeSystemMessage(message, path, lost);
      if (messages.length === 0) leading.push(...parts);
      else messages.push({ role: 'system', content: parts });
      return;
    }
    if (role !== 'user' && role !== 'assistant') {
      lost(`${role} message in ${formatPath(path)}`);
      return;
    }
    noteUncarriedKeys(message, ['role', 'content'], path, lost);
    const content = message.content;
    if (typeof content === 'string') return void messages.push({ role, content: [{ type: 'text', text: content }] });
    const blocks = requireArray(content, [...path, 'content']);
    messages.push({ role, content: blocks.flatMap((block, j) => decodeRequestBlock(block, [...path, 'content', j], lost)) });
  });
  return { leading, messages };
}

/** A system message's content (a string or text blocks, as `system` takes); its own `cache_control` goes on its last part. */
function decodeSystemMessage(message: WireObject, path: FieldPath, lost: LossSink): IRTextPart[] {
  const parts = decodeSystem(message.content, lost, [...path, 'content']);
  const cacheControl = decodeCacheControl(message.cache_control, [...path, 'cache_control']);
  const last = parts.at(-1);
  if (cacheControl && last) last.cacheControl = cacheControl;
  return parts;
}

/** `system` (a string or text blocks); another block type is left out and named to `lost`. */
function decodeSystem(value: unknown, lost: LossSink, at: FieldPath = ['system']): IRTextPart[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  return requireArray(value, at).flatMap((item, i): IRTextPart[] => {
    const path: FieldPath = [...at, i];
    const block = requireObject(item, path);
    const type = requireString(block.type, [...path, 'type']);
    if (type !== 'text') {
      lost(`${type} block in ${formatPath(path)}`);
      return [];
    }
    noteUncarriedKeys(block, ['type', 'text', 'cache_control'], path, lost);
    const part: IRTextPart = { type: 'text', text: requireString(block.text, [...path, 'text']) };
    const cacheControl = decodeCacheControl(block.cache_control, [...path, 'cache_control']);
    if (cacheControl) part.cacheControl = cacheControl;
    return [part];
  });
}

/** Custom tools become IR tools; server tools (with a `type` such as `web_search_20250305`) are named to `lost`. */
function decodeTools(value: unknown, lost: LossSink): IRTool[] {
  if (value === undefined || value === null) return [];
  const tools: IRTool[] = [];
  requireArray(value, ['tools']).forEach((item, i) => {
    const path: FieldPath = ['tools', i];
    const tool = requireObject(item, path);
    const type = optionalString(tool.type, [...path, 'type']);
    if (type !== undefined && type !== 'custom') {
      lost(`server tool ${typeof tool.name === 'string' ? `${tool.name} ` : ''}(${type}) in ${formatPath(path)}`);
      return;
    }
    noteUncarriedKeys(tool, ['type', 'name', 'description', 'input_schema', 'strict', 'cache_control'], path, lost);
    const out: IRTool = { name: requireString(tool.name, [...path, 'name']), parameters: requireObject(tool.input_schema, [...path, 'input_schema']) };
    const description = optionalString(tool.description, [...path, 'description']);
    if (description !== undefined) out.description = description;
    const strict = optionalBoolean(tool.strict, [...path, 'strict']);
    if (strict !== undefined) out.strict = strict;
    const cacheControl = decodeCacheControl(tool.cache_control, [...path, 'cache_control']);
    if (cacheControl) out.cacheControl = cacheControl;
    tools.push(out);
  });
  return tools;
}

/** @see https://docs.anthropic.com/en/api/messages#body-tool-choice */
function decodeToolChoice(value: unknown, lost: LossSink): { choice?: IRToolChoice; parallel?: boolean } {
  if (value === undefined || value === null) return {};
  const path: FieldPath = ['tool_choice'];
  const choice = requireObject(value, path);
  const type = requireString(choice.type, [...path, 'type']);
  const disable = optionalBoolean(choice.disable_parallel_tool_use, [...path, 'disable_parallel_tool_use']);
  const parallel = disable === undefined ? undefined : !disable;
  noteUncarriedKeys(choice, ['type', 'name', 'disable_parallel_tool_use'], path, lost);
  switch (type) {
    case 'auto':
      return { choice: { type: 'auto' }, parallel };
    case 'any':
      return { choice: { type: 'required' }, parallel };
    case 'none':
      return { choice: { type: 'none' }, parallel };
    case 'tool':
      return { choice: { type: 'tool', name: requireString(choice.name, [...path, 'name']) }, parallel };
    default:
      lost(`tool_choice ${type}`);
      return { parallel };
  }
}

/**
 * `thinking` (and `output_config.effort`) -> IR reasoning: `enabled` with its
 * budget, `adaptive` (the model chooses its depth), `disabled`; `display`
 * says whether readable thinking comes back (it does unless `omitted`).
 * Other thinking types have no IR equivalent: named to `lost`.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking
 * @see https://platform.claude.com/docs/en/build-with-claude/effort
 */
function decodeThinking(value: unknown, outputConfig: WireObject | undefined, lost: LossSink): IRReasoningConfig | undefined {
  const reasoning: IRReasoningConfig = {};
  if (value !== undefined && value !== null) {
    const path: FieldPath = ['thinking'];
    const thinking = requireObject(value, path);
    const type = requireString(thinking.type, [...path, 'type']);
    if (type === 'enabled') {
      if (thinking.budget_tokens === undefined) fail([...path, 'budget_tokens'], 'Field required');
      reasoning.budgetTokens = optionalInteger(thinking.budget_tokens, [...path, 'budget_tokens'], 0);
    } else if (type === 'adaptive') reasoning.adaptive = true;
    else if (type === 'disabled') reasoning.disabled = true;
    else lost(`${type} thinking`);
    if (type === 'enabled' || type === 'adaptive') {
      const display = optionalString(thinking.display, [...path, 'display']);
      reasoning.includeThoughts = display !== 'omitted';
    }
    noteUncarriedKeys(thinking, ['type', 'budget_tokens', 'display'], path, lost);
  }
  const effort = outputConfig?.effort;
  if (typeof effort === 'string') reasoning.effort = effort;
  else if (effort !== undefined && effort !== null) lost('output_config.effort');
  return Object.keys(reasoning).length > 0 ? reasoning : undefined;
}

/**
 * `output_config.format` (Anthropic's structured outputs) -> IR response
 * format; the field itself is kept in `extra.replay` so an Anthropic upstream
 * gets the native format back. Other `output_config` keys and formats are named to `lost`.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/structured-outputs
 */
function decodeOutputFormat(outputConfig: WireObject | undefined, lost: LossSink): IRResponseFormat | undefined {
  if (!outputConfig) return undefined;
  noteUncarriedKeys(outputConfig, ['effort', 'format'], ['output_config'], lost);
  const format = outputConfig.format;
  if (format === undefined || format === null) return undefined;
  if (!isRecord(format) || format.type !== 'json_schema' || !isRecord(format.schema)) {
    lost(`output_config.format${isRecord(format) && typeof format.type === 'string' ? ` ${format.type}` : ''}`);
    return undefined;
  }
  noteUncarriedKeys(format, ['type', 'schema'], ['output_config', 'format'], lost);
  return { type: 'json-schema', name: 'response', schema: format.schema };
}
