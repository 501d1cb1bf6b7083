// Fake OpenAI API (served under /v1): chat completions (JSON + SSE, every scenario of
// scenarios.ts via openai-chat-scenarios.ts), legacy completions, embeddings, models.
import { createHash, randomBytes } from 'node:crypto';
import type { FakeUpstream, RequestContext } from './server.js';
import { sendJson, startFakeServer } from './server.js';
import { openSse } from './sse.js';
import { chatDeltas, chatMessage, planChatReply, reasoningStyleOf } from './openai-chat-scenarios.js';
import { compact, responses } from './openai-responses.js';
import { isRecord, randomAlnum, splitDeltas } from './text.js';
import { FAKE_USAGE } from './usage.js';
import { media, MEDIA_PATHS } from './openai-media.js';

export const OPENAI_FAKE_MODELS = ['gpt-4o', 'gpt-4o-mini', 'text-embedding-3-small', 'fake-error-context'] as const;
const SYSTEM_FINGERPRINT = 'fp_f4ke0penai';
const MODEL_CREATED = 1715367049;

export function openaiError(message: string, type: string, param: string | null, code: string | null): unknown {
  return { error: { message, type, param, code } };
}

function openaiErrorFor(status: number): { body: unknown; headers?: Record<string, string> } {
  switch (status) {
    case 400:
      return { body: openaiError('Invalid request.', 'invalid_request_error', null, null) };
    case 401:
      return { body: openaiError('Incorrect API key provided: sk-wrong. You can find your API key at https://platform.openai.com/account/api-keys.', 'invalid_request_error', null, 'invalid_api_key') };
    case 403:
      return { body: openaiError('Country, region, or territory not supported', 'request_forbidden', null, 'unsupported_country_region_territory') };
    case 404:
      return { body: openaiError('The model `gpt-unknown` does not exist or you do not have access to it.', 'invalid_request_error', null, 'model_not_found') };
    case 429:
      return {
        body: openaiError('Rate limit reached for gpt-4o in organization org-fake on requests per min (RPM): Limit 10000, Used 10000, Requested 1. Please try again in 6ms.', 'requests', null, 'rate_limit_exceeded'),
        headers: { 'retry-after': '1', 'x-ratelimit-remaining-requests': '0' },
      };
    case 503:
      return { body: openaiError('The engine is currently overloaded, please try again later.', 'server_error', null, null) };
    default:
      return { body: openaiError('The server had an error while processing your request. Sorry about that!', 'server_error', null, null) };
  }
}

function openaiHeaders(): Record<string, string> {
  return {
    'x-request-id': `req_${randomBytes(16).toString('hex')}`,
    'openai-processing-ms': '35',
    'openai-version': '2020-10-01',
    'openai-organization': 'org-fake',
    'x-ratelimit-limit-requests': '10000',
    'x-ratelimit-remaining-requests': '9999',
    'x-ratelimit-reset-requests': '6ms',
    'x-ratelimit-limit-tokens': '30000000',
    'x-ratelimit-remaining-tokens': '29999980',
    'x-ratelimit-reset-tokens': '0s',
  };
}

function maskKey(key: string): string {
  if (key.length <= 8) return key;
  return `${key.slice(0, 3)}${'*'.repeat(Math.min(key.length - 7, 20))}${key.slice(-4)}`;
}

function badRequest(ctx: RequestContext, message: string, param: string | null, code: string | null): Promise<void> {
  return sendJson(ctx, 400, openaiError(message, 'invalid_request_error', param, code));
}

/** The body as an object, or undefined after answering 400 (not a JSON object). */
async function requireObject(ctx: RequestContext): Promise<Record<string, unknown> | undefined> {
  const body: unknown = ctx.call.body;
  if (isRecord(body)) return body;
  await badRequest(
    ctx,
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
    null,
    null,
  );
  return undefined;
}

async function requireModel(ctx: RequestContext, body: Record<string, unknown>): Promise<string | undefined> {
  if (typeof body.model === 'string' && body.model !== '') return body.model;
  await badRequest(ctx, 'you must provide a model parameter', 'model', 'missing_required_parameter');
  return undefined;
}

