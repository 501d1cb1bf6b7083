import type { HttpClient } from './http.js';
import { joinUrl, sendJson, type ModelInfo, type Provider, type UpstreamCall } from './provider.js';
import { arrayOf, recordOf, requestJson } from './upstream-json.js';

/**
 * The Gemini API (Google AI Studio keys). The model and streaming are in the
 * URL: `POST /v1beta/models/{model}:generateContent`, or
 * `:streamGenerateContent?alt=sse` for Server-Sent Events (without `alt=sse`
 * the API streams one JSON array), `:countTokens`, embeddings
 * (`:embedContent`, `:batchEmbedContents`), Imagen's `:predict`, and `GET /v1beta/models`.
 * The @google/genai SDK calls the same `v1beta` paths by default.
 * @see https://ai.google.dev/api/generate-content
 * @see https://ai.google.dev/api/tokens
 * @see https://ai.google.dev/api/embeddings
 * @see https://ai.google.dev/gemini-api/docs/imagen
 * @see https://ai.google.dev/api/models
 */
export const GEMINI_BASE_URL = 'https://generativelanguage.googleapis.com';

/** @see https://ai.google.dev/gemini-api/docs/api-versions */
export const GEMINI_API_VERSION = 'v1beta';

/** A base URL that already names an API version (`…/v1beta`, `…/v1`) keeps it. */
function versionedBase(baseUrl: string | null): string {
  const base = (baseUrl ?? GEMINI_BASE_URL).replace(/\/+$/, '');
  return /\/v1(beta\d*|alpha\d*)?$/.test(base) ? base : `${base}/${GEMINI_API_VERSION}`;
}

/** `gemini-2.5-flash`, `models/gemini-2.5-flash` or `tunedModels/x` -> the resource path. */
function modelPath(model: string): string {
  const resource = /^(models|tunedModels)\//.test(model) ? model : `models/${model}`;
  return resource
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

function pathOf(call: UpstreamCall): string {
  switch (call.endpoint) {
    case 'generate':
    case 'count_tokens': {
      if (!call.upstreamModel) throw new Error(`gemini ${call.endpoint} needs the upstream model`);
      const model = modelPath(call.upstreamModel);
      if (call.endpoint === 'count_tokens') return `/${model}:countTokens`;
      return call.stream ? `/${model}:streamGenerateContent?alt=sse` : `/${model}:generateContent`;
    }
    case 'embeddings':
      return `/${modelPath(upstreamModelOf(call))}:${call.geminiMethod ?? 'batchEmbedContents'}`;
    case 'images':
      // Imagen: `instances[].prompt` and `parameters` in, `predictions[].bytesBase64Encoded` out.
      return `/${modelPath(upstreamModelOf(call))}:predict`;
    case 'models':
      return '/models';
    default:
      throw new Error(`gemini upstreams do not serve ${call.endpoint}`);
  }
}

function upstreamModelOf(call: UpstreamCall): string {
  if (!call.upstreamModel) throw new Error(`gemini ${call.endpoint} needs the upstream model`);
  return call.upstreamModel;
}

export function geminiProvider(http: HttpClient): Provider {
  return {
    kind: 'gemini',
    speaks: ['gemini'],
    endpoints: ['generate', 'count_tokens', 'embeddings', 'images', 'models'],
    send(call, signal) {
      const path = pathOf(call);
      // https://ai.google.dev/gemini-api/docs/api-key#provide-api-key-explicitly
      const auth: Record<string, string> = call.credential ? { 'x-goog-api-key': call.credential } : {};
      return sendJson(http, call, joinUrl(versionedBase(call.upstream.baseUrl), path), auth, signal);
    },
    /**
     * GET /v1beta/models, following `nextPageToken` with `pageToken`
     * (`pageSize` up to 1000); `models/gemini-2.5-flash` is listed as `gemini-2.5-flash`.
     * @see https://ai.google.dev/api/models#method:-models.list
     */
    async listModels(upstream, credential, signal) {
      const headers: Record<string, string> = credential ? { 'x-goog-api-key': credential } : {};
      const models: ModelInfo[] = [];
      let token: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const query = new URLSearchParams({ pageSize: '1000', ...(token ? { pageToken: token } : {}) });
        const url = joinUrl(versionedBase(upstream.baseUrl), `/models?${query}`);
        const answer = recordOf(await requestJson(http, upstream, { url, headers }, signal));
        for (const entry of arrayOf(answer.models)) {
          const name = recordOf(entry).name;
          if (typeof name === 'string' && name !== '') models.push({ id: name.replace(/^models\//, ''), ownedBy: 'google' });
        }
        if (typeof answer.nextPageToken !== 'string' || answer.nextPageToken === '' || answer.nextPageToken === token) break;
        token = answer.nextPageToken;
      }
      return models;
    },
  };
}

/** A guard against an upstream that pages forever. */
const MAX_PAGES = 50;
