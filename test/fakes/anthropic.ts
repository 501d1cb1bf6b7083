// Fake Anthropic API: /v1/messages (JSON + SSE), /v1/messages/count_tokens, /v1/models.
// /v1/messages plays the shared scenarios (scenarios.ts, anthropic-scenarios.ts).
import type { FakeUpstream, RequestContext } from './server.js';
import { sendJson, startFakeServer } from './server.js';
import { openSse } from './sse.js';
import { ANTHROPIC_FAKE_TOOL_IDS, anthropicAgentReply, anthropicScenarioReply, anthropicStreamEvents, type AnthropicFakeReply } from './anthropic-scenarios.js';
import { agentStep } from './agent-scenario.js';
import { anthropicAgentView } from './agent-views.js';
import { JSON_ANSWER, REASONING, REASONING_SIGNATURE, scenarioOf, type ScenarioName } from './scenarios.js';
import { echoReply, isRecord, lastUserText, randomAlnum } from './text.js';
import { FAKE_USAGE } from './usage.js';

export const ANTHROPIC_FAKE_MODELS = [
  { id: 'claude-sonnet-4-20250514', display_name: 'Claude Sonnet 4', created_at: '2025-05-22T00:00:00Z' },
  { id: 'claude-3-7-sonnet-20250219', display_name: 'Claude Sonnet 3.7', created_at: '2025-02-24T00:00:00Z' },
  { id: 'claude-3-5-haiku-20241022', display_name: 'Claude Haiku 3.5', created_at: '2024-10-22T00:00:00Z' },
] as const;

export function anthropicError(type: string, message: string): unknown {
  return { type: 'error', error: { type, message } };
}

function anthropicErrorFor(status: number): { body: unknown; headers?: Record<string, string> } {
  switch (status) {
    case 400:
      return { body: anthropicError('invalid_request_error', 'Invalid request.') };
    case 401:
      return { body: anthropicError('authentication_error', 'invalid x-api-key') };
    case 403:
      return { body: anthropicError('permission_error', 'Your API key does not have permission to use the specified resource.') };
    case 404:
      return { body: anthropicError('not_found_error', 'The requested resource could not be found.') };
    case 413:
      return { body: anthropicError('request_too_large', 'Request exceeds the maximum allowed number of bytes.') };
    case 429:
      return {
        body: anthropicError('rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit. Please try again later.'),
        headers: { 'retry-after': '1', 'anthropic-ratelimit-requests-remaining': '0' },
      };
    case 529:
      return { body: anthropicError('overloaded_error', 'Overloaded') };
    default:
      return { body: anthropicError('api_error', 'Internal server error') };
  }
}

function anthropicHeaders(): Record<string, string> {
  return {
    'request-id': `req_01${randomAlnum(22)}`,
    'anthropic-organization-id': '00000000-0000-4000-8000-000000000000',
    'anthropic-ratelimit-requests-limit': '4000',
    'anthropic-ratelimit-requests-remaining': '3999',
    'anthropic-ratelimit-requests-reset': new Date(Date.now() + 60_000).toISOString().replace(/\.\d+Z$/, 'Z'),
    'anthropic-ratelimit-tokens-limit': '400000',
    'anthropic-ratelimit-tokens-remaining': '399000',
  };
}

function invalid(ctx: RequestContext, message: string): Promise<void> {
  return sendJson(ctx, 400, anthropicError('invalid_request_error', message));
}

