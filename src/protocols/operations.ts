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
  completions: { protocol: 'openai-completions', endpoint: 'completions', shape: 'openai' },
  imageGenerations: { protocol: 'openai-images', endpoint: 'images', shape: 'openai' },
  imageEdits: { protocol: 'openai-images', endpoint: 'image_edits', shape: 'openai' },
  transcriptions: { protocol: 'openai-audio', endpoint: 'transcriptions', shape: 'openai' },
  translations: { protocol: 'openai-audio', endpoint: 'translations', shape: 'openai' },
  speech: { protocol: 'openai-audio', endpoint: 'speech', shape: 'openai' },
  messages: { protocol: 'anthropic-messages', endpoint: 'messages', shape: 'anthropic' },
  anthropicCountTokens: { protocol: 'anthropic-messages', endpoint: 'count_tokens', shape: 'anthropic' },
  geminiGenerate: { protocol: 'gemini', endpoint: 'generate', shape: 'gemini' },
  geminiCountTokens: { protocol: 'gemini', endpoint: 'count_tokens', shape: 'gemini' },
  /** `:embedContent` and `:batchEmbedContents` (gateway/embeddings.ts). */
  geminiEmbed: { protocol: 'gemini', endpoint: 'embeddings', shape: 'gemini' },
  cohereV1Rerank: { protocol: 'rerank-cohere-v1', endpoint: 'rerank', shape: 'cohere' },
  cohereV2Rerank: { protocol: 'rerank-cohere-v2', endpoint: 'rerank', shape: 'cohere' },
  jinaRerank: { protocol: 'rerank-jina', endpoint: 'rerank', shape: 'jina' },
  voyageRerank: { protocol: 'rerank-voyage', endpoint: 'rerank', shape: 'voyage' },
} as const satisfies Record<string, Operation>;

/** The endpoint that generates answers in each protocol. */
export const GENERATE_ENDPOINT: Record<Protocol, Endpoint> = {
  'openai-chat': 'chat',
  'openai-responses': 'responses',
  'openai-embeddings': 'embeddings',
  'openai-completions': 'completions',
  'openai-images': 'images',
  'openai-audio': 'transcriptions',
  'anthropic-messages': 'messages',
  gemini: 'generate',
  'rerank-cohere-v1': 'rerank',
  'rerank-cohere-v2': 'rerank',
  'rerank-jina': 'rerank',
  'rerank-voyage': 'rerank',
};

/**
 * Protocols an upstream can be asked in through the IR: the first of these
 * an upstream speaks is where other clients are translated to.
 */
export const TRANSLATION_TARGETS: readonly Protocol[] = ['openai-chat', 'openai-responses', 'anthropic-messages', 'gemini'];

/**
 * Protocols whose clients can be translated through the IR: the targets, and
 * legacy completions, which is only ever translated from (an upstream that
 * serves it gets it passed through; nothing is translated to it).
 * Embeddings translate only between OpenAI's and Gemini's embeddings
 * (translate/embeddings/), never through the IR.
 */
export const TRANSLATABLE: readonly Protocol[] = [...TRANSLATION_TARGETS, 'openai-completions'];

/**
 * The rerank dialects. A client of one is served by an upstream that speaks
 * it (passed through) or, translated by translate/rerank/, by the first
 * rerank dialect the upstream speaks; never through the chat IR.
 */
export const RERANK_PROTOCOLS: readonly Protocol[] = ['rerank-cohere-v2', 'rerank-cohere-v1', 'rerank-jina', 'rerank-voyage'];

export function isRerank(protocol: Protocol): boolean {
  return RERANK_PROTOCOLS.includes(protocol);
}
