import type { Context } from 'hono';
import type { DataPlaneDeps } from './deps.js';
import { OPERATIONS } from '../protocols/operations.js';
import { GatewayError } from '../protocols/errors.js';
import { parseClientBody, type ClientBody } from '../protocols/requests.js';
import { jsonShapeMessage, jsonShapeProblem } from '../protocols/json-limits.js';
import { compilePrompt } from '../prompts/compiled.js';
import { renderCall } from '../prompts/render-call.js';
import { proxyRequest, type BodyReader } from './proxy.js';

/**
 * `POST /v1/prompts/{name}`: a prompt template published as an endpoint
 * (docs/prompts.md). The client sends variables; the template's published
 * version (from the in-memory snapshot) renders them into a Chat Completions
 * request, which then goes the way of every `/v1/chat/completions` request:
 * the key's grant, limits, budgets, the cache, routing, translation to the
 * upstream's shape, the answer in Chat Completions' shape (streamed or not),
 * and one log row that names the template and version.
 */
export function servePrompt(c: Context, ctx: DataPlaneDeps): Promise<Response> {
  return proxyRequest(c, ctx, OPERATIONS.chat, {}, readPromptCall(c.req.param('name') ?? ''));
}

function readPromptCall(name: string): BodyReader<ClientBody> {
  return async (c, ctx, ex) => {
    const prompt = ctx.catalog.current().prompts.get(name);
    if (!prompt) throw new GatewayError('SB_ERR_NOT_FOUND', `prompt template ${name} does not exist`);
    ex.row.prompt = prompt.name;
    ex.row.promptVersion = prompt.version;
    const text = await ctx.io.readBody(c, ctx.maxBodyBytes);
    ex.bodies?.request(text, c.req.header('content-type'), Number(c.req.header('content-length') ?? NaN));
    // An empty body: a call without variables.
    const sent = text.trim() === '' ? {} : parseJsonObject(text);
    const call = renderCall(compilePrompt(prompt), sent, ctx.maxBodyBytes);
    // The rendered call is checked as a Chat Completions body like any other (the model, the messages).
    const body = parseClientBody(OPERATIONS.chat, JSON.stringify(call));
    return { ...body, prompt: { name: prompt.name, version: prompt.version } };
  };
}

/** The client's JSON object, within the same depth and size limits as any other body (protocols/json-limits.ts). */
function parseJsonObject(text: string): Record<string, unknown> {
  const tooBig = jsonShapeProblem(text);
  if (tooBig) throw new GatewayError('SB_ERR_BAD_REQUEST', jsonShapeMessage(tooBig));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new GatewayError('SB_ERR_BAD_REQUEST', 'request body is not valid JSON');
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new GatewayError('SB_ERR_BAD_REQUEST', 'request body must be a JSON object');
  return json as Record<string, unknown>;
}
