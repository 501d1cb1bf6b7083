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
  /** OpenAI's images API: generations (JSON) and edits (multipart). */
  | 'openai-images'
  /** OpenAI's audio API: transcriptions and translations (multipart), speech (JSON in, audio out). */
  | 'openai-audio'
  | 'anthropic-messages'
  | 'gemini'
  /** Rerank dialects (translate/rerank/): Cohere's v1 and v2, Jina's and Voyage's. They translate only among themselves. */
  | 'rerank-cohere-v1'
  | 'rerank-cohere-v2'
  | 'rerank-jina'
  | 'rerank-voyage';

/** What a client asked for: one operation in one protocol. */
export type Endpoint =
  | 'chat'
  | 'responses'
  | 'compact'
  | 'embeddings'
  /** OpenAI's legacy text completions, `/completions`. */
  | 'completions'
  /** `/images/generations`, `/images/edits`. */
  | 'images'
  | 'image_edits'
  /** `/audio/transcriptions`, `/audio/translations`, `/audio/speech`. */
  | 'transcriptions'
  | 'translations'
  | 'speech'
  | 'messages'
  | 'generate'
  | 'count_tokens'
  /** Rerank, in whichever dialect the protocol names. */
  | 'rerank'
  | 'models';

/** Which error shape a client expects back. */
export type ErrorShape = 'openai' | 'anthropic' | 'gemini' | 'cohere' | 'jina' | 'voyage';

