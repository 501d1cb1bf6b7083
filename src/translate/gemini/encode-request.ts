import { foreignExtraWarnings, replayedFields, sameProtocolExtra } from '../extra.js';
import type { IRReasoningConfig, IRRequest, IRTool, IRToolChoice, Warnings } from '../ir.js';
import { foldedWarning, foldSystemMessages } from '../shared/fold-system.js';
import { budgetForEffort, effortForBudget, effortForTarget, GEMINI_LEVELS, reasoningOff } from '../shared/reasoning-levels.js';
import { isRecord } from '../shared/json.js';
import { encodeGeminiParts } from './encode-parts.js';
import type { GeminiContent, GeminiFunctionDeclaration, GeminiGenerationConfig, GeminiRequest } from './gemini-wire.js';
import { LAYOUT_FIELD, type GeminiLayout } from './gemini-layout.js';

/**
 * Gemini 3 and later check thought signatures on function calls and name
 * thinking by level; earlier models take a token budget.
 * @see https://ai.google.dev/gemini-api/docs/thinking
 */
function isGemini3OrLater(model: string): boolean {
  return /(^|\/)gemini-([3-9]|\d{2,})/.test(model);
}

/**
 * The value Google documents for function calls Gemini did not produce (a
 * conversation from another model), so a Gemini 3 model skips its
 * thought-signature check.
 * @see https://ai.google.dev/gemini-api/docs/thought-signatures
 */
export const SKIP_THOUGHT_SIGNATURE = 'skip_thought_signature_validator';

/**
 * IR -> a `generateContent` body for `upstreamModel` (the model itself goes
 * in the URL). A request that came from a Gemini client gets its own body
 * back (see gemini-layout.ts); from another protocol, what Gemini cannot
 * carry is dropped with a warning.
 */
export function encodeGeminiRequest(request: IRRequest, upstreamModel: string): { body: GeminiRequest; warnings: Warnings } {
  const warnings = new Set<string>();
  const warn = (warning: string): void => void warnings.add(warning);
  const own = sameProtocolExtra(request, 'gemini');
  const same = own !== undefined;
  const fields = own ? replayedFields(own) : {};
  const layout: GeminiLayout = isRecord(fields[LAYOUT_FIELD]) ? (fields[LAYOUT_FIELD] as GeminiLayout) : {};

  const body: GeminiRequest = { contents: encodeContents(request, layout, warn) };
  if (!same && isGemini3OrLater(upstreamModel)) markForeignFunctionCalls(body.contents, warn);

  if (same && layout.systemInstruction) body.systemInstruction = layout.systemInstruction;
  else if (request.system.length > 0) {
    if (request.system.some((p) => p.cacheControl !== undefined)) warn('dropped cache_control: gemini has no prompt-cache hints');
    body.systemInstruction = {
      ...(layout.systemRole !== undefined ? { role: layout.systemRole } : {}),
      parts: request.system.map((p) => ({ text: p.text })),
    };
  }

  const tools = encodeTools(request.tools, layout, same, warn);
  if (tools) body.tools = tools;
  const toolConfig = request.toolChoice ? { functionCallingConfig: encodeToolChoice(request.toolChoice) } : undefined;
  const generationConfig = encodeGenerationConfig(request, upstreamModel, layout, same, warn);

  if (request.parallelToolCalls === false) warn('dropped parallel_tool_calls: gemini cannot turn off parallel function calls');
  if (request.user !== undefined) warn('dropped user: gemini has no end-user field');

  if (same) {
    for (const [key, value] of Object.entries(fields)) {
      if (key === LAYOUT_FIELD || key === 'generationConfig' || key === 'toolConfig') continue;
      body[key] = value;
    }
    mergeInto(generationConfig, fields.generationConfig);
    if (isRecord(fields.toolConfig)) body.toolConfig = { ...toolConfig, ...fields.toolConfig };
  } else {
    for (const warning of foreignExtraWarnings(request.extra, (protocol, names) => `dropped ${protocol} fields: ${names.join(', ')}`)) warn(warning);
  }
  if (toolConfig && !body.toolConfig) body.toolConfig = toolConfig;
  if (Object.keys(generationConfig).length > 0) body.generationConfig = generationConfig;
  return { body, warnings: [...warnings] };
}

