import type { Context } from 'hono';
import type { DataPlaneDeps } from './deps.js';
import { OPERATIONS } from '../protocols/operations.js';
import { readText, startExchange, type Exchange } from './exchange.js';
import { admit, answerHeaders } from './proxy.js';
import { attemptUpstreams } from './attempt.js';
import { jsonResponse } from './headers.js';
import { respondPassThrough } from './respond-pass-through.js';
import { bodyInputTokens } from '../usage/cut-stream-usage.js';
import { respondTranslated } from './respond-translated.js';
import type { ClientBody } from '../protocols/requests.js';
import type { Candidate } from '../routing/plan.js';
import { inputItems } from '../stored-responses/history.js';
import type { Json } from '../stored-responses/stored-response.js';
import { isRecord } from '../translate/shared/json.js';
import { lacksEndpoint } from '../routing/verdict.js';

/** How much of a refusal is read to tell a missing endpoint from another error. */
const MAX_ERROR_BODY = 1024 * 1024;

/** The turn that stands in for compaction where the upstream has none of its own. */
const SUMMARISE =
  'Summarise the conversation above for your own later use: the task, what was decided and done, the files, commands and results ' +
  'that matter, and what remains to do. Write only the summary.';

/**
 * `POST /v1/responses/compact`: a long conversation made short. Passed
 * through when the first route's upstream has OpenAI's own compaction
 * (then only such routes are tried, and a compatible server that answers
 * as one without the endpoint falls back to emulation); anywhere else emulated by a
 * summarising turn, sent like any Responses request (translated where the
 * upstream speaks another shape), whose answer comes back in the
 * compaction's shape: the conversation's user messages, then the summary
 * as one assistant message instead of OpenAI's encrypted `compaction`
 * item. `previous_response_id` is expanded from the key's stored responses.
 * One log row, with the tokens the upstream counted, either way.
 * @see https://platform.openai.com/docs/api-reference/responses/compact
 */
export async function compactConversation(c: Context, ctx: DataPlaneDeps): Promise<Response> {
  const op = OPERATIONS.compact;
  const ex = startExchange(ctx, op, c);
  return ex.logBodies(await compactExchange(c, ctx, ex));
}

async function compactExchange(c: Context, ctx: DataPlaneDeps, ex: Exchange): Promise<Response> {
  try {
    const { body, candidates, rateLimitHeaders } = await admit(c, ctx, ex, OPERATIONS.compact, {});
    const native = candidates.filter((candidate) => hasOwnCompaction(ctx, candidate));
    if (native[0] === candidates[0]) {
      const { reply, candidate } = await attemptUpstreams(c, ctx, ex, OPERATIONS.compact, { ...body, stream: false }, native, {});
      // An OpenAI-compatible server without the endpoint: emulated on the same routes instead.
      const missing = reply.status >= 400 && lacksEndpoint(reply.status, await readText(reply, MAX_ERROR_BODY));
      if (!missing) {
        const headers = answerHeaders(ex, candidate, reply.headers, rateLimitHeaders);
        const inputTokens = () => bodyInputTokens('openai-responses', body.json, {});
        return await respondPassThrough(ex, OPERATIONS.compact, reply, headers, { clientWantsUsage: true, inputTokens });
      }
    }

    const items = inputItems(body.json.input);
    const summarise = summariseRequest(body, items);
    const { reply, candidate, translation } = await attemptUpstreams(c, ctx, ex, OPERATIONS.responses, summarise, candidates, {});
    const headers = answerHeaders(ex, candidate, reply.headers, rateLimitHeaders);
    const answer = translation
      ? await respondTranslated(ex, reply, headers, translation)
      : await respondPassThrough(ex, OPERATIONS.responses, reply, headers, {
          clientWantsUsage: true,
          inputTokens: () => bodyInputTokens('openai-responses', summarise.json, {}),
        });
    if (answer.status !== 200) return answer;
    const response = JSON.parse(await answer.text()) as Json;
    return jsonResponse(compaction(response, items), 200, headers);
  } catch (err) {
    return ex.fail(err);
  }
}

function hasOwnCompaction(ctx: DataPlaneDeps, candidate: Candidate): boolean {
  return !candidate.translate && ctx.providers[candidate.upstream.record.kind].endpoints.includes('compact');
}

/** The conversation with one more user turn asking for the summary; no tool may be called meanwhile. */
function summariseRequest(body: ClientBody, items: Json[]): ClientBody {
  const json: Json = { ...body.json, input: [...items, { type: 'message', role: 'user', content: [{ type: 'input_text', text: SUMMARISE }] }] };
  json.stream = false;
  json.store = false;
  if (Array.isArray(json.tools) && json.tools.length > 0) json.tool_choice = 'none';
  return { json, model: body.model, stream: false };
}

/** A Responses answer to the summarising turn, as the compaction endpoint answers. */
function compaction(response: Json, items: Json[]): Json {
  const output = Array.isArray(response.output) ? response.output.filter(isRecord) : [];
  const summary = output
    .filter((item) => item.type === 'message')
    .flatMap((item) => (Array.isArray(item.content) ? item.content.filter(isRecord) : []))
    .map((part) => (typeof part.text === 'string' ? part.text : ''))
    .join('');
  const userMessages = items.filter((item) => (item.type ?? 'message') === 'message' && item.role === 'user');
  const id = typeof response.id === 'string' ? response.id : `resp_${crypto.randomUUID().replaceAll('-', '')}`;
  return {
    id,
    object: 'response.compaction',
    created_at: typeof response.created_at === 'number' ? response.created_at : Math.floor(Date.now() / 1000),
    output: [
      ...userMessages,
      {
        id: `msg_${id.replace(/^resp_/, '')}`,
        type: 'message',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: summary, annotations: [] }],
      },
    ],
    usage: response.usage ?? null,
  };
}
