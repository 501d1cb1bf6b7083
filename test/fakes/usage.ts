// Deterministic token accounting reported by the fakes. The numbers do NOT
// depend on the request text, so tests can assert exact values.
export const FAKE_USAGE = {
  openai: {
    /** `usage` of every successful /v1/chat/completions reply (non-stream body, and the
     *  final `choices: []` chunk of a stream when stream_options.include_usage is true). */
    chat: {
      prompt_tokens: 11,
      completion_tokens: 7,
      total_tokens: 18,
      prompt_tokens_details: { cached_tokens: 3, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 2,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    },
    /** `usage` of every successful /v1/completions reply (whole, or the last `choices: []` chunk of a stream with include_usage). */
    completions: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 },
    /** /v1/embeddings: usage.prompt_tokens = usage.total_tokens = 4 * number of inputs. */
    embeddingTokensPerInput: 4,
    /** Embedding length when the request has no `dimensions`. */
    embeddingDimensions: 8,
  },
  anthropic: {
    /** `usage` of every successful non-stream /v1/messages reply. */
    messages: {
      input_tokens: 13,
      output_tokens: 9,
      cache_creation_input_tokens: 5,
      cache_read_input_tokens: 4,
    },
    /** Streams: message_start carries input/cache fields above with output_tokens = 1;
     *  message_delta carries usage { output_tokens: 9 } (the final count, not an increment). */
    streamStartOutputTokens: 1,
    /** /v1/messages/count_tokens reply: { input_tokens: 21 }. */
    countTokens: 21,
  },
} as const;
