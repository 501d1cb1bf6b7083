import type { Endpoint } from '../protocols/protocol.js';
import type { HttpClient } from './http.js';
import { joinUrl, sendJson, type Provider } from './provider.js';

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
  };
}
