// Fake OpenAI Responses API: POST /v1/responses (JSON + SSE), playing every scenario of
// scenarios.ts in the Responses wire format. Auth and routing live in openai.ts.
// Shapes follow https://platform.openai.com/docs/api-reference/responses/create and
// https://platform.openai.com/docs/api-reference/responses-streaming.
import type { RequestContext } from './server.js';
import { sendJson } from './server.js';
import { openSse } from './sse.js';
import {
  JSON_ANSWER,
  LENGTH_TEXT,
  REASONING,
  REASONING_ANSWER,
  REASONING_SIGNATURE,
  STOP_TEXT,
  TOOL_CALLS,
  scenarioOf,
} from './scenarios.js';
import { isRecord, randomAlnum, splitDeltas } from './text.js';
import { agentStep } from './agent-scenario.js';
import { responsesAgentView } from './agent-views.js';

/** `usage` of every successful /v1/responses answer (JSON body, and the terminal event of a stream). */
export const FAKE_RESPONSES_USAGE = {
  input_tokens: 17,
  input_tokens_details: { cached_tokens: 5 },
  output_tokens: 10,
  output_tokens_details: { reasoning_tokens: 3 },
  total_tokens: 27,
} as const;

/** The smallest `max_output_tokens` the Responses API accepts. */
const MIN_OUTPUT_TOKENS = 16;

/** The call ids of the `tools` scenario's two function calls, in order. */
export const FAKE_RESPONSES_CALL_IDS = ['call_fake_1', 'call_fake_2'] as const;

function error(message: string, type: string, param: string | null, code: string | null): unknown {
  return { error: { message, type, param, code } };
}

function badRequest(ctx: RequestContext, message: string, param: string | null, code: string | null): Promise<void> {
  return sendJson(ctx, 400, error(message, 'invalid_request_error', param, code));
}

/** Text of the last user message in `input` (a string, or items with string or input_text content). */
function lastUserText(input: unknown): string {
  if (typeof input === 'string') return input;
  if (!Array.isArray(input)) return '';
  for (let i = input.length - 1; i >= 0; i--) {
    const item: unknown = input[i];
    if (!isRecord(item) || item.role !== 'user' || (item.type !== undefined && item.type !== 'message')) continue;
    if (typeof item.content === 'string') return item.content;
    if (!Array.isArray(item.content)) return '';
    return item.content
      .map((part: unknown) => (isRecord(part) && part.type === 'input_text' && typeof part.text === 'string' ? part.text : ''))
      .join('');
  }
  return '';
}

type Item =
  | { type: 'message'; id: string; text: string }
  | { type: 'function_call'; id: string; callId: string; name: string; arguments: string }
  | { type: 'reasoning'; id: string; summary: string; encrypted: string };

interface Plan {
  items: Item[];
  incomplete: boolean;
}

function plan(body: Record<string, unknown>): Plan | 'context' | 'error' {
  const text = lastUserText(body.input);
  const message = (t: string): Item => ({ type: 'message', id: `msg_${randomAlnum(40)}`, text: t });
  const agent = agentStep(responsesAgentView(body));
  if (agent?.kind === 'answer') return { incomplete: false, items: [message(agent.text)] };
  if (agent?.kind === 'call') {
    const call: Item = { type: 'function_call', id: `fc_${randomAlnum(40)}`, callId: `call_${randomAlnum(24)}`, name: agent.name, arguments: JSON.stringify(agent.arguments) };
    return { incomplete: false, items: [call] };
  }
  switch (scenarioOf(text)) {
    case 'context':
      return 'context';
    case 'error':
      return 'error';
    case 'tools':
      return {
        incomplete: false,
        items: TOOL_CALLS.map((call, i) => ({
          type: 'function_call',
          id: `fc_${randomAlnum(40)}`,
          callId: FAKE_RESPONSES_CALL_IDS[i] ?? `call_fake_${i + 1}`,
          name: call.name,
          arguments: JSON.stringify(call.arguments),
        })),
      };
    case 'json':
      return { incomplete: false, items: [message(JSON_ANSWER)] };
    case 'reasoning':
      return {
        incomplete: false,
        items: [{ type: 'reasoning', id: `rs_${randomAlnum(40)}`, summary: REASONING, encrypted: REASONING_SIGNATURE }, message(REASONING_ANSWER)],
      };
    case 'stop':
      return { incomplete: false, items: [message(STOP_TEXT)] };
    case 'length':
      return { incomplete: true, items: [message(LENGTH_TEXT)] };
    case 'text':
      return { incomplete: false, items: [message(`echo: ${text}`)] };
    default:
      return { incomplete: false, items: [message(`echo: ${text}`)] };
  }
}

