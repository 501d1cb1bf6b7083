import type { RequestHints } from '../codec.js';
import type { LossSink } from '../extra.js';
import { isEmptyValue, makeExtra } from '../extra.js';
import type { IRMessage, IRReasoningConfig, IRRequest, IRResponseFormat, IRTextPart, IRTool, IRToolChoice } from '../ir.js';
import { jsonEqual } from '../shared/json.js';
import { badRequest, optionalBoolean, optionalInteger, optionalNumber, optionalString, requireString } from '../shared/validate.js';
import { geminiSchemaToJsonSchema } from './convert-gemini-schema.js';
import { decodeGeminiParts, KNOWN_PART_FIELDS, type CallIds } from './decode-parts.js';
import { LAYOUT_FIELD, type GeminiLayout } from './gemini-layout.js';
import { requestCallId, SYNTHETIC_ID_PREFIX } from './gemini-tool-ids.js';
import { field, unknownFields } from './json.js';
import { optionalRecord, requireArray, requireRecord } from './validate.js';

const KNOWN_REQUEST_FIELDS = ['contents', 'systemInstruction', 'tools', 'toolConfig', 'generationConfig'];
const KNOWN_GENERATION_FIELDS = [
  'temperature',
  'topP',
  'topK',
  'maxOutputTokens',
  'stopSequences',
  'seed',
  'responseMimeType',
  'responseSchema',
  'responseJsonSchema',
  'thinkingConfig',
];

/**
 * A client's `generateContent` / `streamGenerateContent` body -> IR. The
 * model and streaming come from the URL (`hints`). Fields the IR has no place
 * for go to `extra.fields` (unknown top-level fields verbatim, unmapped
 * `generationConfig` / `toolConfig` fields under those names): real losses
 * for another protocol. How the client laid out what the IR does carry goes
 * to `extra.replay` under LAYOUT_FIELD, so encode-request.ts can give a
 * Gemini upstream the same body; the layout's own losses (code-execution
 * parts, `googleSearch` and other non-function tools, unknown part fields)
 * are named in `extra.lost`.
 * @see https://ai.google.dev/api/generate-content#request-body
 */
