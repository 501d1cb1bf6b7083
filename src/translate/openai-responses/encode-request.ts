/**
 * IR -> OpenAI Responses request body for an upstream.
 *
 * Input is always written as an item list in the expanded form
 * (`{type:'message', role, content:[…]}`), system text becomes
 * `instructions` (a mid-conversation system message a `developer` item at its
 * place), and what the Responses API cannot carry is dropped with a
 * warning. A request from another protocol is sent with `store: false`:
 * Switchboard never asks an upstream to keep state for it.
 * @see https://platform.openai.com/docs/api-reference/responses/create
 */
import { foreignExtraWarnings } from '../extra.js';
import type { IRFilePart, IRImagePart, IRMessage, IRPart, IRRequest, IRTextPart, IRToolResultPart, Warnings } from '../ir.js';
import {
  WarningSet,
  encodeFormat,
  encodeReasoningConfig,
  encodeToolChoice,
  encodeTools,
  mergeExtra,
  ownExtra,
} from './encode-config.js';
import { wireToolNames, type WireToolName } from './client-tools.js';
import { freeformInput, namespaceField } from './freeform-tools.js';
import { PROTOCOL, dataUrl, type Json } from './wire.js';

/**
 * The Responses API refuses `max_output_tokens` below 16 (400
 * `integer_below_min_value`, on OpenAI and Azure alike). Anthropic and Gemini
 * accept 1, which Claude Code sends to check that a model exists; the limit
 * is raised to the floor so such a request is answered, and named.
 * @see https://platform.openai.com/docs/api-reference/responses/create#responses-create-max_output_tokens
 */
const MIN_OUTPUT_TOKENS = 16;

function outputTokens(maxTokens: number, warnings: WarningSet): number {
  if (maxTokens >= MIN_OUTPUT_TOKENS) return maxTokens;
  warnings.add(`raised max tokens ${maxTokens} to ${MIN_OUTPUT_TOKENS}: the least openai-responses accepts`);
  return MIN_OUTPUT_TOKENS;
}

export function encodeRequest(request: IRRequest, upstreamModel: string): { body: Json; warnings: Warnings } {
  const warnings = new WarningSet();
  const body: Json = { model: upstreamModel };

  if (request.system.length > 0) {
    if (request.system.some((part) => part.cacheControl)) warnings.add('dropped system cache_control: openai-responses has no prompt-cache hints');
    body.instructions = request.system.map((part) => part.text).join('\n\n');
  }
  const extra = ownExtra(request);
  if (extra?.input !== undefined) {
    // A Responses client's own input and instructions, kept by the decoder where the canonical items differ.
    body.input = extra.input;
    if (extra.instructions === undefined) delete body.instructions;
    else body.instructions = extra.instructions;
  } else body.input = encodeInput(request.messages, warnings, wireToolNames(request));
  if (request.tools.length > 0) body.tools = encodeTools(request.tools, warnings);
  if (request.toolChoice) body.tool_choice = encodeToolChoice(request.toolChoice);
  if (request.parallelToolCalls !== undefined) body.parallel_tool_calls = request.parallelToolCalls;
  if (request.maxTokens !== undefined) body.max_output_tokens = outputTokens(request.maxTokens, warnings);
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.topK !== undefined) warnings.add('dropped top_k: openai-responses has no top_k');
  if (request.stopSequences && request.stopSequences.length > 0) warnings.add('dropped stop sequences: openai-responses has no stop parameter');
  if (request.seed !== undefined) warnings.add('dropped seed: openai-responses has no seed');
  if (request.responseFormat) body.text = { format: encodeFormat(request.responseFormat) };
  const reasoning = encodeReasoningConfig(request, warnings, upstreamModel);
  if (reasoning) body.reasoning = reasoning;
  if (request.user !== undefined) body.user = request.user;
  if (request.stream) body.stream = true;

  if (extra) {
    mergeExtra(body, extra);
  } else {
    for (const warning of foreignExtraWarnings(request.extra, (protocol, names) => `dropped ${protocol} fields: ${names.join(', ')}`)) warnings.add(warning);
    body.store = false;
  }
  return { body, warnings: warnings.list() };
}

