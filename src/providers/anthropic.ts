import type { Endpoint } from '../protocols/protocol.js';
import type { UpstreamRecord } from '../store/types.js';
import type { HttpClient } from './http.js';
import { joinUrl, sendJson, type ModelInfo, type Provider } from './provider.js';
import { arrayOf, recordOf, requestJson } from './upstream-json.js';

/**
 * The Anthropic Messages API. `anthropic-version` and `anthropic-beta` come
 * from the client when it sends them; the version defaults to the one below.
 * @see https://docs.anthropic.com/en/api/versioning
 */
export const ANTHROPIC_VERSION = '2023-06-01';

const PATHS: Partial<Record<Endpoint, string>> = {
  messages: '/v1/messages',
  count_tokens: '/v1/messages/count_tokens',
  models: '/v1/models',
};

export function anthropicProvider(http: HttpClient): Provider {
  return {
    kind: 'anthropic',
    speaks: ['anthropic-messages'],
    endpoints: ['messages', 'count_tokens', 'models'],
    send(call, signal) {
      const path = PATHS[call.endpoint];
      if (!path) throw new Error(`anthropic upstreams do not serve ${call.endpoint}`);
      // https://docs.anthropic.com/en/api/overview#authentication
      const auth: Record<string, string> = call.credential ? { 'x-api-key': call.credential } : {};
      // The client's anthropic-version (and anthropic-beta) pass through; the default fills a gap.
      if (!call.headers['anthropic-version'] && !call.upstream.headers['anthropic-version']) auth['anthropic-version'] = ANTHROPIC_VERSION;
      return sendJson(http, call, joinUrl(call.upstream.baseUrl ?? '', path), auth, signal);
    },
    listModels(upstream, credential, signal) {
      const headers: Record<string, string> = { 'anthropic-version': upstream.headers['anthropic-version'] ?? ANTHROPIC_VERSION };
      if (credential) headers['x-api-key'] = credential;
      return listAnthropicModels(http, upstream, headers, signal);
    },
  };
}

/**
 * GET /v1/models, a page at a time: `limit` up to 1000, the next page
 * asked for with `after_id` = the previous page's `last_id` while `has_more`.
 * `headers` carry the auth (an API key, or claude-code's bearer token).
 * @see https://docs.anthropic.com/en/api/models-list
 */
export async function listAnthropicModels(http: HttpClient, upstream: UpstreamRecord, headers: Record<string, string>, signal: AbortSignal): Promise<ModelInfo[]> {
  const models: ModelInfo[] = [];
  let after: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const query = new URLSearchParams({ limit: '1000', ...(after ? { after_id: after } : {}) });
    const answer = recordOf(await requestJson(http, upstream, { url: joinUrl(upstream.baseUrl ?? '', `/v1/models?${query}`), headers }, signal));
    for (const entry of arrayOf(answer.data)) {
      const id = recordOf(entry).id;
      if (typeof id === 'string' && id !== '') models.push({ id, ownedBy: 'anthropic' });
    }
    if (answer.has_more !== true || typeof answer.last_id !== 'string' || answer.last_id === after) break;
    after = answer.last_id;
  }
  return models;
}

/** A guard against an upstream that pages forever. */
const MAX_PAGES = 50;
