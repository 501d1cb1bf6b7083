import type { Endpoint } from '../protocols/protocol.js';
import type { HttpClient } from './http.js';
import { joinUrl, sendJson, type Provider } from './provider.js';

/**
 * Any OpenAI-compatible endpoint. The base URL includes the version path
 * (`https://api.openai.com/v1`), as the OpenAI SDKs expect.
 * @see https://platform.openai.com/docs/api-reference/chat
 */
const PATHS: Partial<Record<Endpoint, string>> = {
  chat: '/chat/completions',
  responses: '/responses',
  embeddings: '/embeddings',
  models: '/models',
};

export function openaiProvider(http: HttpClient): Provider {
  return {
    kind: 'openai',
    // Which of chat / responses one upstream serves is its `speaks` setting (routing/plan.ts).
    speaks: ['openai-chat', 'openai-responses', 'openai-embeddings'],
    endpoints: ['chat', 'responses', 'embeddings', 'models'],
    send(call, signal) {
      const path = PATHS[call.endpoint];
      if (!path) throw new Error(`openai upstreams do not serve ${call.endpoint}`);
      const auth: Record<string, string> = call.credential ? { authorization: `Bearer ${call.credential}` } : {};
      return sendJson(http, call, joinUrl(call.upstream.baseUrl ?? '', path), auth, signal);
    },
  };
}
