/**
 * Wire API shapes (DESIGN.md, "Words"). A client speaks one; an upstream
 * speaks one or more. When they differ, translate/ goes through the IR.
 */
export type Protocol = 'openai-chat' | 'openai-responses' | 'openai-embeddings' | 'anthropic-messages' | 'gemini';

/** What a client asked for: one operation in one protocol. */
export type Endpoint = 'chat' | 'responses' | 'compact' | 'embeddings' | 'messages' | 'generate' | 'count_tokens' | 'models';

/** Which error shape a client expects back. */
export type ErrorShape = 'openai' | 'anthropic' | 'gemini';