/** Validates the fields shared by /v1/messages and count_tokens; answers 400 and returns undefined on error. */
async function validate(
  ctx: RequestContext,
  needMaxTokens: boolean,
): Promise<{ body: Record<string, unknown>; model: string; messages: unknown[] } | undefined> {
  const body: unknown = ctx.call.body;
  if (!isRecord(body)) {
    await invalid(ctx, "There was an issue with your request's JSON body. Please make sure it is valid JSON.");
    return undefined;
  }
  let problem: string | undefined;
  if (body.model === undefined) problem = 'model: Field required';
  else if (typeof body.model !== 'string' || body.model === '') problem = 'model: Input should be a valid string';
  else if (needMaxTokens && body.max_tokens === undefined) problem = 'max_tokens: Field required';
  else if (needMaxTokens && !(Number.isInteger(body.max_tokens) && (body.max_tokens as number) >= 1))
    problem = 'max_tokens: Input should be a valid integer greater than or equal to 1';
  else if (body.messages === undefined) problem = 'messages: Field required';
  else if (!Array.isArray(body.messages)) problem = 'messages: Input should be a valid list';
  else if (body.messages.length === 0) problem = 'messages: at least one message is required';
  if (problem !== undefined || typeof body.model !== 'string' || !Array.isArray(body.messages)) {
    await invalid(ctx, problem ?? 'invalid request');
    return undefined;
  }
  return { body, model: body.model, messages: body.messages as unknown[] };
}

/**
 * With thinking enabled, the API refuses a tool loop whose last assistant
 * turn does not start with its signed thinking (the rule the real API
 * enforces; with `adaptive` thinking the model may not think at all, and the
 * fake's answers carry no thinking then, so it is not checked).
 * @see https://platform.claude.com/docs/en/build-with-claude/extended-thinking#preserving-thinking-blocks
 */
function unsignedToolTurn(body: Record<string, unknown>): boolean {
  if (!isRecord(body.thinking) || body.thinking.type !== 'enabled') return false;
  const messages = Array.isArray(body.messages) ? body.messages.filter(isRecord) : [];
  const blocks = (m: Record<string, unknown> | undefined): Record<string, unknown>[] => (Array.isArray(m?.content) ? m.content.filter(isRecord) : []);
  if (!blocks(messages.at(-1)).some((b) => b.type === 'tool_result')) return false;
  const assistant = blocks(messages.findLast((m) => m.role === 'assistant'));
  return assistant.some((b) => b.type === 'tool_use') && assistant[0]?.type !== 'thinking' && assistant[0]?.type !== 'redacted_thinking';
}

/** With thinking enabled, Claude's answer starts with its signed thinking (REASONING, REASONING_SIGNATURE). */
function thinkingFirst(body: Record<string, unknown>, reply: AnthropicFakeReply): AnthropicFakeReply {
  if (!isRecord(body.thinking) || body.thinking.type !== 'enabled' || reply.content[0]?.type === 'thinking') return reply;
  return { ...reply, content: [{ type: 'thinking', thinking: REASONING, signature: REASONING_SIGNATURE }, ...reply.content] };
}

/** Model ids with this in them refuse native structured output (`output_config.format`) with a 400, as models before it do. */
export const REFUSES_STRUCTURED_OUTPUT = 'no-structured-output';

/**
 * Native structured output (`output_config.format`): the answer is JSON text
 * (JSON_ANSWER), except where the scenario calls tools, which the format
 * leaves free. @see https://platform.claude.com/docs/en/build-with-claude/structured-outputs
 */
function jsonReply(scenario: ScenarioName): AnthropicFakeReply | undefined {
  if (scenario === 'tools') return undefined;
  return { content: [{ type: 'text', text: JSON_ANSWER }], stop_reason: 'end_turn', stop_sequence: null };
}

/** A forced tool (`tool_choice: {type: "tool"}`) is called, with JSON_ANSWER as its input (the tools scenario plays as usual). */
function forcedToolReply(toolChoice: unknown, scenario: ScenarioName): AnthropicFakeReply | undefined {
  if (scenario === 'tools' || !isRecord(toolChoice) || toolChoice.type !== 'tool' || typeof toolChoice.name !== 'string') return undefined;
  const input = JSON.parse(JSON_ANSWER) as Record<string, unknown>;
  return { content: [{ type: 'tool_use', id: ANTHROPIC_FAKE_TOOL_IDS[0], name: toolChoice.name, input }], stop_reason: 'tool_use', stop_sequence: null };
}