export function decodeGeminiRequest(body: unknown, hints?: RequestHints): IRRequest {
  const request = requireRecord(body, 'body');
  const model = hints?.model?.replace(/^models\//, '');
  if (!model) throw badRequest('model', 'is required (Gemini names the model in the URL)');
  const layout: GeminiLayout = {};
  const lostItems: string[] = [];
  const lost: LossSink = (what) => void lostItems.push(what);
  const extra: Record<string, unknown> = {};
  const replay: Record<string, unknown> = {};
  // An unknown field that says nothing (null, [], {}) loses nothing either: kept for the round trip only.
  for (const [key, value] of Object.entries(unknownFields(request, KNOWN_REQUEST_FIELDS))) (isEmptyValue(value) ? replay : extra)[key] = value;

  const messages = decodeContents(field(request, 'contents'), layout, lost);
  const system = decodeSystem(field(request, 'systemInstruction'), layout, lost);
  const tools = decodeTools(field(request, 'tools'), layout, lost);
  const toolConfig = decodeToolConfig(field(request, 'toolConfig'));
  if (toolConfig.extra) extra.toolConfig = toolConfig.extra;
  const generation = decodeGenerationConfig(field(request, 'generationConfig'), layout);
  if (generation.extra) extra.generationConfig = generation.extra;
  if (Object.keys(layout).length > 0) replay[LAYOUT_FIELD] = layout;

  const ir: IRRequest = {
    model,
    system,
    messages,
    tools,
    ...generation.fields,
    stream: hints?.stream ?? false,
    extra: makeExtra('gemini', { fields: extra, replay, lost: lostItems }),
  };
  if (toolConfig.choice) ir.toolChoice = toolConfig.choice;
  return ir;
}

/** Ids for a request's function calls: their own, else `call_gemini_<n>`; results pair with calls by name and order. */
function requestCallIds(): CallIds {
  const calls: { id: string; name: string; answered: boolean }[] = [];
  let orphans = 0;
  return {
    call: () => requestCallId(calls.length),
    seen: (id, name) => void calls.push({ id, name, answered: false }),
    result(name, id) {
      const match = id !== undefined ? calls.find((c) => c.id === id) : calls.find((c) => !c.answered && c.name === name);
      if (match) match.answered = true;
      return id ?? match?.id ?? `${SYNTHETIC_ID_PREFIX}result_${orphans++}`;
    },
  };
}

function decodeContents(value: unknown, layout: GeminiLayout, lost: LossSink): IRMessage[] {
  const contents = requireArray(value, 'contents');
  if (contents.length === 0) throw badRequest('contents', 'must not be empty');
  const ids = requestCallIds();
  return contents.map((raw, c): IRMessage => {
    const content = requireRecord(raw, `contents[${c}]`);
    const role = optionalString(content.role, `contents[${c}].role`);
    if (role !== 'user' && role !== 'model') (layout.roles ??= {})[c] = role ?? null;
    const parts = requireArray(content.parts, `contents[${c}].parts`);
    const at = (index: number): string => `contents[${c}].parts[${index}]`;
    const decoded = decodeGeminiParts(parts, `contents[${c}].parts`, ids, {
      unmapped(index, part) {
        (layout.parts ??= []).push({ content: c, index, part });
        const kind = Object.keys(part).filter((key) => key !== 'thought' && key !== 'thoughtSignature');
        lost(`${kind.join('/') || 'empty'} part in ${at(index)}`);
      },
      extras(index, fields) {
        (layout.partExtras ??= []).push({ content: c, index, fields });
        // `thought: false` is the default: it says nothing; a mapped field kept whole had its losses named by `lost`.
        for (const [key, value] of Object.entries(fields)) {
          if (key !== 'thought' && !KNOWN_PART_FIELDS.includes(key) && !isEmptyValue(value)) lost(`${key} in ${at(index)}`);
        }
      },
      lost,
    });
    return { role: role === 'model' ? 'assistant' : 'user', content: decoded };
  });
}

/** `systemInstruction`'s text parts; other parts are left out, named to `lost`, and the whole instruction kept for the round trip. */
function decodeSystem(value: unknown, layout: GeminiLayout, lost: LossSink): IRTextPart[] {
  const system = optionalRecord(value, 'systemInstruction');
  if (!system) return [];
  const role = optionalString(system.role, 'systemInstruction.role');
  if (role !== undefined) layout.systemRole = role;
  const parts = requireArray(system.parts, 'systemInstruction.parts');
  return parts.flatMap((raw, i): IRTextPart[] => {
    const path = `systemInstruction.parts[${i}]`;
    const part = requireRecord(raw, path);
    if (part.text === undefined) {
      lost(`${Object.keys(part).join('/') || 'empty'} part in ${path}`);
      layout.systemInstruction = system;
      return [];
    }
    return [{ type: 'text', text: requireString(part.text, `${path}.text`) }];
  });
}

function decodeTools(value: unknown, layout: GeminiLayout, lost: LossSink): IRTool[] {
  if (value === undefined || value === null) return [];
  const entries = requireArray(value, 'tools');
  const tools: IRTool[] = [];
  const shape: NonNullable<GeminiLayout['tools']> = [];
  entries.forEach((raw, t) => {
    const entry = requireRecord(raw, `tools[${t}]`);
    const declarations = field(entry, 'functionDeclarations');
    const list = declarations === undefined ? [] : requireArray(declarations, `tools[${t}].functionDeclarations`);
    list.forEach((decl, d) => tools.push(decodeDeclaration(decl, `tools[${t}].functionDeclarations[${d}]`, tools.length, layout, lost)));
    const rest = unknownFields(entry, ['functionDeclarations']);
    for (const key of Object.keys(rest)) lost(`${key} tool in tools[${t}]`);
    shape.push({ functions: list.length, ...(Object.keys(rest).length > 0 ? { rest } : {}) });
  });
  const plain = shape.length === 1 && shape[0]!.functions > 0 && shape[0]!.rest === undefined;
  if (!plain) layout.tools = shape;
  return tools;
}

function decodeDeclaration(raw: unknown, path: string, index: number, layout: GeminiLayout, lost: LossSink): IRTool {
  const decl = requireRecord(raw, path);
  const name = requireString(decl.name, `${path}.name`);
  const description = optionalString(decl.description, `${path}.description`);
  const jsonSchema = field(decl, 'parametersJsonSchema');
  const schema = decl.parameters;
  if (jsonSchema !== undefined && schema !== undefined) {
    throw badRequest(path, 'parameters and parametersJsonSchema cannot both be set');
  }
  const rest = unknownFields(decl, ['name', 'description', 'parameters', 'parametersJsonSchema']);
  for (const [key, value] of Object.entries(rest)) if (!isEmptyValue(value)) lost(`${key} in ${path}`);
  let parameters: Record<string, unknown>;
  let note: NonNullable<GeminiLayout['declarations']>[number] | undefined;
  if (jsonSchema !== undefined) {
    parameters = requireRecord(jsonSchema, `${path}.parametersJsonSchema`);
  } else if (schema !== undefined) {
    const sent = requireRecord(schema, `${path}.parameters`);
    parameters = geminiSchemaToJsonSchema(sent) as Record<string, unknown>;
    note = { schemaField: 'parameters', ...(jsonEqual(parameters, sent) ? {} : { schema: sent }) };
  } else {
    parameters = { type: 'object', properties: {} };
    note = { schemaField: null };
  }
  if (Object.keys(rest).length > 0) note = { schemaField: note?.schemaField ?? 'parametersJsonSchema', ...note, rest };
  if (note) (layout.declarations ??= {})[index] = note;
  return { name, ...(description !== undefined ? { description } : {}), parameters };
}

/**
 * `toolConfig.functionCallingConfig` -> tool choice. AUTO / NONE / ANY map
 * directly, ANY with one allowed name is a forced tool; anything else
 * (VALIDATED, several allowed names) stays Gemini's, in `extra`.
 * @see https://ai.google.dev/api/caching#FunctionCallingConfig
 */
function decodeToolConfig(value: unknown): { choice?: IRToolChoice; extra?: Record<string, unknown> } {
  const config = optionalRecord(value, 'toolConfig');
  if (!config) return {};
  const extra = unknownFields(config, ['functionCallingConfig']);
  const calling = optionalRecord(field(config, 'functionCallingConfig'), 'toolConfig.functionCallingConfig');
  let choice: IRToolChoice | undefined;
  if (calling) {
    choice = toolChoiceOf(calling);
    if (!choice) extra.functionCallingConfig = calling;
  }
  return { ...(choice ? { choice } : {}), ...(Object.keys(extra).length > 0 ? { extra } : {}) };
}

function toolChoiceOf(calling: Record<string, unknown>): IRToolChoice | undefined {
  if (Object.keys(unknownFields(calling, ['mode', 'allowedFunctionNames'])).length > 0) return undefined;
  const mode = calling.mode;
  const names = field(calling, 'allowedFunctionNames');
  if (names === undefined) {
    if (mode === 'AUTO') return { type: 'auto' };
    if (mode === 'NONE') return { type: 'none' };
    if (mode === 'ANY') return { type: 'required' };
    return undefined;
  }
  if (mode === 'ANY' && Array.isArray(names) && names.length === 1 && typeof names[0] === 'string') {
    return { type: 'tool', name: names[0] };
  }
  return undefined;
}

type GenerationFields = Pick<
  IRRequest,
  'maxTokens' | 'temperature' | 'topP' | 'topK' | 'stopSequences' | 'seed' | 'responseFormat' | 'reasoning'
>;

function decodeGenerationConfig(value: unknown, layout: GeminiLayout): { fields: GenerationFields; extra?: Record<string, unknown> } {
  const config = optionalRecord(value, 'generationConfig');
  if (!config) return { fields: {} };
  const path = (name: string): string => `generationConfig.${name}`;
  const extra = unknownFields(config, KNOWN_GENERATION_FIELDS);
  const fields: GenerationFields = {};
  const temperature = optionalNumber(config.temperature, path('temperature'));
  if (temperature !== undefined) fields.temperature = temperature;
  const topP = optionalNumber(field(config, 'topP'), path('topP'));
  if (topP !== undefined) fields.topP = topP;
  const topK = optionalNumber(field(config, 'topK'), path('topK'));
  if (topK !== undefined) fields.topK = topK;
  const maxTokens = optionalInteger(field(config, 'maxOutputTokens'), path('maxOutputTokens'));
  if (maxTokens !== undefined) fields.maxTokens = maxTokens;
  const seed = optionalInteger(config.seed, path('seed'));
  if (seed !== undefined) fields.seed = seed;
  const stops = field(config, 'stopSequences');
  if (stops !== undefined && stops !== null) {
    fields.stopSequences = requireArray(stops, path('stopSequences')).map((s, i) => requireString(s, `${path('stopSequences')}[${i}]`));
  }

  const format = decodeResponseFormat(config, layout);
  if (format.format) fields.responseFormat = format.format;
  Object.assign(extra, format.extra);

  const thinking = decodeThinkingConfig(field(config, 'thinkingConfig'), layout);
  if (thinking.reasoning) fields.reasoning = thinking.reasoning;
  if (thinking.extra) extra.thinkingConfig = thinking.extra;
  return { fields, ...(Object.keys(extra).length > 0 ? { extra } : {}) };
}

/**
 * JSON mode is `responseMimeType: application/json`, with a schema in
 * `responseJsonSchema` (JSON Schema) or `responseSchema` (Gemini's OpenAPI
 * subset). Other MIME types (`text/x.enum`) stay Gemini's, in `extra`.
 * @see https://ai.google.dev/gemini-api/docs/structured-output
 */
function decodeResponseFormat(
  config: Record<string, unknown>,
  layout: GeminiLayout,
): { format?: IRResponseFormat; extra?: Record<string, unknown> } {
  const mime = optionalString(field(config, 'responseMimeType'), 'generationConfig.responseMimeType');
  const jsonSchema = field(config, 'responseJsonSchema');
  const schema = field(config, 'responseSchema');
  if (mime === 'application/json') {
    if (jsonSchema !== undefined && schema !== undefined) {
      throw badRequest('generationConfig', 'responseSchema and responseJsonSchema cannot both be set');
    }
    if (jsonSchema !== undefined) {
      return { format: { type: 'json-schema', name: 'response', schema: requireRecord(jsonSchema, 'generationConfig.responseJsonSchema') } };
    }
    if (schema !== undefined) {
      const sent = requireRecord(schema, 'generationConfig.responseSchema');
      const converted = geminiSchemaToJsonSchema(sent) as Record<string, unknown>;
      layout.responseSchema = { field: 'responseSchema', ...(jsonEqual(converted, sent) ? {} : { schema: sent }) };
      return { format: { type: 'json-schema', name: 'response', schema: converted } };
    }
    return { format: { type: 'json' } };
  }
  if (mime === 'text/plain' && jsonSchema === undefined && schema === undefined) return { format: { type: 'text' } };
  const extra: Record<string, unknown> = {};
  if (mime !== undefined) extra.responseMimeType = mime;
  if (jsonSchema !== undefined) extra.responseJsonSchema = jsonSchema;
  if (schema !== undefined) extra.responseSchema = schema;
  return { extra };
}

/**
 * `thinkingConfig`: a positive `thinkingBudget` is a budget, 0 turns thinking
 * off, -1 (dynamic) is adaptive thinking; other values stay Gemini's.
 * `thinkingLevel` is the effort, lower-cased.
 * @see https://ai.google.dev/gemini-api/docs/thinking
 */
function decodeThinkingConfig(value: unknown, layout: GeminiLayout): { reasoning?: IRReasoningConfig; extra?: Record<string, unknown> } {
  const config = optionalRecord(value, 'generationConfig.thinkingConfig');
  if (!config) return {};
  const path = (name: string): string => `generationConfig.thinkingConfig.${name}`;
  const extra = unknownFields(config, ['thinkingBudget', 'includeThoughts', 'thinkingLevel']);
  const reasoning: IRReasoningConfig = {};
  const budget = optionalInteger(field(config, 'thinkingBudget'), path('thinkingBudget'));
  if (budget !== undefined && budget > 0) reasoning.budgetTokens = budget;
  else if (budget === 0) reasoning.disabled = true;
  else if (budget === -1) reasoning.adaptive = true;
  else if (budget !== undefined) extra.thinkingBudget = budget;
  const include = optionalBoolean(field(config, 'includeThoughts'), path('includeThoughts'));
  if (include !== undefined) reasoning.includeThoughts = include;
  const level = optionalString(field(config, 'thinkingLevel'), path('thinkingLevel'));
  if (level !== undefined) {
    reasoning.effort = level.toLowerCase();
    if (reasoning.effort !== level) layout.thinkingLevel = level;
  }
  return {
    ...(Object.keys(reasoning).length > 0 ? { reasoning } : {}),
    ...(Object.keys(extra).length > 0 ? { extra } : {}),
  };
}
