import type { StructuredOutputMode } from '../codec.js';
import { foreignExtraWarnings, replayedFields, sameProtocolExtra } from '../extra.js';
import type { IRRequest, IRTool, Warnings } from '../ir.js';
import { isRecord } from '../shared/json.js';
import type { WireObject } from './anthropic-wire.js';
import { ANTHROPIC_PROTOCOL } from './anthropic-wire.js';
import { encodeMessages, encodeSystem, withCacheControl } from './encode-content.js';
import { MIN_BUDGET, planThinking, THINKING_OFF_FOR_TOOL_TURN, toolTurnWithoutThinking } from './encode-thinking.js';
import { planJsonOutput } from './json-output.js';

/** `max_tokens` is required by Anthropic; sent when the client set none (OpenAI and Gemini clients may not). */
export const DEFAULT_MAX_TOKENS = 4096;

/** Warnings filed under the body field they concern, so a field restored from `extra` takes its warnings away. */
export class FieldWarnings {
  readonly #byField = new Map<string, string[]>();
  add(field: string, message: string): void {
    const list = this.#byField.get(field) ?? [];
    list.push(message);
    this.#byField.set(field, list);
  }
  /** For helpers that take a plain warnings list. */
  list(field: string): Warnings {
    const list = this.#byField.get(field) ?? [];
    this.#byField.set(field, list);
    return list;
  }
  collect(except: ReadonlySet<string>): Warnings {
    const out = new Set<string>();
    for (const [field, list] of this.#byField) if (!except.has(field)) for (const w of list) out.add(w);
    return [...out];
  }
}

/** The Anthropic fields of a same-protocol `extra` (round-trip spellings and unmapped fields), when there is one. */
function nativeFields(request: IRRequest): Record<string, unknown> | undefined {
  const extra = sameProtocolExtra(request, ANTHROPIC_PROTOCOL);
  return extra ? replayedFields(extra) : undefined;
}

/**
 * IR -> Anthropic Messages body, from the IR alone (no `extra`). This is the
 * canonical encoding decode-request.ts compares the client's body against.
 * @see https://docs.anthropic.com/en/api/messages
 */
export function encodeRequestCore(request: IRRequest, model: string, warn: FieldWarnings, structuredOutput?: StructuredOutputMode): WireObject {
  const native = nativeFields(request);
  const outputConfig = isRecord(native?.output_config) ? native.output_config : undefined;
  const body: WireObject = { model };

  const messages = encodeMessages(request.messages, warn.list('messages'));
  let plan = planThinking(request.reasoning, model, outputConfig?.effort !== undefined, warn);
  if (plan.thinking !== undefined && plan.thinking.type !== 'disabled' && toolTurnWithoutThinking(messages)) {
    warn.add('thinking', THINKING_OFF_FOR_TOOL_TURN);
    plan = { ...(plan.effort !== undefined ? { effort: plan.effort } : {}), reserve: 0 };
  }
  let maxTokens = request.maxTokens;
  if (maxTokens === undefined) {
    maxTokens = DEFAULT_MAX_TOKENS + plan.reserve;
    warn.add('max_tokens', `max_tokens: the client set no limit; sent ${maxTokens} (Anthropic requires one)`);
  }
  if (plan.budget !== undefined && plan.budget >= maxTokens) {
    if (maxTokens - 1 >= MIN_BUDGET) {
      warn.add('thinking', `thinking budget ${plan.budget} lowered to ${maxTokens - 1}: it must stay below max_tokens`);
      plan = { thinking: { type: 'enabled', budget_tokens: maxTokens - 1 }, budget: maxTokens - 1, reserve: maxTokens - 1 };
    } else {
      warn.add('thinking', `dropped thinking: max_tokens ${maxTokens} leaves no room for the minimum budget of ${MIN_BUDGET}`);
      plan = { reserve: 0 };
    }
  }
  body.max_tokens = maxTokens;
  const thinkingOn = plan.thinking !== undefined && plan.thinking.type !== 'disabled';

  const system = [...request.system];
  const tools: WireObject[] = request.tools.map(encodeTool);
  let toolChoice = encodeToolChoice(request);
  const output: WireObject = {};
  if (plan.effort !== undefined) output.effort = plan.effort;
  if (request.responseFormat && !isRecord(outputConfig?.format)) {
    const canForceTool = request.tools.length === 0 && !thinkingOn && request.toolChoice?.type !== 'none';
    const json = planJsonOutput(request.responseFormat, canForceTool, structuredOutput);
    if (json?.mode === 'native') output.format = json.format;
    else if (json?.mode === 'tool') {
      tools.push(json.tool);
      toolChoice = json.toolChoice;
    } else if (json?.mode === 'system') {
      system.push({ type: 'text', text: json.instructions });
      warn.add('system', json.warning);
    }
  }

  const encodedSystem = encodeSystem(system);
  if (encodedSystem !== undefined) body.system = encodedSystem;
  body.messages = messages;
  if (tools.length > 0) body.tools = tools;
  if (toolChoice) body.tool_choice = toolChoice;
  if (plan.thinking) body.thinking = plan.thinking;
  if (Object.keys(output).length > 0) body.output_config = output;
  if (request.temperature !== undefined) {
    if (thinkingOn && request.temperature !== 1) warn.add('temperature', 'dropped temperature: Anthropic allows none with thinking on');
    else if (request.temperature > 1) {
      warn.add('temperature', `temperature ${request.temperature} lowered to 1 (Anthropic's range is 0 to 1)`);
      body.temperature = 1;
    } else body.temperature = request.temperature;
  }
  if (request.topP !== undefined) {
    if (thinkingOn && request.topP < 0.95) warn.add('top_p', 'dropped top_p: with thinking on Anthropic allows only 0.95 to 1');
    else body.top_p = request.topP;
  }
  if (request.topK !== undefined) {
    if (thinkingOn) warn.add('top_k', 'dropped top_k: Anthropic allows none with thinking on');
    else body.top_k = request.topK;
  }
  if (request.stopSequences !== undefined) body.stop_sequences = [...request.stopSequences];
  if (request.seed !== undefined) warn.add('seed', 'dropped seed: Anthropic has no such option');
  if (request.user !== undefined) body.metadata = { user_id: request.user };
  if (request.stream) body.stream = true;
  return body;
}

function encodeTool(tool: IRTool): WireObject {
  const out: WireObject = { name: tool.name };
  if (tool.description !== undefined) out.description = tool.description;
  // Anthropic requires an object schema; a bare `{}` (a function without parameters) becomes one.
  out.input_schema = tool.parameters.type === undefined ? { type: 'object', ...tool.parameters } : tool.parameters;
  if (tool.strict !== undefined) out.strict = tool.strict;
  return withCacheControl(out, tool.cacheControl);
}

/** @see https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use#forcing-tool-use */
function encodeToolChoice(request: IRRequest): WireObject | undefined {
  const { toolChoice, parallelToolCalls } = request;
  if (!toolChoice && (parallelToolCalls === undefined || request.tools.length === 0)) return undefined;
  let out: WireObject;
  switch (toolChoice?.type) {
    case undefined:
    case 'auto':
      out = { type: 'auto' };
      break;
    case 'required':
      out = { type: 'any' };
      break;
    case 'none':
      return { type: 'none' };
    case 'tool':
      out = { type: 'tool', name: toolChoice.name };
      break;
    default:
      return toolChoice satisfies never;
  }
  if (parallelToolCalls !== undefined) out.disable_parallel_tool_use = !parallelToolCalls;
  return out;
}

/**
 * IR -> Anthropic body for the upstream model. A same-protocol `extra`
 * re-emits the client's own fields verbatim, from `replay` and `fields`
 * alike (an `undefined` value removes a field the canonical encoding would
 * add); another protocol's `extra` is dropped, with a warning naming what
 * its `fields` and `lost` held (its `replay` carries nothing the IR lacks).
 */
export function encodeAnthropicRequest(
  request: IRRequest,
  upstreamModel: string,
  structuredOutput?: StructuredOutputMode,
): { body: WireObject; warnings: Warnings } {
  const warn = new FieldWarnings();
  const body = encodeRequestCore(request, upstreamModel, warn, structuredOutput);
  const restored = new Set<string>();
  const native = nativeFields(request);
  if (native) {
    for (const [key, value] of Object.entries(native)) {
      if (key === 'model' || key === 'max_tokens') continue;
      if (key === 'stream' && request.stream) continue;
      restored.add(key);
      if (value === undefined) delete body[key];
      else body[key] = value;
    }
  } else {
    const dropped = foreignExtraWarnings(request.extra, (protocol, names) => `dropped ${protocol} fields Anthropic has no place for: ${names.join(', ')}`);
    for (const warning of dropped) warn.add('extra', warning);
  }
  return { body, warnings: warn.collect(restored) };
}
