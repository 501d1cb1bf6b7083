// Fake Gemini API (Google AI Studio): POST /v1beta/models/{model}:generateContent,
// :streamGenerateContent (SSE with ?alt=sse, else one streamed JSON array), :countTokens,
// :embedContent and :batchEmbedContents (https://ai.google.dev/api/embeddings), Imagen's :predict
// (https://ai.google.dev/gemini-api/docs/imagen),
// GET /v1beta/models and /v1beta/models/{model}. Plays every scenario of scenarios.ts.
// Shapes follow https://ai.google.dev/api/generate-content, https://ai.google.dev/api/tokens,
// https://ai.google.dev/api/models and https://ai.google.dev/gemini-api/docs/troubleshooting.
// Auth is `x-goog-api-key` or `?key=` (https://ai.google.dev/gemini-api/docs/api-key).
import { createHash } from 'node:crypto';
import type { FakeUpstream, RequestContext } from './server.js';
import { formatJson, sendJson, startFakeServer, writeAsync } from './server.js';
import {
  JSON_ANSWER,
  LENGTH_TEXT,
  REASONING,
  REASONING_ANSWER,
  REASONING_SIGNATURE,
  STOP_TEXT,
  TOOL_CALLS,
  scenarioOf,
  type ScenarioName,
} from './scenarios.js';
import { isRecord, randomAlnum, splitDeltas } from './text.js';
import { agentStep, type AgentStep } from './agent-scenario.js';
import { geminiAgentView } from './agent-views.js';

/**
 * Token figures of every successful answer (the JSON body, and the last chunk
 * of a stream). `promptTokenCount` includes `cachedContentTokenCount`, as
 * Gemini counts it; `thoughtsTokenCount` is reported only by the `reasoning`
 * scenario (and is not part of `candidatesTokenCount`).
 */
export const FAKE_GEMINI_USAGE = {
  promptTokenCount: 15,
  cachedContentTokenCount: 6,
  candidatesTokenCount: 8,
  /** Reasoning scenario only; absent (0) otherwise. */
  thoughtsTokenCount: 4,
  /** `totalTokens` of every :countTokens answer. */
  countTokens: 19,
} as const;

/** Function call ids of the `tools` scenario, in order (newer API versions send ids). */
export const GEMINI_FAKE_CALL_IDS = ['fc_fake_1', 'fc_fake_2'] as const;

export const GEMINI_FAKE_MODELS = [
  { id: 'gemini-2.5-flash', displayName: 'Gemini 2.5 Flash', inputTokenLimit: 1048576, outputTokenLimit: 65536, thinking: true },
  { id: 'gemini-2.5-pro', displayName: 'Gemini 2.5 Pro', inputTokenLimit: 1048576, outputTokenLimit: 65536, thinking: true },
  { id: 'gemini-2.0-flash', displayName: 'Gemini 2.0 Flash', inputTokenLimit: 1048576, outputTokenLimit: 8192, thinking: false },
] as const;

const CONTEXT_MESSAGE = 'The input token count (1205789) exceeds the maximum number of tokens allowed (1048576).';
const BAD_KEY_MESSAGE = 'API key not valid. Please pass a valid API key.';

const STATUS_NAME: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

