import type { Endpoint } from '../protocols/protocol.js';
import type { HttpClient } from './http.js';
import { joinUrl, type Provider } from './provider.js';

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
      const headers: Record<string, string> = { ...call.headers, ...call.upstream.headers };
      if (call.credential) headers.authorization = `Bearer ${call.credential}`;
      if (call.body !== undefined) headers['content-type'] = 'application/json';
      return http({
        url: joinUrl(call.upstream.baseUrl ?? '', path),
        method: call.body === undefined ? 'GET' : 'POST',
        headers,
        body: call.body,
        signal,
        timeouts: call.upstream.timeouts,
      });
    },
  };
}
