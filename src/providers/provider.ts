import type { AuthHeader, UpstreamKind } from '../config/schema.js';
import type { Endpoint, Protocol } from '../protocols/protocol.js';
import type { UpstreamRecord } from '../store/types.js';
import type { HttpClient, HttpReply } from './http.js';
import type { Locks } from '../store/locks.js';

/** One call to an upstream, already planned: which upstream, which credential, what body. */
export interface UpstreamCall {
  upstream: UpstreamRecord;
  /** The plaintext credential; null for upstreams that need none (mock). */
  credential: string | null;
  endpoint: Endpoint;
  /** The JSON body to send (model id already rewritten), for POST endpoints. */
  body?: string;
  /**
   * A multipart/form-data body instead (image edits, transcriptions): the
   * client's form re-encoded with the upstream's model id, sent as these bytes
   * under this content type (which names the form's boundary).
   */
  multipart?: { bytes: Uint8Array<ArrayBuffer>; contentType: string };
  /** Client headers safe to forward (auth and hop-by-hop already removed). */
  headers: Record<string, string>;
  /** The upstream's model id (already in the body for most kinds; Gemini puts it in the URL). */
  upstreamModel?: string;
  /** The protocol the upstream is asked in, where a kind serves one endpoint in several (Cohere's rerank v1 and v2). */
  protocol?: Protocol;
  /** Whether a streamed answer is wanted (Gemini chooses the URL by it). */
  stream?: boolean;
  /** Gemini's embeddings method, named in its URL: `:embedContent` (one) or `:batchEmbedContents` (the default). */
  geminiMethod?: 'embedContent' | 'batchEmbedContents';
  /** The credential's id in the pool, when known: providers that rotate tokens (codex) write them back under it. */
  credentialId?: string;
}

/** One model an upstream says it serves, under the upstream's own id. */
export interface ModelInfo {
  id: string;
  ownedBy?: string;
}

export type UpstreamReply = HttpReply;

/**
 * A subscription's usage limits as the upstream last reported them for one
 * credential (claude-code: the `anthropic-ratelimit-unified-*` headers).
 * Window names and statuses are the upstream's own, kept verbatim.
 */
export interface CredentialQuota {
  /** The overall status (`allowed`, `allowed_warning`, `rejected`); null when not said. */
  status: string | null;
  /** When the binding limit resets (epoch ms). */
  resetAt: number | null;
  /** Which window binds now (e.g. `five_hour`, `seven_day`). */
  binding: string | null;
  windows: { name: string; status: string | null; utilization: number | null; resetAt: number | null }[];
  /** When the gateway read it (epoch ms). */
  observedAt: number;
}

/**
 * One per upstream kind. A provider knows its upstream's URLs, auth headers
 * and which protocols it speaks natively; nothing about clients, keys or billing.
 */
export interface Provider {
  kind: UpstreamKind;
  speaks: readonly Protocol[];
  /** Endpoints it can serve (models listing, token counting, …). */
  endpoints: readonly Endpoint[];
  /**
   * An upstream of this kind declared without any credential is sent requests
   * without one (the mock; a local Ollama server). With credentials it uses them.
   */
  credentialOptional?: boolean;
  send(call: UpstreamCall, signal: AbortSignal): Promise<UpstreamReply>;
  /**
   * The models the upstream serves with this credential, asked of the
   * upstream itself. Throws UpstreamFailure when it cannot be reached and
   * UpstreamStatusError (providers/upstream-json.ts) when it answers non-2xx,
   * so a health probe can tell a refused credential from an upstream that is down.
   * `credentialId` lets providers that rotate tokens while asking (codex) store them.
   */
  listModels(upstream: UpstreamRecord, credential: string | null, signal: AbortSignal, credentialId?: string): Promise<ModelInfo[]>;
}

/** What providers may need from the platform beyond HTTP. */
export interface ProviderDeps {
  /**
   * Replaces a credential's secret (sealed, stored, catalog reloaded), for
   * providers whose tokens rotate on refresh. The credential is found by id,
   * or else by its current secret.
   */
  saveCredentialSecret?(change: { upstreamId: string; credentialId?: string; previous: string; next: string }): Promise<void>;
  /**
   * A credential's secret as stored now, which another replica may have
   * rotated since this one's catalog was built; undefined when it is gone.
   */
  readCredentialSecret?(upstreamId: string, credentialId: string): Promise<string | undefined>;
  /** Tells the pools what a subscription's answer said of its limits (shown with the credential's health). */
  noteQuota?(credentialId: string, quota: CredentialQuota): void;
  /** Held around a token refresh so one replica refreshes and the others read its result (default: this process only). */
  locks?: Locks;
  log?(message: string): void;
}

export type ProviderFactory = (http: HttpClient, deps?: ProviderDeps) => Provider;

/**
 * What every HTTP provider does once it knows the URL and its auth header:
 * the client's forwardable headers, the upstream's configured extras, the
 * auth, JSON framing, and the upstream's timeouts.
 */
export function sendJson(
  http: HttpClient,
  call: UpstreamCall,
  url: string,
  auth: Record<string, string>,
  signal: AbortSignal,
): Promise<UpstreamReply> {
  const headers: Record<string, string> = { ...call.headers, ...call.upstream.headers, ...auth };
  for (const name of call.upstream.settings?.removeHeaders ?? []) if (!(name.toLowerCase() in auth)) delete headers[name.toLowerCase()];
  const body = call.multipart?.bytes ?? call.body;
  if (body !== undefined) headers['content-type'] = call.multipart?.contentType ?? 'application/json';
  const proxy = call.upstream.settings?.proxy;
  return http({ url, method: body === undefined ? 'GET' : 'POST', headers, body, signal, timeouts: call.upstream.timeouts, ...(proxy ? { proxy } : {}) });
}

/**
 * The credential as the upstream's `authHeader` says to send it, or the
 * kind's default: `Authorization: Bearer`, or a header of its own holding the
 * key (`x-api-key`, `api-key`), or nothing (`none`, a server that wants none).
 */
export function credentialHeaders(style: AuthHeader | undefined, fallback: AuthHeader, credential: string | null): Record<string, string> {
  if (!credential) return {};
  const how = style ?? fallback;
  switch (how) {
    case 'bearer':
      return { authorization: `Bearer ${credential}` };
    case 'x-api-key':
    case 'api-key':
      return { [how]: credential };
    case 'none':
      return {};
    default:
      return how satisfies never;
  }
}

/** Joins a base URL and a path without doubling or dropping the slash. */
export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + path;
}
