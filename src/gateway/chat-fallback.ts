import type { DataPlaneDeps } from './deps.js';
import type { Candidate } from '../routing/plan.js';
import { lacksEndpoint } from '../routing/verdict.js';

/**
 * An `openai` upstream asked in Responses that answered as a server without
 * that endpoint does (`lacksEndpoint`), while it also speaks Chat: learned
 * (later requests are planned to Chat) and the same route, from the same
 * credential on, is tried again translated to Chat.
 */
export function chatInstead(
  ctx: DataPlaneDeps,
  candidate: Candidate,
  status: number,
  errorText: string,
  fromCredential: number,
): { candidate: Candidate; why: string } | undefined {
  const upstream = candidate.upstream.record;
  if (upstream.kind !== 'openai' || candidate.upstreamProtocol !== 'openai-responses' || !upstream.speaks.includes('chat')) return undefined;
  if (!lacksEndpoint(status, errorText)) return undefined;
  const why = `no /responses endpoint (${status}); translated to chat`;
  ctx.gaps.learn(upstream, 'openai-responses', `answered ${status} on /responses`);
  return {
    why,
    // A Chat client never gets here (an upstream that speaks Chat gets it passed through), so this is a translation.
    candidate: { ...candidate, upstreamProtocol: 'openai-chat', translate: true, credentials: candidate.credentials.slice(fromCredential) },
  };
}