/** Messages -> input items: text runs become message items; calls, results and reasoning are items of their own. */
export function encodeInput(messages: IRMessage[], warnings: WarningSet, wire: (irName: string) => WireToolName = (name) => ({ name, freeform: false })): Json[] {
  const items: Json[] = [];
  /** Call ids of free-form tool calls: their results are custom tool outputs. */
  const freeformCalls = new Set<string>();
  for (const message of messages) {
    let pending: Json[] = [];
    // A mid-conversation system message stays in place: a `system` item when the client wrote one, else `developer`.
    const role = message.role === 'system' ? (message.clientRole === 'system' ? 'system' : 'developer') : message.role;
    const flush = (): void => {
      if (pending.length > 0) items.push({ type: 'message', role, content: pending });
      pending = [];
    };
    for (const part of message.content) {
      if ('cacheControl' in part && part.cacheControl) warnings.add('dropped cache_control: openai-responses has no prompt-cache hints');
      switch (part.type) {
        case 'text':
          pending.push({ type: message.role === 'assistant' ? 'output_text' : 'input_text', text: part.text });
          break;
        case 'image':
        case 'file':
          if (message.role !== 'user') warnings.add(`dropped ${message.role} ${part.type}: openai-responses takes media only from the user`);
          else pending.push(encodeMedia(part));
          break;
        case 'tool-call': {
          flush();
          const tool = wire(part.name);
          const named = { name: tool.name, ...namespaceField(tool) };
          if (tool.freeform) {
            freeformCalls.add(part.id);
            items.push({ type: 'custom_tool_call', call_id: part.id, ...named, input: freeformInput(part.arguments) });
          } else items.push({ type: 'function_call', call_id: part.id, ...named, arguments: part.arguments });
          break;
        }
        case 'tool-result': {
          flush();
          const result = encodeToolResult(part, warnings);
          if (freeformCalls.has(part.toolCallId)) result.type = 'custom_tool_call_output';
          items.push(result);
          break;
        }
        case 'reasoning':
          flush();
          encodeReasoning(part, items, warnings);
          break;
        default:
          part satisfies never;
      }
    }
    flush();
  }
  return items;
}

export function encodeMedia(part: IRImagePart | IRFilePart): Json {
  const { source } = part;
  if (part.type === 'image') {
    const out: Json = { type: 'input_image' };
    if (source.kind === 'file-id') out.file_id = source.id;
    else out.image_url = source.kind === 'url' ? source.url : dataUrl(source.mediaType, source.data);
    if (part.detail !== undefined) out.detail = part.detail;
    return out;
  }
  const out: Json = { type: 'input_file' };
  if (source.kind === 'file-id') out.file_id = source.id;
  else if (source.kind === 'url') out.file_url = source.url;
  else out.file_data = dataUrl(source.mediaType, source.data);
  if (part.filename !== undefined) out.filename = part.filename;
  return out;
}

function encodeToolResult(part: IRToolResultPart, warnings: WarningSet): Json {
  if (part.isError) warnings.add('dropped tool-result error flag: openai-responses function_call_output has none');
  const only = part.content.length === 1 ? part.content[0] : undefined;
  let output: unknown;
  if (part.content.length === 0) output = '';
  else if (only?.type === 'text') output = only.text;
  else output = part.content.map((c: IRTextPart | IRImagePart | IRFilePart) => (c.type === 'text' ? { type: 'input_text', text: c.text } : encodeMedia(c)));
  return { type: 'function_call_output', call_id: part.toolCallId, output };
}

/**
 * OpenAI reasoning goes back as a reasoning item (parts with the same item id
 * are its summary parts); reasoning from another vendor cannot be replayed.
 */
function encodeReasoning(part: Extract<IRPart, { type: 'reasoning' }>, items: Json[], warnings: WarningSet): void {
  if (part.vendor !== 'openai' || part.itemId === undefined) {
    warnings.add(`dropped ${part.vendor ?? 'unknown-vendor'} reasoning: upstream is ${PROTOCOL}`);
    return;
  }
  const last = items.at(-1);
  let item: Json;
  if (last?.type === 'reasoning' && last.id === part.itemId) item = last;
  else {
    item = { type: 'reasoning', id: part.itemId, summary: [] };
    items.push(item);
  }
  if (part.text !== '') (item.summary as Json[]).push({ type: 'summary_text', text: part.text });
  if (part.encrypted !== undefined) item.encrypted_content = part.encrypted;
}