export function geminiError(code: number, message: string, details?: unknown[]): unknown {
  return { error: { code, message, status: STATUS_NAME[code] ?? (code >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT'), ...(details ? { details } : {}) } };
}

function geminiErrorFor(status: number): { body: unknown; headers?: Record<string, string> } {
  switch (status) {
    case 400:
      return { body: geminiError(400, 'Request contains an invalid argument.') };
    case 401:
      return { body: geminiError(401, 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.') };
    case 403:
      return { body: geminiError(403, 'The caller does not have permission') };
    case 404:
      return { body: geminiError(404, 'models/gemini-unknown is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.') };
    case 429:
      return {
        body: geminiError(429, 'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.', [
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1s' },
        ]),
      };
    case 503:
      return { body: geminiError(503, 'The model is overloaded. Please try again later.') };
    case 504:
      return { body: geminiError(504, 'Deadline expired before operation could complete.') };
    default:
      return { body: geminiError(status >= 500 ? status : 500, 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting') };
  }
}

function geminiHeaders(): Record<string, string> {
  return { server: 'scaffolding on HTTPServer2', 'x-content-type-options': 'nosniff', 'server-timing': 'gfet4t7; dur=42', vary: 'Origin, X-Origin, Referer' };
}

type Part = Record<string, unknown>;

/** Text of the last user content (role `user` or none): its non-thought text parts. */
export function geminiLastUserText(contents: unknown[]): string {
  for (let i = contents.length - 1; i >= 0; i--) {
    const c = contents[i];
    if (!isRecord(c) || (c.role !== undefined && c.role !== 'user')) continue;
    if (!Array.isArray(c.parts)) return '';
    return c.parts.map((p: unknown) => (isRecord(p) && typeof p.text === 'string' && p.thought !== true ? p.text : '')).join('');
  }
  return '';
}

/** A scenario's answer as the stream sends it: a list of chunks, each a list of parts; the whole answer joins them. */
function scenarioChunks(scenario: Exclude<ScenarioName, 'context' | 'error'>, echo: string): { chunks: Part[][]; finishReason: string } {
  const words = (text: string, extra: (i: number) => Part = () => ({})): Part[][] => splitDeltas(text).map((t, i) => [{ text: t, ...extra(i) }]);
  switch (scenario) {
    case 'text':
      return { chunks: words(echo), finishReason: 'STOP' };
    case 'tools':
      return {
        chunks: [TOOL_CALLS.map((call, i) => ({ functionCall: { id: GEMINI_FAKE_CALL_IDS[i], name: call.name, args: { ...call.arguments } } }))],
        finishReason: 'STOP',
      };
    case 'json':
      return { chunks: words(JSON_ANSWER), finishReason: 'STOP' };
    case 'reasoning':
      return {
        chunks: [
          ...words(REASONING, () => ({ thought: true })),
          ...words(REASONING_ANSWER, (i) => (i === 0 ? { thoughtSignature: REASONING_SIGNATURE } : {})),
        ],
        finishReason: 'STOP',
      };
    case 'stop':
      return { chunks: words(STOP_TEXT), finishReason: 'STOP' };
    case 'length':
      return { chunks: words(LENGTH_TEXT), finishReason: 'MAX_TOKENS' };
    default:
      return scenario satisfies never;
  }
}

/** The agent scenario's step (agent-scenario.ts) as stream chunks. */
function agentChunks(step: AgentStep): { chunks: Part[][]; finishReason: string } {
  if (step.kind === 'answer') return { chunks: splitDeltas(step.text).map((text) => [{ text }]), finishReason: 'STOP' };
  return { chunks: [[{ functionCall: { id: `fc_${randomAlnum(12)}`, name: step.name, args: step.arguments } }]], finishReason: 'STOP' };
}

/** Joins streamed chunks into whole parts: neighbouring text parts of the same kind merge (the first one's signature stays). */
function wholeParts(chunks: Part[][]): Part[] {
  const parts: Part[] = [];
  for (const part of chunks.flat()) {
    const last = parts.at(-1);
    if (last && typeof last.text === 'string' && typeof part.text === 'string' && last.thought === part.thought && part.thoughtSignature === undefined) {
      last.text += part.text;
    } else {
      parts.push({ ...part });
    }
  }
  return parts;
}

function usageMetadata(scenario: ScenarioName, final: boolean): Record<string, unknown> {
  const u = FAKE_GEMINI_USAGE;
  const thoughts = scenario === 'reasoning' ? u.thoughtsTokenCount : 0;
  const prompt = {
    promptTokenCount: u.promptTokenCount,
    cachedContentTokenCount: u.cachedContentTokenCount,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: u.promptTokenCount }],
    cacheTokensDetails: [{ modality: 'TEXT', tokenCount: u.cachedContentTokenCount }],
  };
  if (!final) return { ...prompt, totalTokenCount: u.promptTokenCount };
  return {
    ...prompt,
    candidatesTokenCount: u.candidatesTokenCount,
    totalTokenCount: u.promptTokenCount + u.candidatesTokenCount + thoughts,
    ...(thoughts > 0 ? { thoughtsTokenCount: thoughts } : {}),
  };
}

function answer(parts: Part[], finishReason: string | undefined, usage: unknown, model: string, responseId: string): unknown {
  return {
    candidates: [{ content: { parts, role: 'model' }, ...(finishReason ? { finishReason } : {}), index: 0 }],
    usageMetadata: usage,
    modelVersion: model,
    responseId,
  };
}

/**
 * Writes stream chunks with the cut/stall faults and per-chunk delay applied:
 * SSE frames with CRLF line ends as Google's servers send them, or (without
 * `alt=sse`) one JSON array written element by element.
 */
async function writeStream(ctx: RequestContext, items: unknown[], sse: boolean, delayMs: number): Promise<void> {
  const { res, streamFault } = ctx;
  if (res.destroyed) return;
  res.writeHead(200, { ...ctx.headers, 'content-type': sse ? 'text/event-stream' : 'application/json; charset=UTF-8' });
  res.flushHeaders();
  for (let i = 0; i < items.length; i++) {
    if (streamFault && streamFault.afterEvents === i) {
      if (streamFault.kind === 'cut-mid-stream') {
        await new Promise((r) => setTimeout(r, 10));
        res.destroy();
        return;
      }
      if (streamFault.kind === 'end-mid-stream') {
        res.end();
        return;
      }
      await ctx.sleep(streamFault.ms);
    }
    if (i > 0 && delayMs > 0) await ctx.sleep(delayMs);
    if (res.destroyed) return;
    const json = formatJson(items[i], ctx.jsonStyle);
    const data = json.split('\n').map((line) => `data: ${line}`).join('\r\n');
    await writeAsync(res, sse ? `${data}\r\n\r\n` : `${i === 0 ? '[' : ',\r\n'}${json}`);
  }
  if (streamFault && streamFault.afterEvents >= items.length && streamFault.kind === 'cut-mid-stream') {
    res.destroy();
    return;
  }
  if (!res.destroyed) res.end(sse ? '' : items.length === 0 ? '[]' : ']');
}

async function generate(ctx: RequestContext, model: string, stream: boolean, delayMs: number): Promise<void> {
  const body: unknown = ctx.call.body;
  if (!isRecord(body)) return sendJson(ctx, 400, geminiError(400, 'Invalid JSON payload received. Unexpected token.'));
  const contents = body.contents;
  if (!Array.isArray(contents) || contents.length === 0) {
    return sendJson(ctx, 400, geminiError(400, '* GenerateContentRequest.contents: contents is not specified\n'));
  }
  if (model.includes('-image')) return imageAnswer(ctx, body);
  const text = geminiLastUserText(contents);
  const scenario = scenarioOf(text);
  if (model === 'fake-error-context' || scenario === 'context') return sendJson(ctx, 400, geminiError(400, CONTEXT_MESSAGE));
  if (scenario === 'error') return sendJson(ctx, 500, geminiErrorFor(500).body);
  const agent = agentStep(geminiAgentView(body));
  const { chunks, finishReason } = agent ? agentChunks(agent) : scenarioChunks(scenario, `echo: ${text}`);
  const responseId = randomAlnum(23);
  if (!stream) return sendJson(ctx, 200, answer(wholeParts(chunks), finishReason, usageMetadata(scenario, true), model, responseId));
  const items = chunks.map((parts, i) => {
    const last = i === chunks.length - 1;
    return answer(parts, last ? finishReason : undefined, usageMetadata(scenario, last), model, responseId);
  });
  return writeStream(ctx, items, ctx.url.searchParams.get('alt') === 'sse', delayMs);
}

async function countTokens(ctx: RequestContext): Promise<void> {
  const body: unknown = ctx.call.body;
  if (!isRecord(body)) return sendJson(ctx, 400, geminiError(400, 'Invalid JSON payload received. Unexpected token.'));
  const inner = isRecord(body.generateContentRequest) ? body.generateContentRequest : isRecord(body.generate_content_request) ? body.generate_content_request : undefined;
  const contents = inner ? inner.contents : body.contents;
  if (!Array.isArray(contents) || contents.length === 0) {
    return sendJson(ctx, 400, geminiError(400, '* CountTokensRequest.contents: contents is not specified\n'));
  }
  const total = FAKE_GEMINI_USAGE.countTokens;
  return sendJson(ctx, 200, { totalTokens: total, promptTokensDetails: [{ modality: 'TEXT', tokenCount: total }] });
}

function modelObject(m: (typeof GEMINI_FAKE_MODELS)[number]): unknown {
  return {
    name: `models/${m.id}`,
    version: '001',
    displayName: m.displayName,
    description: `${m.displayName} (fake)`,
    inputTokenLimit: m.inputTokenLimit,
    outputTokenLimit: m.outputTokenLimit,
    supportedGenerationMethods: ['generateContent', 'countTokens', 'createCachedContent', 'batchGenerateContent'],
    temperature: 1,
    topP: 0.95,
    topK: 64,
    maxTemperature: 2,
    thinking: m.thinking,
  };
}

/** GET /v1beta/models: `pageSize` (default 50) and an opaque `pageToken`, as the API pages. */
function listModels(ctx: RequestContext): Promise<void> {
  const size = Math.max(1, Math.min(1000, Number(ctx.url.searchParams.get('pageSize')) || 50));
  const token = ctx.url.searchParams.get('pageToken');
  const start = token ? Number(Buffer.from(token, 'base64url').toString('utf8')) || 0 : 0;
  const page = GEMINI_FAKE_MODELS.slice(start, start + size);
  const next = start + size < GEMINI_FAKE_MODELS.length ? Buffer.from(String(start + size)).toString('base64url') : undefined;
  return sendJson(ctx, 200, { models: page.map(modelObject), ...(next ? { nextPageToken: next } : {}) });
}

export function startFakeGemini(opts: { apiKey?: string; apiKeys?: string[]; chunkDelayMs?: number } = {}): Promise<FakeUpstream> {
  const apiKeys = opts.apiKeys ?? [opts.apiKey ?? 'fake-gemini-key'];
  const chunkDelayMs = opts.chunkDelayMs ?? 0;
  return startFakeServer({
    headers: geminiHeaders,
    errorFor: geminiErrorFor,
    async handle(ctx) {
      const header = ctx.req.headers['x-goog-api-key'];
      const key = typeof header === 'string' ? header : ctx.url.searchParams.get('key');
      if (key === null || key === '') {
        return sendJson(ctx, 403, geminiError(403, "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API."));
      }
      if (!apiKeys.includes(key)) {
        return sendJson(ctx, 400, geminiError(400, BAD_KEY_MESSAGE, [
          { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com', metadata: { service: 'generativelanguage.googleapis.com' } },
          { '@type': 'type.googleapis.com/google.rpc.LocalizedMessage', locale: 'en-US', message: BAD_KEY_MESSAGE },
        ]));
      }

      const { pathname } = ctx.url;
      const method = ctx.call.method;
      const action = /^\/(v1beta|v1)\/models\/([^/:]+):([A-Za-z]+)$/.exec(pathname);
      if (method === 'POST' && action) {
        const model = decodeURIComponent(action[2] ?? '');
        switch (action[3]) {
          case 'generateContent':
            return generate(ctx, model, false, chunkDelayMs);
          case 'streamGenerateContent':
            return generate(ctx, model, true, chunkDelayMs);
          case 'countTokens':
            return countTokens(ctx);
          case 'embedContent':
            return embedContent(ctx, model);
          case 'batchEmbedContents':
            return batchEmbedContents(ctx, model);
          case 'predict':
            return predictImages(ctx, model);
          default:
            break;
        }
      }
      if (method === 'GET' && /^\/(v1beta|v1)\/models$/.test(pathname)) return listModels(ctx);
      const one = /^\/(v1beta|v1)\/models\/([^/:]+)$/.exec(pathname);
      if (method === 'GET' && one) {
        const id = decodeURIComponent(one[2] ?? '');
        const found = GEMINI_FAKE_MODELS.find((m) => m.id === id);
        if (found) return sendJson(ctx, 200, modelObject(found));
        return sendJson(ctx, 404, geminiError(404, `models/${id} is not found for API version ${pathname.split('/')[1]}, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`));
      }
      return sendJson(ctx, 404, geminiError(404, `Requested entity was not found.`));
    },
  });
}

/** A 1x1 PNG, what the fake's image models draw. */
export const FAKE_GEMINI_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
export const FAKE_GEMINI_IMAGE_USAGE = { promptTokenCount: 12, candidatesTokenCount: 1290, totalTokenCount: 1302 } as const;

/**
 * Image models (`gemini-2.5-flash-image`): with `responseModalities: ["IMAGE"]` the answer's parts are
 * inline images. https://ai.google.dev/gemini-api/docs/image-generation
 */
function imageAnswer(ctx: RequestContext, body: Record<string, unknown>): Promise<void> {
  const config = isRecord(body.generationConfig) ? body.generationConfig : {};
  const modalities = Array.isArray(config.responseModalities) ? config.responseModalities : [];
  const parts: unknown[] = modalities.includes('IMAGE') ? [{ inlineData: { mimeType: 'image/png', data: FAKE_GEMINI_PNG } }] : [{ text: 'I can only describe it.' }];
  return sendJson(ctx, 200, {
    candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }],
    usageMetadata: FAKE_GEMINI_IMAGE_USAGE,
    modelVersion: 'gemini-2.5-flash-image',
    responseId: 'fake-image-response',
  });
}

/** Dimensions of an embedding when `outputDimensionality` is not set (gemini-embedding-001's 3072). */
export const FAKE_GEMINI_EMBEDDING_DIMENSIONS = 3072;

/**
 * A deterministic embedding of a text: values in [-1, 1) that float32 holds exactly (multiples of 1/128),
 * so a vector sent on as base64 float32 reads back equal.
 */
export function fakeGeminiEmbedding(text: string, dimensions = FAKE_GEMINI_EMBEDDING_DIMENSIONS): number[] {
  const out: number[] = [];
  for (let counter = 0; out.length < dimensions; counter++) {
    for (const byte of createHash('sha256').update(`gemini:${counter}:${text}`).digest()) {
      if (out.length >= dimensions) break;
      out.push((byte - 128) / 128);
    }
  }
  return out;
}

/** One EmbedContentRequest's embedding, or the 400 Gemini answers for it. */
function embeddingOf(request: unknown, field: string): { values: number[] } | { error: string } {
  if (!isRecord(request) || !isRecord(request.content) || !Array.isArray(request.content.parts) || request.content.parts.length === 0)
    return { error: `* ${field}content: contents is not specified\n` };
  const text = request.content.parts.map((p: unknown) => (isRecord(p) && typeof p.text === 'string' ? p.text : '')).join('');
  const dims = request.outputDimensionality;
  if (dims !== undefined && (typeof dims !== 'number' || !Number.isInteger(dims) || dims <= 0))
    return { error: `Invalid value at '${field}output_dimensionality' (TYPE_INT32), ${JSON.stringify(dims)}` };
  return { values: fakeGeminiEmbedding(text, dims ?? FAKE_GEMINI_EMBEDDING_DIMENSIONS) };
}

/** POST models/{m}:embedContent: `{embedding: {values}}`; no token count, as the API answers. */
function embedContent(ctx: RequestContext, model: string): Promise<void> {
  if (!model.includes('embedding')) return sendJson(ctx, 404, geminiError(404, `models/${model} is not found for API version v1beta, or is not supported for embedContent. Call ListModels to see the list of available models and their supported methods.`));
  const made = embeddingOf(ctx.call.body, '');
  if ('error' in made) return sendJson(ctx, 400, geminiError(400, made.error));
  return sendJson(ctx, 200, { embedding: made });
}

/** POST models/{m}:batchEmbedContents: every request must name the URL's model; `{embeddings: [{values}]}` in order. */
function batchEmbedContents(ctx: RequestContext, model: string): Promise<void> {
  if (!model.includes('embedding')) return sendJson(ctx, 404, geminiError(404, `models/${model} is not found for API version v1beta, or is not supported for batchEmbedContents. Call ListModels to see the list of available models and their supported methods.`));
  const body: unknown = ctx.call.body;
  const requests = isRecord(body) && Array.isArray(body.requests) ? body.requests : [];
  if (requests.length === 0) return sendJson(ctx, 400, geminiError(400, '* BatchEmbedContentsRequest.requests: requests is not specified\n'));
  const embeddings: { values: number[] }[] = [];
  for (const [i, request] of requests.entries()) {
    const named = isRecord(request) ? request.model : undefined;
    if (named !== `models/${model}`)
      return sendJson(ctx, 400, geminiError(400, `* BatchEmbedContentsRequest.requests[${i}].model: unexpected model name format\n`));
    const made = embeddingOf(request, `requests[${i}].`);
    if ('error' in made) return sendJson(ctx, 400, geminiError(400, made.error));
    embeddings.push(made);
  }
  return sendJson(ctx, 200, { embeddings });
}

/**
 * POST models/imagen-…:predict: `instances[0].prompt`, `parameters.sampleCount` (1 to 4, default 4) images,
 * each `{bytesBase64Encoded, mimeType}` in `predictions`; no token count.
 */
function predictImages(ctx: RequestContext, model: string): Promise<void> {
  if (!model.startsWith('imagen-')) return sendJson(ctx, 400, geminiError(400, `* PredictRequest.model: ${model} is not a model that serves predict\n`));
  const body: unknown = ctx.call.body;
  const instance = isRecord(body) && Array.isArray(body.instances) && isRecord(body.instances[0]) ? body.instances[0] : undefined;
  if (!instance || typeof instance.prompt !== 'string' || instance.prompt === '') return sendJson(ctx, 400, geminiError(400, 'Invalid JSON payload received. instances[0].prompt is missing.'));
  const parameters = isRecord(body) && isRecord(body.parameters) ? body.parameters : {};
  const count = parameters.sampleCount ?? 4;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 4) return sendJson(ctx, 400, geminiError(400, 'Number of images must be between 1 and 4.'));
  return sendJson(ctx, 200, { predictions: Array.from({ length: count }, () => ({ bytesBase64Encoded: FAKE_GEMINI_PNG, mimeType: 'image/png' })) });
}
