import type { Endpoint, ErrorShape, Protocol } from './protocol.js';

/** One thing a client can ask for: which protocol it speaks and which endpoint of it. */
export interface Operation {
  protocol: Protocol;
  endpoint: Endpoint;
  /** The error shape the client's SDK understands. */
  shape: ErrorShape;
}

export const OPERATIONS = {
  chat: { protocol: 'openai-chat', endpoint: 'chat', shape: 'openai' },
  responses: { protocol: 'openai-responses', endpoint: 'responses', shape: 'openai' },
  compact: { protocol: 'openai-responses', endpoint: 'compact', shape: 'openai' },
  embeddings: { protocol: 'openai-embeddings', endpoint: 'embeddings', shape: 'openai' },
  messages: { protocol: 'anthropic-messages', endpoint: 'messages', shape: 'anthropic' },
  anthropicCountTokens: { protocol: 'anthropic-messages', endpoint: 'count_tokens', shape: 'anthropic' },
  geminiGenerate: { protocol: 'gemini', endpoint: 'generate', shape: 'gemini' },
  geminiCountTokens: { protocol: 'gemini', endpoint: 'count_tokens', shape: 'gemini' },
} as const satisfies Record<string, Operation>;

/** The endpoint that generates answers in each protocol. */
export const GENERATE_ENDPOINT: Record<Protocol, Endpoint> = {
  'openai-chat': 'chat',
  'openai-responses': 'responses',
  'openai-embeddings': 'embeddings',
  'anthropic-messages': 'messages',
  gemini: 'generate',
};

/** Protocols that translate through the IR (embeddings only pass through). */
export const TRANSLATABLE: readonly Protocol[] = ['openai-chat', 'openai-responses', 'anthropic-messages', 'gemini'];
