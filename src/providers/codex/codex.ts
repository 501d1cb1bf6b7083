import type { HttpClient, HttpReply } from '../http.js';
import { joinUrl, sendJson, type Provider, type ProviderDeps, type UpstreamCall, type UpstreamReply } from '../provider.js';
import { arrayOf, discardBody, recordOf, requestJson } from '../upstream-json.js';
import { SseScanner } from '../../translate/sse.js';
import { CODEX_BASE_URL, CODEX_CLIENT_VERSION, CODEX_OPENAI_BETA, CODEX_ORIGINATOR } from './constants.js';
import type { CodexCredential } from './credential.js';
import { CodexSessions } from './sessions.js';

/**
 * A ChatGPT subscription through the Codex backend: OpenAI Responses at
 * `{baseUrl}/responses`, signed in with ChatGPT tokens (credential.ts) that
 * are refreshed as they expire (sessions.ts). The backend serves only
 * streamed, unstored responses, so every request is sent with `stream: true`
 * and `store: false`; a client that asked for one JSON answer gets the final
 * response object of the stream.
 */
export function codexProvider(http: HttpClient, deps: ProviderDeps = {}, now: () => number = Date.now): Provider {
  const sessions = new CodexSessions(http, deps, now);

  /** The headers the Codex CLI sends (codex-rs/core/src/client.rs). */
  const headersFor = (tokens: CodexCredential): Record<string, string> => ({
    authorization: `Bearer ${tokens.access_token}`,
    'chatgpt-account-id': tokens.account_id,
    'openai-beta': CODEX_OPENAI_BETA,
    originator: CODEX_ORIGINATOR,
  });

  return {
    kind: 'codex',
    speaks: ['openai-responses'],
    endpoints: ['responses'],
    async send(call, signal) {
      if (call.endpoint !== 'responses') throw new Error(`codex upstreams do not serve ${call.endpoint}`);
      if (!call.credential) throw new Error('codex upstreams need a ChatGPT sign-in credential');
      const request = JSON.parse(call.body ?? '{}') as Record<string, unknown>;
      const wantsStream = request.stream === true;
      // The backend refuses what the public Responses API takes for length and sampling (the Codex CLI never sends them).
      for (const field of UNSUPPORTED_FIELDS) delete request[field];
      const instructions = typeof request.instructions === 'string' ? request.instructions : '';
      const body = JSON.stringify({ ...request, instructions, stream: true, store: false });
      const url = joinUrl(call.upstream.baseUrl ?? CODEX_BASE_URL, '/responses');
      const streamCall: UpstreamCall = { ...call, body, headers: { ...call.headers, accept: 'text/event-stream' } };

      let tokens = await sessions.fresh(call.upstream, call.credential, call.credentialId);
      let reply = await sendJson(http, streamCall, url, headersFor(tokens), signal);
      if (reply.status === 401) {
        await discardBody(reply);
        tokens = await sessions.refused(call.upstream, call.credential, call.credentialId, tokens);
        reply = await sendJson(http, streamCall, url, headersFor(tokens), signal);
      }
      if (wantsStream || reply.status < 200 || reply.status > 299) return reply;
      return collectResponse(reply);
    },
    /**
     * `GET {baseUrl}/models?client_version=` answers `{models: [{slug, …}]}`,
     * the models the account may use from that Codex CLI version.
     */
    async listModels(upstream, credential, signal, credentialId) {
      if (!credential) throw new Error('codex upstreams need a ChatGPT sign-in credential');
      const tokens = await sessions.fresh(upstream, credential, credentialId);
      const url = joinUrl(upstream.baseUrl ?? CODEX_BASE_URL, `/models?client_version=${CODEX_CLIENT_VERSION}`);
      const answer = recordOf(await requestJson(http, upstream, { url, headers: headersFor(tokens) }, signal));
      return arrayOf(answer.models).flatMap((entry) => {
        const m = recordOf(entry);
        const id = typeof m.slug === 'string' ? m.slug : m.id;
        if (typeof id !== 'string' || id === '' || m.visibility === 'hide') return [];
        return [{ id, ownedBy: 'openai' }];
      });
    },
  };
}

/**
 * Fields the Codex backend answers 400 "Unsupported parameter" to; a client's
 * value for them (an Anthropic client's `max_tokens` arrives as
 * `max_output_tokens`) is dropped rather than failing the request.
 */
const UNSUPPORTED_FIELDS = ['max_output_tokens', 'temperature', 'top_p'];

/**
 * Reads a whole Responses stream and answers with its final response object
 * (`response.completed`, or `.incomplete` / `.failed`), as a non-streamed
 * Responses call would. Unstored responses end with `output: []`: the items
 * are taken from their `response.output_item.done` events instead.
 * @see https://platform.openai.com/docs/api-reference/responses-streaming
 */
async function collectResponse(reply: HttpReply): Promise<UpstreamReply> {
  const scanner = new SseScanner();
  let final: Record<string, unknown> | undefined;
  let error: unknown;
  const items: unknown[] = [];
  const consider = (data: string) => {
    if (data === '' || data === '[DONE]') return;
    const event = recordOf(JSON.parse(data));
    if (event.type === 'response.completed' || event.type === 'response.incomplete' || event.type === 'response.failed') final = recordOf(event.response);
    else if (event.type === 'response.output_item.done' && typeof event.output_index === 'number') items[event.output_index] = event.item;
    else if (event.type === 'error') error = event;
  };
  const reader = reply.body?.getReader();
  const decoder = new TextDecoder();
  for (;;) {
    if (!reader) break;
    const { done, value } = await reader.read();
    if (done) break;
    for (const event of scanner.push(decoder.decode(value, { stream: true }))) consider(event.data);
  }
  for (const event of scanner.flush()) consider(event.data);

  const headers = new Headers();
  reply.headers.forEach((value, name) => {
    if (name !== 'content-type' && name !== 'content-length' && name !== 'transfer-encoding') headers.set(name, value);
  });
  headers.set('content-type', 'application/json');
  if (final === undefined) {
    const message = recordOf(error).message ?? 'the Codex stream ended without a response';
    return jsonReply(502, headers, { error: { message, type: 'server_error', param: null, code: recordOf(error).code ?? null } });
  }
  const output = Array.isArray(final.output) && final.output.length > 0 ? final.output : items.filter((item) => item !== undefined);
  return jsonReply(200, headers, { ...final, output });
}

function jsonReply(status: number, headers: Headers, value: unknown): UpstreamReply {
  const text = JSON.stringify(value);
  return {
    status,
    headers,
    body: new Response(text).body,
    text: async () => text,
  };
}
