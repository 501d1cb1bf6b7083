import type { Endpoint } from '../protocols/protocol.js';
import type { HttpClient } from './http.js';
import { ANTHROPIC_VERSION } from './anthropic.js';
import { joinUrl, sendJson, type ModelInfo, type Provider } from './provider.js';
import { arrayOf, recordOf, requestJson } from './upstream-json.js';

/**
 * An Ollama server: a local one (no credential) or Ollama's cloud
 * (https://ollama.com, an API key sent as Bearer). The base URL is the
 * server's root, without `/v1`: the OpenAI-compatible endpoints live under
 * `/v1`, the Anthropic-compatible `/v1/messages` beside them, and the native
 * model list at `/api/tags`.
 * @see https://docs.ollama.com/api/openai-compatibility
 * @see https://docs.ollama.com/api/anthropic-compatibility
 */
const PATHS: Partial<Record<Endpoint, string>> = {
  chat: '/v1/chat/completions',
  // Stateless Responses, since Ollama v0.13.3; older servers answer 404, which is learned (gateway/chat-fallback.ts).
  responses: '/v1/responses',
  embeddings: '/v1/embeddings',
  // Anthropic Messages, in recent versions; older servers answer 404, also learned, or `anthropicMessages: false`.
  messages: '/v1/messages',
  // Legacy text completions.
  completions: '/v1/completions',
  models: '/api/tags',
};

export function ollamaProvider(http: HttpClient): Provider {
  return {
    kind: 'ollama',
    // Chat and Responses as its `speaks` says, Messages unless `anthropicMessages: false` (routing/plan.ts).
    speaks: ['openai-chat', 'openai-responses', 'openai-embeddings', 'openai-completions', 'anthropic-messages'],
    endpoints: ['chat', 'responses', 'embeddings', 'completions', 'messages', 'models'],
    credentialOptional: true,
    send(call, signal) {
      const path = PATHS[call.endpoint];
      if (!path) throw new Error(`ollama upstreams do not serve ${call.endpoint}`);
      // The cloud takes its key as Bearer on every endpoint, /v1/messages included (not x-api-key).
      const auth: Record<string, string> = call.credential ? { authorization: `Bearer ${call.credential}` } : {};
      if (call.endpoint === 'messages' && !call.headers['anthropic-version'] && !call.upstream.headers['anthropic-version'])
        auth['anthropic-version'] = ANTHROPIC_VERSION;
      return sendJson(http, call, joinUrl(call.upstream.baseUrl ?? OLLAMA_BASE_URL, path), auth, signal);
    },
    /**
     * The native list, `GET /api/tags`: every Ollama version has it, local
     * servers list the models pulled there and the cloud its own.
     * @see https://docs.ollama.com/api/tags
     */
    async listModels(upstream, credential, signal) {
      const headers: Record<string, string> = credential ? { authorization: `Bearer ${credential}` } : {};
      const list = recordOf(await requestJson(http, upstream, { url: joinUrl(upstream.baseUrl ?? OLLAMA_BASE_URL, '/api/tags'), headers }, signal));
      return arrayOf(list.models).flatMap((entry): ModelInfo[] => {
        const m = recordOf(entry);
        const id = typeof m.model === 'string' && m.model !== '' ? m.model : m.name;
        return typeof id === 'string' && id !== '' ? [{ id, ownedBy: 'ollama' }] : [];
      });
    },
  };
}

/** Where `ollama serve` listens by default (https://docs.ollama.com/faq: OLLAMA_HOST, 127.0.0.1:11434). */
export const OLLAMA_BASE_URL = 'http://127.0.0.1:11434';
