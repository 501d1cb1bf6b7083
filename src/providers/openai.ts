import type { Endpoint } from '../protocols/protocol.js';
import type { HttpClient } from './http.js';
import { credentialHeaders, joinUrl, sendJson, type ModelInfo, type Provider } from './provider.js';
import type { UpstreamRecord } from '../store/types.js';
import { arrayOf, recordOf, requestJson } from './upstream-json.js';

/**
 * Any OpenAI-compatible endpoint. The base URL includes the version path
 * (`https://api.openai.com/v1`), as the OpenAI SDKs expect.
 * @see https://platform.openai.com/docs/api-reference/chat
 */
const PATHS: Partial<Record<Endpoint, string>> = {
  chat: '/chat/completions',
  responses: '/responses',
  // https://platform.openai.com/docs/api-reference/responses/compact
  compact: '/responses/compact',
  embeddings: '/embeddings',
  // https://platform.openai.com/docs/api-reference/completions
  completions: '/completions',
  // https://platform.openai.com/docs/api-reference/images
  images: '/images/generations',
  image_edits: '/images/edits',
  // https://platform.openai.com/docs/api-reference/audio
  transcriptions: '/audio/transcriptions',
  translations: '/audio/translations',
  speech: '/audio/speech',
  models: '/models',
};

/** Where an endpoint is on this server: its `paths` setting (a compatible server's own paths), else OpenAI's. */
function pathOf(upstream: UpstreamRecord, endpoint: Endpoint): string | undefined {
  const own = upstream.settings?.paths;
  return (own && endpoint in own ? own[endpoint as keyof typeof own] : undefined) ?? PATHS[endpoint];
}

export function openaiProvider(http: HttpClient): Provider {
  return {
    kind: 'openai',
    // Which of chat / responses one upstream serves is its `speaks` setting (routing/plan.ts);
    // legacy completions are asked for until a server turns out not to serve them (gateway/chat-fallback.ts).
    speaks: ['openai-chat', 'openai-responses', 'openai-embeddings', 'openai-completions', 'openai-images', 'openai-audio'],
    endpoints: ['chat', 'responses', 'compact', 'embeddings', 'completions', 'rerank', 'images', 'image_edits', 'transcriptions', 'translations', 'speech', 'models'],
    send(call, signal) {
      // Rerank, on a server that has it: the path its `rerank` setting names (routing/plan.ts only routes rerank here then).
      const path = call.endpoint === 'rerank' ? call.upstream.settings?.rerank?.path : pathOf(call.upstream, call.endpoint);
      if (!path) throw new Error(`openai upstreams do not serve ${call.endpoint}`);
      const auth = credentialHeaders(call.upstream.settings?.authHeader, 'bearer', call.credential);
      return sendJson(http, call, joinUrl(call.upstream.baseUrl ?? '', path), auth, signal);
    },
    async listModels(upstream, credential, signal) {
      const auth = credentialHeaders(upstream.settings?.authHeader, 'bearer', credential);
      const list = await requestJson(http, upstream, { url: joinUrl(upstream.baseUrl ?? '', pathOf(upstream, 'models') ?? '/models'), headers: auth }, signal);
      return openaiModelList(list);
    },
  };
}

/**
 * OpenAI's `{object: "list", data: [{id, owned_by}]}`, which Azure and
 * Copilot answer in too.
 * @see https://platform.openai.com/docs/api-reference/models/list
 */
export function openaiModelList(list: unknown): ModelInfo[] {
  return arrayOf(recordOf(list).data).flatMap((entry) => {
    const m = recordOf(entry);
    if (typeof m.id !== 'string' || m.id === '') return [];
    return [typeof m.owned_by === 'string' ? { id: m.id, ownedBy: m.owned_by } : { id: m.id }];
  });
}
