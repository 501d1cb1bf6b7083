import type { Protocol } from '../protocols/protocol.js';
import type { HttpClient } from './http.js';
import { joinUrl, sendJson, type Provider } from './provider.js';
import { arrayOf, recordOf, requestJson } from './upstream-json.js';

/**
 * The rerank vendors, which differ only in URL: each takes a Bearer key and
 * serves rerank in its own dialect (translate/rerank/). Base URLs default in
 * config/load.ts.
 */

function bearer(credential: string | null): Record<string, string> {
  return credential ? { authorization: `Bearer ${credential}` } : {};
}

/**
 * Cohere (base https://api.cohere.com): `/v2/rerank`, the dialect other
 * clients are translated to, and `/v1/rerank` for v1 clients, passed through.
 * Models: `GET /v1/models?endpoint=rerank`, `{models: [{name}]}`.
 * @see https://docs.cohere.com/v2/reference/rerank
 * @see https://docs.cohere.com/v1/reference/rerank
 * @see https://docs.cohere.com/reference/list-models
 */
export function cohereProvider(http: HttpClient): Provider {
  const PATHS: Partial<Record<Protocol, string>> = { 'rerank-cohere-v2': '/v2/rerank', 'rerank-cohere-v1': '/v1/rerank' };
  return {
    kind: 'cohere',
    speaks: ['rerank-cohere-v2', 'rerank-cohere-v1'],
    endpoints: ['rerank', 'models'],
    send(call, signal) {
      const path = call.endpoint === 'rerank' ? PATHS[call.protocol ?? 'rerank-cohere-v2'] : undefined;
      if (!path) throw new Error(`cohere upstreams do not serve ${call.endpoint} in ${call.protocol}`);
      return sendJson(http, call, joinUrl(call.upstream.baseUrl ?? '', path), bearer(call.credential), signal);
    },
    async listModels(upstream, credential, signal) {
      const url = joinUrl(upstream.baseUrl ?? '', '/v1/models?endpoint=rerank');
      const list = await requestJson(http, upstream, { url, headers: bearer(credential) }, signal);
      return arrayOf(recordOf(list).models).flatMap((m) => {
        const name = recordOf(m).name;
        return typeof name === 'string' && name !== '' ? [{ id: name, ownedBy: 'cohere' }] : [];
      });
    },
  };
}

/**
 * A vendor with one rerank URL and no model list (Jina, Voyage): its models
 * are the ones the upstream declares, so a validity check cannot test a key.
 */
function singleRerankProvider(http: HttpClient, kind: 'jina' | 'voyage', protocol: Protocol): Provider {
  return {
    kind,
    speaks: [protocol],
    endpoints: ['rerank'],
    send(call, signal) {
      if (call.endpoint !== 'rerank') throw new Error(`${kind} upstreams serve only rerank, not ${call.endpoint}`);
      return sendJson(http, call, joinUrl(call.upstream.baseUrl ?? '', '/rerank'), bearer(call.credential), signal);
    },
    async listModels(upstream) {
      return upstream.models.map((id) => ({ id, ownedBy: kind }));
    },
  };
}

/**
 * Jina (base https://api.jina.ai/v1): `POST /rerank`.
 * @see https://jina.ai/reranker/
 */
export function jinaProvider(http: HttpClient): Provider {
  return singleRerankProvider(http, 'jina', 'rerank-jina');
}

/**
 * Voyage (base https://api.voyageai.com/v1): `POST /rerank`.
 * @see https://docs.voyageai.com/reference/reranker-api
 */
export function voyageProvider(http: HttpClient): Provider {
  return singleRerankProvider(http, 'voyage', 'rerank-voyage');
}