/**
 * IR turns -> `contents`. Gemini has no system role inside `contents`, so a
 * mid-conversation system message is folded into the nearest user turn as a
 * marked text part (shared/fold-system.ts): it keeps its place in the
 * conversation, where moving it to `systemInstruction` would not.
 */
function encodeContents(request: IRRequest, layout: GeminiLayout, warn: (w: string) => void): GeminiContent[] {
  const toolNames = new Map<string, string>();
  for (const message of request.messages) {
    for (const part of message.content) if (part.type === 'tool-call') toolNames.set(part.id, part.name);
  }
  const { messages, folded } = foldSystemMessages(request.messages);
  if (folded > 0) warn(foldedWarning(folded, 'gemini has no system role in contents'));
  const contents = messages.map((message, c): GeminiContent => {
    const parts = encodeGeminiParts(message.content, { foreignReasoning: 'drop', warn, toolName: (id) => toolNames.get(id) });
    const role = layout.roles?.[c];
    if (role === null) return { parts };
    return { role: role ?? (message.role === 'assistant' ? 'model' : 'user'), parts };
  });
  for (const { content, index, part } of layout.parts ?? []) contents[content]?.parts?.splice(index, 0, part);
  for (const { content, index, fields } of layout.partExtras ?? []) {
    const part = contents[content]?.parts?.[index];
    if (part) Object.assign(part, fields);
  }
  return contents;
}

/** Gives the first function call of each model turn that has no signature the documented skip value. */
function markForeignFunctionCalls(contents: GeminiContent[], warn: (w: string) => void): void {
  for (const content of contents) {
    if (content.role !== 'model') continue;
    const call = content.parts?.find((p) => p.functionCall !== undefined);
    if (call && call.thoughtSignature === undefined) {
      call.thoughtSignature = SKIP_THOUGHT_SIGNATURE;
      warn('function calls from another model sent with the skip_thought_signature_validator signature');
    }
  }
}

function encodeTools(
  tools: IRTool[],
  layout: GeminiLayout,
  same: boolean,
  warn: (w: string) => void,
): Record<string, unknown>[] | undefined {
  const declarations = tools.map((tool, i) => {
    if (tool.cacheControl !== undefined) warn('dropped cache_control: gemini has no prompt-cache hints');
    const note = same ? layout.declarations?.[i] : undefined;
    const decl: GeminiFunctionDeclaration = { name: tool.name };
    if (tool.description !== undefined) decl.description = tool.description;
    if (!note || note.schemaField === 'parametersJsonSchema') decl.parametersJsonSchema = tool.parameters;
    else if (note.schemaField === 'parameters') decl.parameters = (note.schema as Record<string, unknown> | undefined) ?? tool.parameters;
    if (note?.rest) Object.assign(decl, note.rest);
    return decl;
  });
  const shape = same ? layout.tools : undefined;
  if (!shape) return declarations.length > 0 ? [{ functionDeclarations: declarations }] : undefined;
  let next = 0;
  const entries = shape.map((entry) => {
    const group = declarations.slice(next, next + entry.functions);
    next += entry.functions;
    return { ...(entry.functions > 0 ? { functionDeclarations: group } : {}), ...entry.rest };
  });
  if (next < declarations.length) entries.push({ functionDeclarations: declarations.slice(next) });
  return entries;
}

/** @see https://ai.google.dev/api/caching#Mode */
function encodeToolChoice(choice: IRToolChoice): Record<string, unknown> {
  switch (choice.type) {
    case 'auto':
      return { mode: 'AUTO' };
    case 'none':
      return { mode: 'NONE' };
    case 'required':
      return { mode: 'ANY' };
    case 'tool':
      return { mode: 'ANY', allowedFunctionNames: [choice.name] };
    default:
      return choice satisfies never;
  }
}