function outputItem(item: Item, status: string): Record<string, unknown> {
  switch (item.type) {
    case 'message':
      return {
        id: item.id,
        type: 'message',
        status,
        content: [{ type: 'output_text', annotations: [], logprobs: [], text: item.text }],
        role: 'assistant',
      };
    case 'function_call':
      return { id: item.id, type: 'function_call', status: 'completed', arguments: item.arguments, call_id: item.callId, name: item.name };
    case 'reasoning':
      return { id: item.id, type: 'reasoning', summary: [{ type: 'summary_text', text: item.summary }], encrypted_content: item.encrypted };
    default:
      return item satisfies never;
  }
}

/** The response object with the request's options echoed, as the API returns it. */
function responseObject(body: Record<string, unknown>, id: string, created: number): Record<string, unknown> {
  const pick = (key: string, fallback: unknown): unknown => (body[key] !== undefined ? body[key] : fallback);
  return {
    id,
    object: 'response',
    created_at: created,
    status: 'in_progress',
    background: false,
    error: null,
    incomplete_details: null,
    instructions: pick('instructions', null),
    max_output_tokens: pick('max_output_tokens', null),
    max_tool_calls: null,
    model: body.model,
    output: [],
    parallel_tool_calls: pick('parallel_tool_calls', true),
    previous_response_id: null,
    reasoning: { effort: null, summary: null, ...(isRecord(body.reasoning) ? body.reasoning : {}) },
    service_tier: 'default',
    store: pick('store', true),
    temperature: pick('temperature', 1),
    text: pick('text', { format: { type: 'text' } }),
    tool_choice: pick('tool_choice', 'auto'),
    tools: pick('tools', []),
    top_logprobs: 0,
    top_p: pick('top_p', 1),
    truncation: 'disabled',
    usage: null,
    user: pick('user', null),
    metadata: pick('metadata', {}),
  };
}

