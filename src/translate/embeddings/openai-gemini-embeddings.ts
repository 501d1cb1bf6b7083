import { GatewayError } from '../../protocols/errors.js';
import { floatsToBase64 } from './float-base64.js';

/**
 * Embeddings between OpenAI's shape and Gemini's, both ways, outside the chat
 * IR (an embedding has no turns): OpenAI's `POST /v1/embeddings` asked of a
 * Gemini embedding model through `models/{m}:batchEmbedContents`, and
 * Gemini's `:embedContent` / `:batchEmbedContents` asked of an
 * OpenAI-compatible `/embeddings`. `dimensions` is `outputDimensionality`;
 * OpenAI's `encoding_format: "base64"` (what the openai SDK asks for by
 * default) is made here from Gemini's floats, as little-endian float32.
 * Gemini's embedding answers carry no token count: the caller estimates it.
 * @see https://ai.google.dev/api/embeddings
 * @see https://platform.openai.com/docs/api-reference/embeddings/create
 * @see https://platform.openai.com/docs/api-reference/embeddings/object
 */

type Json = Record<string, unknown>;

/** One of the Gemini methods an embeddings call goes to. */
export type GeminiEmbedMethod = 'embedContent' | 'batchEmbedContents';

export interface EmbeddingsTranslation {
  body: string;
  /** The client's texts, in order (token estimates when the answer has none). */
  texts: string[];
  /** Client fields the other side has no counterpart for, left out. */
  warnings: string[];
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function badField(field: string, message: string): GatewayError {
  return new GatewayError('SB_ERR_BAD_REQUEST', `${field}: ${message}`, field);
}

/** OpenAI's `input` as texts: a string or an array of strings; token ids (arrays of integers) are refused, Gemini takes text only. */
export function openaiInputTexts(input: unknown): string[] {
  if (typeof input === 'string') return [input];
  if (Array.isArray(input) && input.length > 0 && input.every((x) => typeof x === 'string')) return input as string[];
  if (Array.isArray(input) && input.some((x) => typeof x === 'number' || Array.isArray(x)))
    throw badField('input', 'token ids are not supported by this model (a Gemini embedding model takes text): send the input as a string or an array of strings');
  throw badField('input', 'must be a string or a non-empty array of strings');
}

/** `dimensions` / `outputDimensionality`: a positive integer when given. */
function dimensionsOf(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) throw badField(field, 'must be a positive integer');
  return value;
}

/** An OpenAI embeddings body as Gemini's `batchEmbedContents` body for `upstreamModel`: one request per input. */
export function geminiEmbedRequest(json: Json, upstreamModel: string): EmbeddingsTranslation {
  const texts = openaiInputTexts(json.input);
  const dimensions = dimensionsOf(json.dimensions, 'dimensions');
  const format = json.encoding_format;
  if (format !== undefined && format !== null && format !== 'float' && format !== 'base64') throw badField('encoding_format', 'must be "float" or "base64"');
  const model = /^(models|tunedModels)\//.test(upstreamModel) ? upstreamModel : `models/${upstreamModel}`;
  const requests = texts.map((text) => ({ model, content: { parts: [{ text }] }, ...(dimensions ? { outputDimensionality: dimensions } : {}) }));
  const warnings = json.user !== undefined ? ['user is not sent to Gemini embedding models'] : [];
  return { body: JSON.stringify({ requests }), texts, warnings };
}