export async function chatCompletions(ctx: RequestContext, chunkDelayMs: number): Promise<void> {
  const body = await requireObject(ctx);
  if (!body) return;
  const model = await requireModel(ctx, body);
  if (model === undefined) return;
  const messages = body.messages;
  if (messages === undefined) return badRequest(ctx, "Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter');
  if (!Array.isArray(messages)) return badRequest(ctx, `Invalid type for 'messages': expected an array of objects, but got ${typeof messages} instead.`, 'messages', 'invalid_type');
  if (messages.length === 0) return badRequest(ctx, "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", 'messages', 'empty_array');
  const missing = missingReasoningContent(model, messages);
  if (missing !== undefined) {
    // DeepSeek's answer when a thinking model's tool-call turn comes back without its reasoning.
    return badRequest(ctx, `Missing \`reasoning_content\` field in the assistant message at message index ${missing}`, null, null);
  }
  const plan = planChatReply(messages, body);
  const style = reasoningStyleOf(model);
  if (model === 'fake-error-context' || plan.kind === 'context-length') {
    return badRequest(
      ctx,
      "This model's maximum context length is 128000 tokens. However, your messages resulted in 250000 tokens. Please reduce the length of the messages.",
      'messages',
      'context_length_exceeded',
    );
  }
  if (plan.kind === 'server-error') return sendJson(ctx, 500, openaiErrorFor(500).body);

  const id = `chatcmpl-${randomAlnum(29)}`;
  const created = Math.floor(Date.now() / 1000);

  if (body.stream !== true) {
    return sendJson(ctx, 200, {
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [
        {
          index: 0,
          message: chatMessage(plan, style),
          logprobs: null,
          finish_reason: plan.finishReason,
        },
      ],
      usage: FAKE_USAGE.openai.chat,
      service_tier: 'default',
      system_fingerprint: SYSTEM_FINGERPRINT,
    });
  }

  const includeUsage = isRecord(body.stream_options) && body.stream_options.include_usage === true;
  const chunk = (choices: unknown[], usage: unknown = null): string =>
    JSON.stringify({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      service_tier: 'default',
      system_fingerprint: SYSTEM_FINGERPRINT,
      choices,
      ...(includeUsage ? { usage } : {}),
    });
  const choice = (delta: Record<string, unknown>, finishReason: string | null): unknown => ({
    index: 0,
    delta,
    logprobs: null,
    finish_reason: finishReason,
  });

  const frames: string[] = [
    chunk([choice({ role: 'assistant', content: '', refusal: null }, null)]),
    ...chatDeltas(plan, style).map((delta) => chunk([choice(delta, null)])),
    chunk([choice({}, plan.finishReason)]),
  ];
  if (includeUsage) frames.push(chunk([], FAKE_USAGE.openai.chat));
  frames.push('[DONE]');

  const sse = await openSse(ctx, chunkDelayMs);
  for (const f of frames) if (!(await sse.send(f))) return;
  sse.end();
}

/**
 * DeepSeek's thinking models need the `reasoning_content` of each assistant
 * tool-call turn back in later requests; the fake checks it for model ids
 * with `deepseek` and returns the index of the first message without it.
 * @see https://api-docs.deepseek.com/guides/thinking_mode#tool-calls
 */
function missingReasoningContent(model: string, messages: unknown[]): number | undefined {
  if (!model.includes('deepseek')) return undefined;
  const index = messages.findIndex((m) => isRecord(m) && m.role === 'assistant' && Array.isArray(m.tool_calls) && typeof m.reasoning_content !== 'string');
  return index < 0 ? undefined : index;
}

/** Chat models, which OpenAI refuses on /v1/completions (its other models are served there). */
const CHAT_ONLY_MODELS = new Set(['gpt-4o', 'gpt-4o-mini']);

function completionPrompts(prompt: unknown): string[] | undefined {
  if (typeof prompt === 'string') return [prompt];
  if (!Array.isArray(prompt) || prompt.length === 0) return undefined;
  if (prompt.every((p: unknown) => typeof p === 'string')) return prompt as string[];
  // Token ids: one prompt, or an array of them (echoed as nothing: the fake has no tokenizer).
  if (prompt.every((p: unknown) => typeof p === 'number')) return [''];
  if (prompt.every((p: unknown) => Array.isArray(p))) return prompt.map(() => '');
  return undefined;
}

/**
 * POST /v1/completions in OpenAI's legacy shape: a `text_completion` with
 * one choice per prompt and `n` (index prompt * n + j), each "echo: " and
 * its prompt, as the other fakes answer, a token a word (`max_tokens`,
 * default 16, cuts it short with finish_reason `length`); `echo` puts the
 * prompt in front; streamed as `text_completion` chunks, the last text chunk
 * carrying `finish_reason: "length"` when cut, else an empty-text chunk with
 * `stop`, then with include_usage a `choices: []` chunk with usage, then [DONE].
 * @see https://platform.openai.com/docs/api-reference/completions
 */
export async function completions(ctx: RequestContext, chunkDelayMs: number): Promise<void> {
  const body = await requireObject(ctx);
  if (!body) return;
  const model = await requireModel(ctx, body);
  if (model === undefined) return;
  if (CHAT_ONLY_MODELS.has(model))
    return sendJson(ctx, 404, openaiError('This is a chat model and not supported in the v1/completions endpoint. Did you mean to use v1/chat/completions?', 'invalid_request_error', 'model', null));
  if (body.prompt === undefined) return badRequest(ctx, "Missing required parameter: 'prompt'.", 'prompt', 'missing_required_parameter');
  const prompts = completionPrompts(body.prompt);
  if (!prompts) return badRequest(ctx, "'$.prompt' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.", 'prompt', 'invalid_value');
  const n = typeof body.n === 'number' && body.n > 0 ? body.n : 1;
  if (n > 128) return badRequest(ctx, `Invalid 'n': integer above maximum value. Expected a value <= 128, but got ${n} instead.`, 'n', 'integer_above_max_value');
  const maxTokens = typeof body.max_tokens === 'number' ? body.max_tokens : 16;
  const id = `cmpl-${randomAlnum(29)}`;
  const created = Math.floor(Date.now() / 1000);
  const choices = prompts.flatMap((prompt, p) => {
    const all = splitDeltas(`echo: ${prompt}`);
    const words = all.slice(0, maxTokens);
    const finishReason = words.length < all.length ? 'length' : 'stop';
    return Array.from({ length: n }, (_, j) => ({ index: p * n + j, prompt: body.echo === true ? prompt : '', words, finishReason }));
  });

  if (body.stream !== true) {
    return sendJson(ctx, 200, {
      id,
      object: 'text_completion',
      created,
      model,
      system_fingerprint: SYSTEM_FINGERPRINT,
      choices: choices.map((c) => ({ text: c.prompt + c.words.join(''), index: c.index, logprobs: null, finish_reason: c.finishReason })),
      usage: FAKE_USAGE.openai.completions,
    });
  }
  const includeUsage = isRecord(body.stream_options) && body.stream_options.include_usage === true;
  const chunk = (choiceList: unknown[], usage: unknown = null): string =>
    JSON.stringify({ id, object: 'text_completion', created, choices: choiceList, model, system_fingerprint: SYSTEM_FINGERPRINT, ...(includeUsage ? { usage } : {}) });
  const choice = (index: number, text: string, finish: string | null) => ({ text, index, logprobs: null, finish_reason: finish });
  const frames: string[] = [];
  for (const c of choices) {
    if (c.prompt !== '') frames.push(chunk([choice(c.index, c.prompt, null)]));
    c.words.forEach((word, i) => frames.push(chunk([choice(c.index, word, c.finishReason === 'length' && i === c.words.length - 1 ? 'length' : null)])));
    if (c.finishReason === 'stop') frames.push(chunk([choice(c.index, '', 'stop')]));
  }
  if (includeUsage) frames.push(chunk([], FAKE_USAGE.openai.completions));
  frames.push('[DONE]');
  const sse = await openSse(ctx, chunkDelayMs);
  for (const f of frames) if (!(await sse.send(f))) return;
  sse.end();
}

/** Deterministic vector in [-1, 1), exactly representable as float32 (multiples of 1/128). */
function embed(seed: string, dims: number): number[] {
  const out: number[] = [];
  for (let counter = 0; out.length < dims; counter++) {
    for (const byte of createHash('sha256').update(`${counter}:${seed}`).digest()) {
      if (out.length >= dims) break;
      out.push((byte - 128) / 128);
    }
  }
  return out;
}

function toBase64(vec: number[]): string {
  const buf = Buffer.alloc(vec.length * 4);
  vec.forEach((v, i) => buf.writeFloatLE(v, i * 4));
  return buf.toString('base64');
}

function embeddingInputs(input: unknown): string[] | undefined {
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input) || input.length === 0) return undefined;
  if (input.every((x: unknown) => typeof x === 'string')) return input as string[];
  if (input.every((x: unknown) => typeof x === 'number')) return [JSON.stringify(input)];
  if (input.every((x: unknown) => Array.isArray(x))) return input.map((x: unknown) => JSON.stringify(x));
  return undefined;
}

