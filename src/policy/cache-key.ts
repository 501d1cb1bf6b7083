import type { Endpoint, Protocol } from '../protocols/protocol.js';

/**
 * Fields left out of the cache key because they only label a request for
 * the vendor's records: the answer neither depends on them nor carries them
 * back. OpenAI Responses is absent on purpose: its response object echoes
 * `user`, `metadata` and the rest, so two requests differing there get
 * different bytes back. `stream` goes for every protocol: whether the answer
 * streams is a part of the key of its own.
 */
const LABEL_FIELDS: Partial<Record<Protocol, readonly string[]>> = {
  'openai-chat': ['user', 'metadata', 'safety_identifier', 'prompt_cache_key'],
  'openai-embeddings': ['user'],
  'openai-completions': ['user'],
  'anthropic-messages': ['metadata'],
};

export interface CacheKeyInput {
  protocol: Protocol;
  endpoint: Endpoint;
  /** The public model id the client asked for. */
  model: string;
  stream: boolean;
  /** `key:<id>` or `group:<name>`: answers are never shared outside it. */
  scope: string;
  /** The client's parsed JSON body. */
  body: Record<string, unknown>;
  /** The client's `x-switchboard-cache-key`: replaces the body in the key, nothing else. */
  customKey: string | null;
  /** The client's request headers; those in ANSWER_HEADERS are part of the key. */
  headers?: { get(name: string): string | null };
}

/**
 * Forwarded headers that change the answer: Anthropic's API version and beta
 * features, and the OpenAI organization and project billed (and so the models
 * and limits in force). Two requests that differ in them never share an entry.
 */
const ANSWER_HEADERS = ['anthropic-version', 'anthropic-beta', 'openai-organization', 'openai-project'];

/**
 * The cache key: SHA-256 (WebCrypto) of the normalized request together with
 * everything that changes the bytes stored for it (the client's protocol and
 * endpoint, the public model, streaming or not) and the scope.
 */
export async function cacheKeyHash(input: CacheKeyInput): Promise<string> {
  const request = input.customKey === null ? { body: normalizedBody(input.protocol, input.body) } : { custom: input.customKey };
  const text = canonicalJson({
    v: 1,
    scope: input.scope,
    protocol: input.protocol,
    endpoint: input.endpoint,
    model: input.model,
    stream: input.stream,
    ...request,
    ...headerPart(input.headers),
  });
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The answer-changing headers present, lower-cased; nothing when there are none (keys stay as they were). */
function headerPart(headers: CacheKeyInput['headers']): { headers?: Record<string, string> } {
  if (!headers) return {};
  const found: Record<string, string> = {};
  for (const name of ANSWER_HEADERS) {
    const value = headers.get(name);
    if (value !== null) found[name] = value;
  }
  return Object.keys(found).length > 0 ? { headers: found } : {};
}

/** The body without the fields that do not change the answer. */
export function normalizedBody(protocol: Protocol, body: Record<string, unknown>): Record<string, unknown> {
  const dropped = new Set(['stream', ...(LABEL_FIELDS[protocol] ?? [])]);
  return Object.fromEntries(Object.entries(body).filter(([name]) => !dropped.has(name)));
}

/** JSON with every object's keys sorted, so key order in the client's body does not matter; arrays keep theirs. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((name) => [name, sortKeys(record[name])]),
  );
}