/** Pieces of a string for delta events: words for text, three slices for JSON arguments. */
function pieces(text: string, kind: 'words' | 'thirds'): string[] {
  if (kind === 'words') return splitDeltas(text);
  const size = Math.ceil(text.length / 3);
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function streamEvents(response: Record<string, unknown>, p: Plan, done: Record<string, unknown>): Array<[string, Record<string, unknown>]> {
  const events: Array<[string, Record<string, unknown>]> = [];
  const add = (type: string, fields: Record<string, unknown>): void => {
    events.push([type, { type, sequence_number: events.length, ...fields }]);
  };
  add('response.created', { response });
  add('response.in_progress', { response });
  p.items.forEach((item, outputIndex) => {
    const itemStatus = p.incomplete ? 'incomplete' : 'completed';
    switch (item.type) {
      case 'message': {
        add('response.output_item.added', { output_index: outputIndex, item: { id: item.id, type: 'message', status: 'in_progress', content: [], role: 'assistant' } });
        const where = { item_id: item.id, output_index: outputIndex, content_index: 0 };
        add('response.content_part.added', { ...where, part: { type: 'output_text', annotations: [], logprobs: [], text: '' } });
        for (const delta of pieces(item.text, 'words')) add('response.output_text.delta', { ...where, delta, logprobs: [] });
        add('response.output_text.done', { ...where, text: item.text, logprobs: [] });
        add('response.content_part.done', { ...where, part: { type: 'output_text', annotations: [], logprobs: [], text: item.text } });
        add('response.output_item.done', { output_index: outputIndex, item: outputItem(item, itemStatus) });
        break;
      }
      case 'function_call': {
        add('response.output_item.added', {
          output_index: outputIndex,
          item: { id: item.id, type: 'function_call', status: 'in_progress', arguments: '', call_id: item.callId, name: item.name },
        });
        const where = { item_id: item.id, output_index: outputIndex };
        for (const delta of pieces(item.arguments, 'thirds')) add('response.function_call_arguments.delta', { ...where, delta });
        add('response.function_call_arguments.done', { ...where, name: item.name, arguments: item.arguments });
        add('response.output_item.done', { output_index: outputIndex, item: outputItem(item, itemStatus) });
        break;
      }
      case 'reasoning': {
        add('response.output_item.added', { output_index: outputIndex, item: { id: item.id, type: 'reasoning', summary: [] } });
        const where = { item_id: item.id, output_index: outputIndex, summary_index: 0 };
        add('response.reasoning_summary_part.added', { ...where, part: { type: 'summary_text', text: '' } });
        for (const delta of pieces(item.summary, 'words')) add('response.reasoning_summary_text.delta', { ...where, delta });
        add('response.reasoning_summary_text.done', { ...where, text: item.summary });
        add('response.reasoning_summary_part.done', { ...where, part: { type: 'summary_text', text: item.summary } });
        add('response.output_item.done', { output_index: outputIndex, item: outputItem(item, itemStatus) });
        break;
      }
      default:
        item satisfies never;
    }
  });
  add(p.incomplete ? 'response.incomplete' : 'response.completed', { response: done });
  return events;
}

/**
 * POST /v1/responses, after openai.ts checked the key. `unstored`: the final
 * streamed response carries `output: []`, as the ChatGPT (Codex) backend does
 * with `store: false`; the items come only as `response.output_item.done`.
 */
export async function responses(ctx: RequestContext, chunkDelayMs: number, options: { unstored?: boolean } = {}): Promise<void> {
  const body: unknown = ctx.call.body;
  if (!isRecord(body)) {
    return badRequest(ctx, 'We could not parse the JSON body of your request. The OpenAI API expects a JSON payload.', null, null);
  }
  if (typeof body.model !== 'string' || body.model === '') return badRequest(ctx, 'you must provide a model parameter', 'model', 'missing_required_parameter');
  if (typeof body.previous_response_id === 'string') {
    return badRequest(ctx, `Previous response with id '${body.previous_response_id}' not found.`, 'previous_response_id', 'previous_response_not_found');
  }
  if (typeof body.input !== 'string' && !Array.isArray(body.input)) {
    return badRequest(ctx, "Missing required parameter: 'input'.", 'input', 'missing_required_parameter');
  }
  // The Responses API's floor for max_output_tokens (OpenAI and Azure answer exactly this).
  if (typeof body.max_output_tokens === 'number' && body.max_output_tokens < MIN_OUTPUT_TOKENS) {
    return badRequest(
      ctx,
      `Invalid 'max_output_tokens': integer below minimum value. Expected a value >= ${MIN_OUTPUT_TOKENS}, but got ${body.max_output_tokens} instead.`,
      'max_output_tokens',
      'integer_below_min_value',
    );
  }
  const p = plan(body);
  if (body.model === 'fake-error-context' || p === 'context') {
    return badRequest(ctx, 'Your input exceeds the context window of this model. Please adjust your input and try again.', 'input', 'context_length_exceeded');
  }
  if (p === 'error') {
    return sendJson(ctx, 500, error('The server had an error while processing your request. Sorry about that!', 'server_error', null, null));
  }

  const id = `resp_${randomAlnum(48)}`;
  const created = Math.floor(Date.now() / 1000);
  const response = responseObject(body, id, created);
  const itemStatus = p.incomplete ? 'incomplete' : 'completed';
  const done = {
    ...response,
    status: itemStatus,
    incomplete_details: p.incomplete ? { reason: 'max_output_tokens' } : null,
    output: p.items.map((item) => outputItem(item, itemStatus)),
    usage: FAKE_RESPONSES_USAGE,
  };
  if (body.stream !== true) return sendJson(ctx, 200, done);

  const sse = await openSse(ctx, chunkDelayMs);
  const final = options.unstored ? { ...done, output: [] } : done;
  for (const [type, data] of streamEvents(response, p, final)) if (!(await sse.send(JSON.stringify(data), type))) return;
  sse.end();
}

/** The opaque summary the fake's compaction returns (real ones are encrypted by OpenAI). */
export const FAKE_COMPACTION_CONTENT = 'ZmFrZS1jb21wYWN0aW9uLXN1bW1hcnk=';

/**
 * POST /v1/responses/compact: every user message of the conversation, then
 * one `compaction` item, with usage, as OpenAI answers.
 * @see https://platform.openai.com/docs/api-reference/responses/compact
 */
export async function compact(ctx: RequestContext): Promise<void> {
  const body: unknown = ctx.call.body;
  if (!isRecord(body)) return badRequest(ctx, 'We could not parse the JSON body of your request. The OpenAI API expects a JSON payload.', null, null);
  if (typeof body.model !== 'string' || body.model === '') return badRequest(ctx, 'you must provide a model parameter', 'model', 'missing_required_parameter');
  for (const field of ['previous_response_id', 'store', 'stream']) {
    if (body[field] !== undefined) return badRequest(ctx, `Unknown parameter: '${field}'.`, field, 'unknown_parameter');
  }
  const input = typeof body.input === 'string' ? [{ type: 'message', role: 'user', content: body.input }] : Array.isArray(body.input) ? body.input : [];
  const users = input.filter((item: unknown) => isRecord(item) && item.role === 'user' && (item.type ?? 'message') === 'message');
  return sendJson(ctx, 200, {
    id: `resp_${randomAlnum(48)}`,
    object: 'response.compaction',
    created_at: Math.floor(Date.now() / 1000),
    output: [...users, { id: `cmp_${randomAlnum(40)}`, type: 'compaction', encrypted_content: FAKE_COMPACTION_CONTENT }],
    usage: FAKE_RESPONSES_USAGE,
  });
}
