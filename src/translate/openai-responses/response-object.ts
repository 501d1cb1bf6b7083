/**
 * The Responses `response` object around the output: identity, status and
 * the echo of the client's request options that the SDKs read. Shared by
 * the JSON answer and the stream's lifecycle events.
 * @see https://platform.openai.com/docs/api-reference/responses/object
 */
import type { IRError, IRRequest } from '../ir.js';
import type { ResponsesUsage } from './convert-openai-responses-usage.js';
import { encodeFormat, encodeReasoningConfig, encodeToolChoice, encodeTools, mergeExtra, ownExtra } from './encode-config.js';
import type { ResponsesStatus } from './map-openai-responses-finish-reason.js';
import type { Json } from './wire.js';

/** Request fields a response object echoes; other unknown request fields are not part of it. */
const ECHOED_EXTRA = ['metadata', 'tools', 'tool_choice', 'text', 'reasoning', 'truncation', 'service_tier', 'top_logprobs', 'max_tool_calls', 'prompt_cache_key', 'safety_identifier', 'background'];

export function responseObject(request: IRRequest, id: string, created: number): Json {
  const body: Json = {
    id,
    object: 'response',
    created_at: created,
    status: 'in_progress',
    background: false,
    error: null,
    incomplete_details: null,
    instructions: request.system.length > 0 ? request.system.map((part) => part.text).join('\n\n') : null,
    max_output_tokens: request.maxTokens ?? null,
    max_tool_calls: null,
    model: request.model,
    output: [],
    parallel_tool_calls: request.parallelToolCalls ?? true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null, ...encodeReasoningConfig(request) },
    service_tier: 'default',
    // The upstream keeps nothing; a copy stored by the gateway (stored-responses/) reads store: true.
    store: false,
    temperature: request.temperature ?? 1,
    text: { format: request.responseFormat ? encodeFormat(request.responseFormat) : { type: 'text' } },
    tool_choice: request.toolChoice ? encodeToolChoice(request.toolChoice) : 'auto',
    tools: encodeTools(request.tools),
    top_logprobs: 0,
    top_p: request.topP ?? 1,
    truncation: 'disabled',
    usage: null,
    user: request.user ?? null,
    metadata: {},
  };
  const extra = ownExtra(request);
  if (extra) {
    const echoed: Json = {};
    for (const key of ECHOED_EXTRA) if (extra[key] !== undefined && extra[key] !== null) echoed[key] = extra[key];
    // The client's own values win over the defaults above.
    for (const key of Object.keys(echoed)) {
      if (key !== 'tools' && key !== 'text' && key !== 'reasoning') body[key] = echoed[key];
    }
    mergeExtra(body, { tools: echoed.tools, text: echoed.text, reasoning: echoed.reasoning });
  }
  return body;
}

/** Sets the final status, output and usage on a response object. */
export function finishResponseObject(body: Json, status: ResponsesStatus, output: Json[], usage: ResponsesUsage, error?: IRError): Json {
  body.status = status.status;
  body.incomplete_details = status.reason !== undefined ? { reason: status.reason } : null;
  body.error = status.status === 'failed' ? failure(error) : null;
  body.output = output;
  body.usage = usage;
  return body;
}

/** `response.error` for a failed response. */
export function failure(error: IRError | undefined): Json {
  if (!error) return { code: 'server_error', message: 'The response failed.' };
  const code = error.kind === 'rate-limit' ? 'rate_limit_exceeded' : error.kind === 'context-length' ? 'context_length_exceeded' : 'server_error';
  return { code, message: error.message };
}