export async function embeddings(ctx: RequestContext): Promise<void> {
  const body = await requireObject(ctx);
  if (!body) return;
  const model = await requireModel(ctx, body);
  if (model === undefined) return;
  if (body.input === undefined) return badRequest(ctx, "Missing required parameter: 'input'.", 'input', 'missing_required_parameter');
  const inputs = embeddingInputs(body.input);
  if (!inputs) return badRequest(ctx, "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.", 'input', 'invalid_value');
  const dims =
    typeof body.dimensions === 'number' && Number.isInteger(body.dimensions) && body.dimensions > 0
      ? body.dimensions
      : FAKE_USAGE.openai.embeddingDimensions;
  const base64 = body.encoding_format === 'base64';
  const tokens = FAKE_USAGE.openai.embeddingTokensPerInput * inputs.length;
  return sendJson(ctx, 200, {
    object: 'list',
    data: inputs.map((text, index) => {
      const vec = embed(text, dims);
      return { object: 'embedding', index, embedding: base64 ? toBase64(vec) : vec };
    }),
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  });
}

function modelObject(id: string): unknown {
  return { id, object: 'model', created: MODEL_CREATED, owned_by: id.startsWith('fake') ? 'switchboard-fake' : 'system' };
}

/** `apiKeys` accepts several keys (a credential pool); `apiKey` one. */
export function startFakeOpenAI(opts: { apiKey?: string; apiKeys?: string[]; chunkDelayMs?: number } = {}): Promise<FakeUpstream> {
  const apiKeys = opts.apiKeys ?? [opts.apiKey ?? 'sk-fake-openai'];
  const chunkDelayMs = opts.chunkDelayMs ?? 0;
  return startFakeServer({
    headers: openaiHeaders,
    errorFor: openaiErrorFor,
    async handle(ctx) {
      const auth = ctx.req.headers.authorization;
      if (typeof auth !== 'string' || !auth.startsWith('Bearer ')) {
        return sendJson(
          ctx,
          401,
          openaiError(
            "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
            'invalid_request_error',
            null,
            'invalid_api_key',
          ),
        );
      }
      const key = auth.slice('Bearer '.length).trim();
      if (!apiKeys.includes(key)) {
        return sendJson(
          ctx,
          401,
          openaiError(
            `Incorrect API key provided: ${maskKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
            'invalid_request_error',
            null,
            'invalid_api_key',
          ),
        );
      }

      const { pathname } = ctx.url;
      const method = ctx.call.method;
      if (method === 'POST' && pathname === '/v1/chat/completions') return chatCompletions(ctx, chunkDelayMs);
      if (method === 'POST' && pathname === '/v1/responses') return responses(ctx, chunkDelayMs);
      if (method === 'POST' && pathname === '/v1/responses/compact') return compact(ctx);
      if (method === 'POST' && pathname === '/v1/embeddings') return embeddings(ctx);
      if (method === 'POST' && pathname === '/v1/completions') return completions(ctx, chunkDelayMs);
      if (method === 'POST' && MEDIA_PATHS.has(pathname)) return media(ctx, pathname, chunkDelayMs);
      if (method === 'GET' && pathname === '/v1/models') {
        return sendJson(ctx, 200, { object: 'list', data: OPENAI_FAKE_MODELS.map(modelObject) });
      }
      const modelMatch = /^\/v1\/models\/([^/]+)$/.exec(pathname);
      if (method === 'GET' && modelMatch) {
        const id = decodeURIComponent(modelMatch[1] ?? '');
        if ((OPENAI_FAKE_MODELS as readonly string[]).includes(id)) return sendJson(ctx, 200, modelObject(id));
        return sendJson(ctx, 404, openaiError(`The model '${id}' does not exist`, 'invalid_request_error', 'model', 'model_not_found'));
      }
      return sendJson(ctx, 404, openaiError(`Invalid URL (${method} ${pathname})`, 'invalid_request_error', null, null));
    },
  });
}
