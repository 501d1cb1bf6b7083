import { z } from 'zod';
import { GatewayError } from './errors.js';
import type { Operation } from './operations.js';
import { formatPath } from './format-path.js';
import { describeIssue } from './field-issue.js';
import { jsonShapeMessage, jsonShapeProblem } from './json-limits.js';
import { cohereV1Rerank, cohereV2Rerank, jinaRerank, voyageRerank } from './rerank.js';

/**
 * The client fields Switchboard itself acts on (model, streaming), checked
 * before routing; every other field passes through to the upstream untouched
 * or, when the shapes differ, is checked by the codec that translates it.
 */
const openaiChat = z.looseObject({
  model: z.string().min(1),
  messages: z.array(z.unknown()).min(1),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
});

const openaiResponses = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.unknown())]).optional(),
  stream: z.boolean().nullish(),
  // Expanded from the key's stored responses (stored-responses/response-state.ts), which also decides on `store`.
  previous_response_id: z.string().min(1).nullish(),
  store: z.boolean().nullish(),
  // The Conversations API is not served; stored responses chain by previous_response_id.
  conversation: z
    .unknown()
    .refine(
      (v) => v === undefined || v === null,
      'not supported: Switchboard does not serve the Conversations API; chain turns with previous_response_id (a key with stored responses) or send the whole conversation in `input`',
    )
    .optional(),
});

const openaiEmbeddings = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.unknown()).min(1)]),
});

/**
 * Legacy text completions: `prompt` is a string, an array of strings, or
 * token ids (an array of integers, or of such arrays).
 * @see https://platform.openai.com/docs/api-reference/completions/create
 */
const openaiCompletions = z.looseObject({
  model: z.string().min(1),
  prompt: z.union([z.string(), z.array(z.string()), z.array(z.number().int()), z.array(z.array(z.number().int()))]),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
});

const anthropicMessages = z.looseObject({
  model: z.string().min(1),
  messages: z.array(z.unknown()),
  max_tokens: z.number().int().positive(),
  stream: z.boolean().nullish(),
});

const anthropicCountTokens = z.looseObject({
  model: z.string().min(1),
  messages: z.array(z.unknown()),
});

const geminiGenerate = z.looseObject({
  contents: z.array(z.unknown()),
});

const geminiCountTokens = z.looseObject({
  contents: z.array(z.unknown()).optional(),
  generateContentRequest: z.looseObject({ contents: z.array(z.unknown()) }).optional(),
});

/**
 * Gemini's embeddings: `:embedContent` takes one `content`,
 * `:batchEmbedContents` a list of `requests` (which of the two the method
 * needs is checked by gateway/embeddings.ts, which knows the method).
 * @see https://ai.google.dev/api/embeddings
 */
const geminiContent = z.looseObject({ parts: z.array(z.unknown()).min(1) });
const geminiEmbed = z.looseObject({
  content: geminiContent.optional(),
  requests: z.array(z.looseObject({ content: geminiContent })).min(1).optional(),
});

function geminiSchema(op: Operation): z.ZodType {
  switch (op.endpoint) {
    case 'count_tokens':
      return geminiCountTokens;
    case 'embeddings':
      return geminiEmbed;
    default:
      return geminiGenerate;
  }
}

function schemaFor(op: Operation): z.ZodType {
  switch (op.protocol) {
    case 'openai-chat':
      return openaiChat;
    case 'openai-responses':
      return openaiResponses;
    case 'openai-embeddings':
      return openaiEmbeddings;
    case 'openai-completions':
      return openaiCompletions;
    case 'anthropic-messages':
      return op.endpoint === 'count_tokens' ? anthropicCountTokens : anthropicMessages;
    case 'gemini':
      return geminiSchema(op);
    case 'rerank-cohere-v1':
      return cohereV1Rerank;
    case 'rerank-cohere-v2':
      return cohereV2Rerank;
    case 'rerank-jina':
      return jinaRerank;
    case 'rerank-voyage':
      return voyageRerank;
    case 'openai-images':
    case 'openai-audio':
      throw new Error('image and audio bodies are read by protocols/media-requests.ts');
    default:
      return op.protocol satisfies never;
  }
}

export interface ClientBody {
  /** The parsed JSON body, untouched. */
  json: Record<string, unknown>;
  /** The public model id asked for (from the body, or for Gemini from the URL). */
  model: string;
  stream: boolean;
  /** Seconds of audio uploaded (transcriptions and translations), for the reservation made before the call. */
  audioSeconds?: number;
  /** A prompt template's call (`POST /v1/prompts/{name}`): the template asked for; `json` is its rendered Chat Completions body. */
  prompt?: { name: string; version: number };
}

/** What the URL says, for protocols that put the model and streaming there (Gemini). */
export interface UrlHints {
  model?: string;
  stream?: boolean;
  /** Gemini's `:streamGenerateContent` without `alt=sse`: the stream is answered as one JSON array. */
  jsonArray?: boolean;
}

/** Parses and checks a client's JSON body; a bad one becomes a 400 that names the field. */
export function parseClientBody(op: Operation, text: string, hints: UrlHints = {}): ClientBody {
  // Depth and size of the structure, checked before anything walks it (protocols/json-limits.ts).
  const tooBig = jsonShapeProblem(text);
  if (tooBig) throw new GatewayError('SB_ERR_BAD_REQUEST', jsonShapeMessage(tooBig));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new GatewayError('SB_ERR_BAD_REQUEST', 'request body is not valid JSON');
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw new GatewayError('SB_ERR_BAD_REQUEST', 'request body must be a JSON object');
  const parsed = schemaFor(op).safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = formatPath(issue.path);
    throw new GatewayError('SB_ERR_BAD_REQUEST', `${field}: ${describeIssue(issue, json)}`, field);
  }
  const body = json as Record<string, unknown>;
  const model = hints.model ?? (body.model as string);
  const stream = hints.stream ?? body.stream === true;
  return { json: body, model, stream };
}