/** Gemini's `batchEmbedContents` answer (`embeddings[].values`) as OpenAI's list, floats or base64 as the client asked. */
export function openaiEmbeddingsAnswer(answer: unknown, asked: Json, model: string, promptTokens: number): Json {
  const embeddings = isRecord(answer) && Array.isArray(answer.embeddings) ? answer.embeddings : [];
  const base64 = asked.encoding_format === 'base64';
  return {
    object: 'list',
    data: embeddings.map((entry, index) => {
      const values = valuesOf(entry);
      return { object: 'embedding', index, embedding: base64 ? floatsToBase64(values) : values };
    }),
    model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}

function valuesOf(entry: unknown): number[] {
  return isRecord(entry) && Array.isArray(entry.values) ? entry.values.filter((v): v is number => typeof v === 'number') : [];
}

/** The text of one Gemini `content`: its text parts joined; other parts (inline data) are refused, an OpenAI-compatible server embeds text. */
function contentText(content: unknown, field: string): string {
  if (!isRecord(content) || !Array.isArray(content.parts) || content.parts.length === 0) throw badField(field, 'must be a Content with text parts');
  return content.parts
    .map((part, i) => {
      if (isRecord(part) && typeof part.text === 'string') return part.text;
      throw badField(`${field}.parts[${i}]`, 'only text parts can be embedded by this model');
    })
    .join('\n');
}

/**
 * A Gemini embedding body (`:embedContent`'s one request, or
 * `:batchEmbedContents`' `requests[]`) as an OpenAI `/embeddings` body: one
 * input per request, asked as floats. `outputDimensionality` must agree
 * across a batch (OpenAI takes one `dimensions`); `taskType` and `title` have
 * no counterpart and are left out.
 */
export function openaiEmbedRequest(json: Json, method: GeminiEmbedMethod, upstreamModel: string): EmbeddingsTranslation {
  const requests: { request: Json; field: string }[] =
    method === 'embedContent' ? [{ request: json, field: '' }] : (json.requests as Json[]).map((request, i) => ({ request, field: `requests[${i}].` }));
  const texts = requests.map(({ request, field }) => contentText(request.content, `${field}content`));
  const dimensions = new Set(requests.map(({ request, field }) => dimensionsOf(request.outputDimensionality, `${field}outputDimensionality`)));
  if (dimensions.size > 1) throw badField('requests', 'every request of a batch must ask for the same outputDimensionality on this model');
  const [dimension] = dimensions;
  const warnings: string[] = [];
  if (requests.some(({ request }) => request.taskType !== undefined)) warnings.push('taskType has no OpenAI counterpart and was left out');
  if (requests.some(({ request }) => request.title !== undefined)) warnings.push('title has no OpenAI counterpart and was left out');
  const body = { model: upstreamModel, input: texts, encoding_format: 'float', ...(dimension ? { dimensions: dimension } : {}) };
  return { body: JSON.stringify(body), texts, warnings };
}

/** An OpenAI embeddings answer in Gemini's shape: `{embedding: {values}}` for `:embedContent`, `{embeddings: [{values}]}` for the batch. */
export function geminiEmbeddingsAnswer(answer: unknown, method: GeminiEmbedMethod): Json {
  const data = isRecord(answer) && Array.isArray(answer.data) ? answer.data.filter(isRecord) : [];
  // In `index` order: the list is in input order, but an answer that says otherwise is believed.
  const ordered = [...data].sort((a, b) => Number(a.index ?? 0) - Number(b.index ?? 0));
  const embeddings = ordered.map((entry) => ({ values: Array.isArray(entry.embedding) ? entry.embedding : [] }));
  return method === 'embedContent' ? { embedding: embeddings[0] ?? { values: [] } } : { embeddings };
}

/** The texts of a Gemini embedding body, for estimating its tokens: each request's text parts (other parts count nothing here). */
export function geminiEmbedTexts(json: Json, method: GeminiEmbedMethod): string[] {
  const requests = method === 'embedContent' ? [json] : Array.isArray(json.requests) ? json.requests : [];
  return requests.map((request) => {
    const parts = isRecord(request) && isRecord(request.content) && Array.isArray(request.content.parts) ? request.content.parts : [];
    return parts.map((part) => (isRecord(part) && typeof part.text === 'string' ? part.text : '')).join('\n');
  });
}

/** A Gemini batch body with each request naming `upstreamModel`, as `:batchEmbedContents` requires of every request (the URL's model). */
export function geminiBatchForModel(json: Json, upstreamModel: string): Json {
  if (!Array.isArray(json.requests)) return json;
  const model = /^(models|tunedModels)\//.test(upstreamModel) ? upstreamModel : `models/${upstreamModel}`;
  return { ...json, requests: json.requests.map((request) => (isRecord(request) ? { ...request, model } : request)) };
}