export async function messages(ctx: RequestContext, chunkDelayMs: number): Promise<void> {
  const v = await validate(ctx, true);
  if (!v) return;
  const { body, model } = v;
  const scenario = scenarioOf(lastUserText(v.messages));
  if (model === 'fake-error-context' || scenario === 'context') {
    return invalid(ctx, 'prompt is too long: 250000 tokens > 200000 maximum');
  }
  if (scenario === 'error') return sendJson(ctx, 500, anthropicError('api_error', 'Internal server error'));
  if (unsignedToolTurn(body)) {
    return invalid(
      ctx,
      'messages.1.content.0.type: Expected `thinking` or `redacted_thinking`, but found `tool_use`. When `thinking` is enabled, a final `assistant` message must start with a thinking block (preceeding the lastmost set of `tool_use` and `tool_result` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable `thinking`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking',
    );
  }
  const format = isRecord(body.output_config) ? body.output_config.format : undefined;
  if (format !== undefined && model.includes(REFUSES_STRUCTURED_OUTPUT)) {
    return invalid(ctx, `output_config.format: structured outputs are not supported for model ${model}`);
  }
  const agent = agentStep(anthropicAgentView(body));
  const reply = agent
    ? anthropicAgentReply(agent)
    : thinkingFirst(
        body,
        forcedToolReply(body.tool_choice, scenario) ?? (format !== undefined ? jsonReply(scenario) : undefined) ?? anthropicScenarioReply(scenario, echoReply(v.messages)),
      );
  const id = `msg_01${randomAlnum(22)}`;
  const usage = FAKE_USAGE.anthropic.messages;

  if (body.stream !== true) {
    return sendJson(ctx, 200, { id, type: 'message', role: 'assistant', model, ...reply, usage });
  }

  const events = anthropicStreamEvents(
    reply,
    {
      id,
      model,
      usage: {
        input_tokens: usage.input_tokens,
        cache_creation_input_tokens: usage.cache_creation_input_tokens,
        cache_read_input_tokens: usage.cache_read_input_tokens,
        output_tokens: FAKE_USAGE.anthropic.streamStartOutputTokens,
      },
    },
    usage.output_tokens,
  );

  const sse = await openSse(ctx, chunkDelayMs);
  for (const [name, data] of events) if (!(await sse.send(JSON.stringify(data), name))) return;
  sse.end();
}

async function countTokens(ctx: RequestContext): Promise<void> {
  const v = await validate(ctx, false);
  if (!v) return;
  return sendJson(ctx, 200, { input_tokens: FAKE_USAGE.anthropic.countTokens });
}

function modelObject(m: (typeof ANTHROPIC_FAKE_MODELS)[number]): unknown {
  return { type: 'model', id: m.id, display_name: m.display_name, created_at: m.created_at };
}

/**
 * A Claude subscription's side of the API: OAuth access tokens as
 * `Authorization: Bearer` under the `oauth-2025-04-20` beta, Messages served
 * only to requests that are Claude Code's (its identity heads the system
 * prompt), and the usage limits on every answer in
 * `anthropic-ratelimit-unified-*` headers.
 */
export interface FakeSubscription {
  isLiveToken(token: string): boolean;
  /** The `anthropic-ratelimit-unified-*` headers of the next answers. */
  unifiedHeaders?(): Record<string, string>;
  /**
   * A live token the API takes from Claude Code itself only: its Messages
   * requests are refused with the 400 below even in Claude Code's shape
   * (as Anthropic refuses a subscription token it finds used by another tool).
   */
  claudeCodeOnly?(token: string): boolean;
}

/** What the API answers a subscription token used outside Claude Code (a 400 `invalid_request_error`, as the real API words it). */
export const CLAUDE_CODE_ONLY = 'This credential is only authorized for use with Claude Code and cannot be used for other API requests.';

const CLAUDE_CODE_IDENTITY = /^You are (Claude Code, Anthropic's official CLI for Claude|a Claude agent, built on Anthropic's Claude Agent SDK)/;

function isClaudeCodeRequest(body: unknown): boolean {
  const system = isRecord(body) ? body.system : undefined;
  const blocks = typeof system === 'string' ? [system] : Array.isArray(system) ? system.map((b) => (isRecord(b) ? b.text : undefined)) : [];
  return blocks.some((text) => typeof text === 'string' && CLAUDE_CODE_IDENTITY.test(text));
}

