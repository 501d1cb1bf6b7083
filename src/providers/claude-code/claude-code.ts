import type { Endpoint } from '../../protocols/protocol.js';
import type { HttpClient } from '../http.js';
import { joinUrl, sendJson, type Provider, type ProviderDeps, type UpstreamCall } from '../provider.js';
import { discardBody } from '../upstream-json.js';
import { ANTHROPIC_VERSION, listAnthropicModels } from '../anthropic.js';
import { TokenSessions } from '../token-sessions.js';
import {
  CLAUDE_CODE_APP,
  CLAUDE_CODE_BASE_URL,
  CLAUDE_CODE_BETAS,
  CLAUDE_CODE_IDENTITIES,
  CLAUDE_CODE_IDENTITY,
  CLAUDE_CODE_USER_AGENT,
  REFRESH_MARGIN_MS,
} from './constants.js';
import { parseClaudeCodeCredential, serializeClaudeCodeCredential, type ClaudeCodeCredential } from './credential.js';
import { refreshClaudeTokens } from './oauth.js';
import { quotaOf } from './quota.js';

const PATHS: Partial<Record<Endpoint, string>> = {
  messages: '/v1/messages',
  count_tokens: '/v1/messages/count_tokens',
  models: '/v1/models',
};

/**
 * A Claude subscription (Pro / Max) through the Anthropic Messages API,
 * signed in as the Claude Code CLI signs in (oauth.ts) or with a setup
 * token. Requests go as Claude Code sends them: the access token as
 * `Authorization: Bearer` with the `oauth-2025-04-20` beta, Claude Code's
 * User-Agent and `x-app`, and its identity at the head of the system prompt
 * (constants.ts). Each answer's `anthropic-ratelimit-unified-*` headers are
 * the subscription's usage limits, handed to `deps.noteQuota`.
 */
export function claudeCodeProvider(http: HttpClient, deps: ProviderDeps = {}, now: () => number = Date.now): Provider {
  const sessions = new TokenSessions<ClaudeCodeCredential>(
    { name: 'claude-code', parse: parseClaudeCodeCredential, serialize: serializeClaudeCodeCredential, refresh: refreshClaudeTokens, marginMs: REFRESH_MARGIN_MS },
    http,
    deps,
    now,
  );

  return {
    kind: 'claude-code',
    speaks: ['anthropic-messages'],
    endpoints: ['messages', 'count_tokens', 'models'],
    async send(call, signal) {
      const path = PATHS[call.endpoint];
      if (!path) throw new Error(`claude-code upstreams do not serve ${call.endpoint}`);
      if (!call.credential) throw new Error('claude-code upstreams need a Claude sign-in or setup token credential');
      const asClaudeCode: UpstreamCall = { ...call, body: call.body === undefined ? undefined : withIdentity(call.body) };
      const url = joinUrl(call.upstream.baseUrl ?? CLAUDE_CODE_BASE_URL, path);

      let tokens = await sessions.fresh(call.upstream, call.credential, call.credentialId);
      let reply = await sendJson(http, asClaudeCode, url, headersFor(call, tokens), signal);
      // A refused access token is refreshed once and the request sent again; a setup token cannot be.
      if (reply.status === 401 && tokens.refresh_token) {
        await discardBody(reply);
        tokens = await sessions.refused(call.upstream, call.credential, call.credentialId, tokens);
        reply = await sendJson(http, asClaudeCode, url, headersFor(call, tokens), signal);
      }
      const quota = quotaOf(reply.headers, now());
      if (quota && call.credentialId) deps.noteQuota?.(call.credentialId, quota);
      return reply;
    },
    /** The subscription's models: GET /v1/models with the OAuth token. */
    async listModels(upstream, credential, signal, credentialId) {
      if (!credential) throw new Error('claude-code upstreams need a Claude sign-in or setup token credential');
      const tokens = await sessions.fresh(upstream, credential, credentialId);
      const headers = {
        authorization: `Bearer ${tokens.access_token}`,
        'anthropic-version': upstream.headers['anthropic-version'] ?? ANTHROPIC_VERSION,
        'anthropic-beta': CLAUDE_CODE_BETAS.join(','),
        'user-agent': CLAUDE_CODE_USER_AGENT,
        'x-app': CLAUDE_CODE_APP,
      };
      return listAnthropicModels(http, { ...upstream, baseUrl: upstream.baseUrl ?? CLAUDE_CODE_BASE_URL }, headers, signal);
    },
  };
}

/**
 * The headers Claude Code sends (test/fixtures/agents/claude-code-*.json)
 * with the bearer token in place of an API key. The client's betas are kept
 * after the required ones; a client that is Claude Code keeps its own User-Agent.
 */
function headersFor(call: UpstreamCall, tokens: ClaudeCodeCredential): Record<string, string> {
  const betas = new Set(CLAUDE_CODE_BETAS);
  for (const given of [call.headers['anthropic-beta'], call.upstream.headers['anthropic-beta']])
    for (const beta of (given ?? '').split(',')) if (beta.trim() !== '') betas.add(beta.trim());
  const clientAgent = call.headers['user-agent'] ?? '';
  return {
    authorization: `Bearer ${tokens.access_token}`,
    'anthropic-version': call.headers['anthropic-version'] ?? call.upstream.headers['anthropic-version'] ?? ANTHROPIC_VERSION,
    'anthropic-beta': [...betas].join(','),
    'anthropic-dangerous-direct-browser-access': 'true',
    'user-agent': clientAgent.startsWith('claude-cli/') ? clientAgent : CLAUDE_CODE_USER_AGENT,
    'x-app': CLAUDE_CODE_APP,
  };
}

/**
 * The request with Claude Code's identity as the first block of its system
 * prompt, unless the system prompt already carries one of Claude Code's
 * identities (Claude Code itself as the client). A string system prompt
 * becomes a text block after it.
 * @see https://docs.anthropic.com/en/api/messages (`system`: a string or text blocks)
 */
export function withIdentity(body: string): string {
  let request: Record<string, unknown>;
  try {
    request = JSON.parse(body) as Record<string, unknown>;
  } catch {
    return body; // not JSON: the API answers it
  }
  if (request === null || typeof request !== 'object' || Array.isArray(request)) return body;
  const system = request.system;
  const identity = { type: 'text', text: CLAUDE_CODE_IDENTITY };
  if (system === undefined || system === null || system === '') request.system = [identity];
  else if (typeof system === 'string') {
    if (isIdentity(system)) return body;
    request.system = [identity, { type: 'text', text: system }];
  } else if (Array.isArray(system)) {
    if (system.some((block) => isIdentity((block as { text?: unknown } | null)?.text))) return body;
    request.system = [identity, ...system];
  } else return body;
  return JSON.stringify(request);
}

function isIdentity(text: unknown): boolean {
  return typeof text === 'string' && CLAUDE_CODE_IDENTITIES.some((line) => text.trimStart().startsWith(line));
}
