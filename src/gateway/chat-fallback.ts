import type { DataPlaneDeps } from './deps.js';
import type { Candidate } from '../routing/plan.js';
import { lacksEndpoint } from '../routing/verdict.js';
import type { Protocol } from '../protocols/protocol.js';

/** The endpoints a compatible server may turn out not to have, by the protocol asked in, and the kinds that may lack them. */
const MAY_LACK: Partial<Record<Protocol, { path: string; kinds: readonly string[] }>> = {
  'openai-responses': { path: '/responses', kinds: ['openai', 'ollama'] },
  // Ollama's Anthropic compatibility came in later versions than its OpenAI one.
  'anthropic-messages': { path: '/v1/messages', kinds: ['ollama'] },
};

/**
 * An `openai` or `ollama` upstream asked in Responses (or an `ollama` one in
 * Anthropic Messages) that answered as a server without that endpoint does
 * (`lacksEndpoint`), while it also speaks Chat: learned (later requests are
 * planned to Chat) and the same route, from the same credential on, is tried
 * again translated to Chat.
 */
export function chatInstead(
  ctx: DataPlaneDeps,
  candidate: Candidate,
  status: number,
  errorText: string,
  fromCredential: number,
): { candidate: Candidate; why: string } | undefined {
  const upstream = candidate.upstream.record;
  const lacking = MAY_LACK[candidate.upstreamProtocol];
  if (!lacking || !lacking.kinds.includes(upstream.kind) || !upstream.speaks.includes('chat')) return undefined;
  if (!lacksEndpoint(status, errorText)) return undefined;
  const why = `no ${lacking.path} endpoint (${status}); translated to chat`;
  ctx.gaps.learn(upstream, candidate.upstreamProtocol, `answered ${status} on ${lacking.path}`);
  return {
    why,
    // A Chat client never gets here (an upstream that speaks Chat gets it passed through), so this is a translation.
    candidate: { ...candidate, upstreamProtocol: 'openai-chat', translate: true, credentials: candidate.credentials.slice(fromCredential) },
  };
}
