import { z } from 'zod';
import { GatewayError } from './errors.js';
import type { Endpoint } from './protocol.js';
import { formatPath } from '../config/format-path.js';

/**
 * The client fields Switchboard acts on, validated strictly; every other
 * field passes through to the upstream untouched (loose objects).
 */
const openaiChat = z.looseObject({
  model: z.string().min(1),
  messages: z.array(z.unknown()).min(1),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
});

const openaiEmbeddings = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.unknown()).min(1)]),
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

const SCHEMAS = {
  chat: openaiChat,
  embeddings: openaiEmbeddings,
  messages: anthropicMessages,
  count_tokens: anthropicCountTokens,
} as const;

export type ClientBody = { model: string; stream?: boolean | null } & Record<string, unknown>;

/** Parses and validates a client's JSON body; a bad one becomes a 400 that names the field. */
export function parseClientBody(endpoint: Exclude<Endpoint, 'models'>, text: string): ClientBody {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new GatewayError('SB_ERR_BAD_REQUEST', 'request body is not valid JSON');
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw new GatewayError('SB_ERR_BAD_REQUEST', 'request body must be a JSON object');
  const parsed = SCHEMAS[endpoint].safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = formatPath(issue.path);
    const message = issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message;
    throw new GatewayError('SB_ERR_BAD_REQUEST', `${field}: ${message}`, field);
  }
  return json as ClientBody;
}
