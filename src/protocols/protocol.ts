/**
 * Wire API shapes (DESIGN.md, "Words"). This issue serves the OpenAI and
 * Anthropic shapes by pass-through; Responses, Gemini and translation come next.
 */
export type Protocol = 'openai-chat' | 'openai-embeddings' | 'anthropic-messages';

/** What a client asked for: one operation in one protocol. */
export type Endpoint = 'chat' | 'embeddings' | 'messages' | 'count_tokens' | 'models';

/** Which error shape a client expects back. */
export type ErrorShape = 'openai' | 'anthropic';

export const PROTOCOL_OF: Record<Exclude<Endpoint, 'models'>, Protocol> = {
  chat: 'openai-chat',
  embeddings: 'openai-embeddings',
  messages: 'anthropic-messages',
  count_tokens: 'anthropic-messages',
};