/** Refuses what the subscription would refuse; answers and returns true then. */
async function refusedSubscription(ctx: RequestContext, subscription: FakeSubscription): Promise<boolean> {
  const auth = ctx.req.headers.authorization ?? '';
  const betas = String(ctx.req.headers['anthropic-beta'] ?? '').split(',').map((b) => b.trim());
  if (ctx.req.headers['x-api-key'] !== undefined && auth === '') {
    await sendJson(ctx, 401, anthropicError('authentication_error', 'invalid x-api-key'));
    return true;
  }
  if (!betas.includes('oauth-2025-04-20')) {
    await sendJson(ctx, 401, anthropicError('authentication_error', 'OAuth authentication is currently not supported.'));
    return true;
  }
  if (!auth.startsWith('Bearer ') || !subscription.isLiveToken(auth.slice('Bearer '.length))) {
    await sendJson(ctx, 401, anthropicError('authentication_error', 'Invalid bearer token'));
    return true;
  }
  const onlyClaudeCode = subscription.claudeCodeOnly?.(auth.slice('Bearer '.length)) ?? false;
  if (ctx.call.method === 'POST' && ctx.url.pathname.startsWith('/v1/messages') && (onlyClaudeCode || !isClaudeCodeRequest(ctx.call.body))) {
    await sendJson(ctx, 400, anthropicError('invalid_request_error', CLAUDE_CODE_ONLY));
    return true;
  }
  return false;
}

export function startFakeAnthropic(opts: { apiKey?: string; apiKeys?: string[]; chunkDelayMs?: number; subscription?: FakeSubscription } = {}): Promise<FakeUpstream> {
  const apiKeys = opts.apiKeys ?? [opts.apiKey ?? 'sk-ant-fake'];
  const chunkDelayMs = opts.chunkDelayMs ?? 0;
  const subscription = opts.subscription;
  return startFakeServer({
    headers: () => ({ ...anthropicHeaders(), ...subscription?.unifiedHeaders?.() }),
    errorFor: anthropicErrorFor,
    async handle(ctx) {
      if (subscription) {
        if (await refusedSubscription(ctx, subscription)) return;
      } else {
        const key = ctx.req.headers['x-api-key'];
        if (typeof key !== 'string' || !apiKeys.includes(key)) {
          return sendJson(ctx, 401, anthropicError('authentication_error', 'invalid x-api-key'));
        }
      }
      if (typeof ctx.req.headers['anthropic-version'] !== 'string' || ctx.req.headers['anthropic-version'] === '') {
        return invalid(ctx, 'anthropic-version: header is required');
      }

      const { pathname } = ctx.url;
      const method = ctx.call.method;
      if (method === 'POST' && pathname === '/v1/messages') return messages(ctx, chunkDelayMs);
      if (method === 'POST' && pathname === '/v1/messages/count_tokens') return countTokens(ctx);
      if (method === 'GET' && pathname === '/v1/models') {
        const data = ANTHROPIC_FAKE_MODELS.map(modelObject);
        return sendJson(ctx, 200, {
          data,
          has_more: false,
          first_id: ANTHROPIC_FAKE_MODELS[0].id,
          last_id: ANTHROPIC_FAKE_MODELS[ANTHROPIC_FAKE_MODELS.length - 1]?.id ?? null,
        });
      }
      const modelMatch = /^\/v1\/models\/([^/]+)$/.exec(pathname);
      if (method === 'GET' && modelMatch) {
        const id = decodeURIComponent(modelMatch[1] ?? '');
        const found = ANTHROPIC_FAKE_MODELS.find((m) => m.id === id);
        if (found) return sendJson(ctx, 200, modelObject(found));
        return sendJson(ctx, 404, anthropicError('not_found_error', `model: ${id}`));
      }
      return sendJson(ctx, 404, anthropicError('not_found_error', 'Not Found'));
    },
  });
}