function encodeGenerationConfig(
  request: IRRequest,
  upstreamModel: string,
  layout: GeminiLayout,
  same: boolean,
  warn: (w: string) => void,
): GeminiGenerationConfig {
  const config: GeminiGenerationConfig = {};
  if (request.temperature !== undefined) config.temperature = request.temperature;
  if (request.topP !== undefined) config.topP = request.topP;
  if (request.topK !== undefined) config.topK = request.topK;
  if (request.maxTokens !== undefined) config.maxOutputTokens = request.maxTokens;
  if (request.stopSequences !== undefined) config.stopSequences = request.stopSequences;
  if (request.seed !== undefined) config.seed = request.seed;

  const format = request.responseFormat;
  if (format?.type === 'text') config.responseMimeType = 'text/plain';
  else if (format?.type === 'json') config.responseMimeType = 'application/json';
  else if (format?.type === 'json-schema') {
    config.responseMimeType = 'application/json';
    if (same && layout.responseSchema?.field === 'responseSchema') config.responseSchema = layout.responseSchema.schema ?? format.schema;
    else config.responseJsonSchema = format.schema;
  }

  const thinking = request.reasoning ? encodeThinkingConfig(request.reasoning, upstreamModel, layout, same, warn) : {};
  if (Object.keys(thinking).length > 0) config.thinkingConfig = thinking;
  return config;
}

/**
 * IR reasoning -> `thinkingConfig`, by the table in
 * shared/reasoning-levels.ts. Gemini 3 and later take an effort as
 * `thinkingLevel` and cannot turn thinking off; earlier models take a budget
 * (-1: dynamic). A Gemini client's own settings come back as they were.
 * @see https://ai.google.dev/gemini-api/docs/thinking
 */
function encodeThinkingConfig(
  reasoning: IRReasoningConfig,
  upstreamModel: string,
  layout: GeminiLayout,
  same: boolean,
  warn: (w: string) => void,
): Record<string, unknown> {
  const thinking: Record<string, unknown> = {};
  const levels = isGemini3OrLater(upstreamModel);
  if (same) {
    if (reasoning.budgetTokens !== undefined) thinking.thinkingBudget = reasoning.budgetTokens;
    else if (reasoning.disabled) thinking.thinkingBudget = 0;
    else if (reasoning.adaptive) thinking.thinkingBudget = -1;
    if (reasoning.effort !== undefined) thinking.thinkingLevel = layout.thinkingLevel ?? reasoning.effort;
  } else if (reasoningOff(reasoning)) {
    if (levels) {
      thinking.thinkingLevel = 'low';
      warn('reasoning turned off sent to gemini as thinkingLevel low: Gemini 3 cannot turn thinking off');
    } else thinking.thinkingBudget = 0;
  } else if (levels) {
    // An effort as the nearest level Gemini has; a budget as the level the table maps it to.
    if (reasoning.effort !== undefined) {
      const target = effortForTarget(reasoning.effort, GEMINI_LEVELS);
      if (target.mapped) warn(`reasoning effort "${reasoning.effort}" sent to gemini as thinkingLevel "${target.effort}"`);
      thinking.thinkingLevel = target.effort;
    } else if (reasoning.budgetTokens !== undefined) {
      thinking.thinkingLevel = effortForBudget(reasoning.budgetTokens, GEMINI_LEVELS);
      warn(`thinking budget ${reasoning.budgetTokens} sent to gemini as thinkingLevel "${thinking.thinkingLevel}"`);
    }
  } else if (reasoning.budgetTokens !== undefined) thinking.thinkingBudget = reasoning.budgetTokens;
  else if (reasoning.effort !== undefined) {
    const budget = budgetForEffort(reasoning.effort);
    if (budget !== undefined) thinking.thinkingBudget = budget;
    else warn(`dropped reasoning effort "${reasoning.effort}": no thinking budget known for it`);
  } else if (reasoning.adaptive) thinking.thinkingBudget = -1;

  if (reasoning.includeThoughts !== undefined) thinking.includeThoughts = reasoning.includeThoughts;
  else if (!same && reasoning.summary !== undefined && reasoning.summary !== 'none') thinking.includeThoughts = true;
  return thinking;
}

/** Adds the client's unmapped `generationConfig` fields back (one level deep into `thinkingConfig`). */
function mergeInto(config: GeminiGenerationConfig, extra: unknown): void {
  if (!isRecord(extra)) return;
  for (const [key, value] of Object.entries(extra)) {
    if (key === 'thinkingConfig' && isRecord(value)) config.thinkingConfig = { ...config.thinkingConfig, ...value };
    else config[key] = value;
  }
}
