import type { Endpoint } from '../protocols/protocol.js';
import type { UpstreamRecord } from '../store/types.js';
import type { HttpClient } from './http.js';
import { credentialHeaders, joinUrl, sendJson, type Provider, type UpstreamCall } from './provider.js';
import { openaiModelList } from './openai.js';
import { requestJson } from './upstream-json.js';

/**
 * Azure OpenAI. The base URL is the resource endpoint
 * (`https://NAME.openai.azure.com`). Chat completions, embeddings and legacy completions go to a
 * deployment under a dated API version; Responses goes to the v1 API, which
 * takes no api-version and names the deployment in the body's `model`.
 * @see https://learn.microsoft.com/azure/ai-foundry/openai/reference
 * @see https://learn.microsoft.com/azure/ai-foundry/openai/api-version-lifecycle
 */

/**
 * The latest generally available data-plane inference version ("Latest GA
 * release" in the REST reference's API specs table).
 * @see https://learn.microsoft.com/azure/ai-services/openai/reference#api-specs
 */
export const AZURE_API_VERSION = '2024-10-21';

const DEPLOYMENT_PATHS: Partial<Record<Endpoint, string>> = {
  chat: '/chat/completions',
  embeddings: '/embeddings',
  // Legacy completions, for deployments of completion models (gpt-35-turbo-instruct):
  // https://learn.microsoft.com/azure/ai-foundry/openai/reference#completions
  completions: '/completions',
  // Images and audio of image and audio deployments (dall-e-3, gpt-image-1, whisper, tts); gpt-image-1 and the
  // gpt-4o audio models may need a newer (preview) `apiVersion` than the default:
  // https://learn.microsoft.com/azure/ai-foundry/openai/reference#image-generation
  // https://learn.microsoft.com/azure/ai-foundry/openai/reference#transcriptions---create
  images: '/images/generations',
  image_edits: '/images/edits',
  transcriptions: '/audio/transcriptions',
  translations: '/audio/translations',
  speech: '/audio/speech',
};

/** `https://x.openai.azure.com/` and `https://x.openai.azure.com/openai` both name the resource. */
function resourceBase(upstream: UpstreamRecord): string {
  return (upstream.baseUrl ?? '').replace(/\/+$/, '').replace(/\/openai$/, '');
}

/** The deployment serving a model: the `deployments` map, else the model id itself. */
export function deploymentOf(upstream: UpstreamRecord, model: string): string {
  return upstream.settings?.deployments?.[model] ?? model;
}

/**
 * Keys go in `api-key`; Microsoft Entra ID access tokens (upstreams with
 * `authHeader: bearer`) as a bearer token.
 * @see https://learn.microsoft.com/azure/ai-foundry/openai/reference#authentication
 */
function authHeaders(upstream: UpstreamRecord, credential: string | null): Record<string, string> {
  return credentialHeaders(upstream.settings?.authHeader, 'api-key', credential);
}

function modelOf(call: UpstreamCall): string {
  if (call.upstreamModel) return call.upstreamModel;
  const model = call.body === undefined ? undefined : (JSON.parse(call.body) as { model?: unknown }).model;
  if (typeof model !== 'string') throw new Error('azure upstreams need the model to find its deployment');
  return model;
}

export function azureProvider(http: HttpClient): Provider {
  return {
    kind: 'azure',
    speaks: ['openai-chat', 'openai-responses', 'openai-embeddings', 'openai-completions', 'openai-images', 'openai-audio'],
    endpoints: ['chat', 'responses', 'embeddings', 'completions', 'images', 'image_edits', 'transcriptions', 'translations', 'speech'],
    send(call, signal) {
      const { upstream } = call;
      const auth = authHeaders(upstream, call.credential);
      const deployment = deploymentOf(upstream, modelOf(call));
      if (call.endpoint === 'responses') {
        // The v1 API reads the deployment from `model`.
        const body = JSON.stringify({ ...(JSON.parse(call.body ?? '{}') as object), model: deployment });
        return sendJson(http, { ...call, body }, `${resourceBase(upstream)}/openai/v1/responses`, auth, signal);
      }
      const path = DEPLOYMENT_PATHS[call.endpoint];
      if (!path) throw new Error(`azure upstreams do not serve ${call.endpoint}`);
      const version = encodeURIComponent(upstream.settings?.apiVersion ?? AZURE_API_VERSION);
      const url = `${resourceBase(upstream)}/openai/deployments/${encodeURIComponent(deployment)}${path}?api-version=${version}`;
      return sendJson(http, call, url, auth, signal);
    },
    /**
     * GET /openai/models lists the models the resource can use (and checks
     * the credential). Deployments are not listed by the data plane, so an
     * upstream with a `deployments` map serves exactly the models it maps.
     * @see https://learn.microsoft.com/rest/api/azureopenai/models/list
     */
    async listModels(upstream, credential, signal) {
      const version = encodeURIComponent(upstream.settings?.apiVersion ?? AZURE_API_VERSION);
      const url = joinUrl(resourceBase(upstream), `/openai/models?api-version=${version}`);
      const listed = openaiModelList(await requestJson(http, upstream, { url, headers: authHeaders(upstream, credential) }, signal));
      const mapped = Object.keys(upstream.settings?.deployments ?? {});
      return mapped.length > 0 ? mapped.map((id) => ({ id, ownedBy: 'azure' })) : listed;
    },
  };
}
