/**
 * Wire API shapes (DESIGN.md, "Words"). A client speaks one; an upstream
 * speaks one or more. When they differ, translate/ goes through the IR.
 */
export type Protocol =
  | 'openai-chat'
  | 'openai-responses'
  | 'openai-embeddings'
  /** OpenAI's legacy text completions (`POST /v1/completions`). */
  | 'openai-completions'
  | 'anthropic-messages'
  | 'gemini';

/** What a client asked for: one operation in one protocol. */
export type Endpoint =
  | 'chat'
  | 'responses'
  | 'compact'
  | 'embeddings'
  /** OpenAI's legacy text completions, `/completions`. */
  | 'completions'
  | 'messages'
  | 'generate'
  | 'count_tokens'
  | 'models';

/** Which error shape a client expects back. */
export type ErrorShape = 'openai' | 'anthropic' | 'gemini';

