import type { DataPlaneDeps } from './deps.js';
import { protocolsOf, type Candidate } from '../routing/plan.js';
import { TRANSLATION_TARGETS } from '../protocols/operations.js';
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

/**
 * OpenAI's answer on /completions for a chat model (404, "This is a chat
 * model and not supported in the v1/completions endpoint"), and Azure's for
 * a deployment of one (400 `OperationNotSupported`, "The completion operation
 * does not work with the specified model"): this model is not served there,
 * other models of the upstream may be.
 */
function refusesModelForCompletions(status: number, errorText: string): boolean {
  if (status === 404) return /not supported in the v1\/completions endpoint/i.test(errorText);
  if (status === 400) return /OperationNotSupported/.test(errorText) && /completion operation does not work with the specified model/i.test(errorText);
  return false;
}

/**
 * A legacy Completions request passed through to an `openai`, `azure` or
 * `ollama` upstream that answered as a server without /completions does
 * (`lacksEndpoint`: learned for the upstream) or refused the model there
 * (`refusesModelForCompletions`: learned for that model): the same route,
 * from the same credential on, is tried again translated to the upstream's
 * first translation target (Chat, unless `speaks` puts Responses first).
 */
export function translatedCompletions(
  ctx: DataPlaneDeps,
  candidate: Candidate,
  status: number,
  errorText: string,
  fromCredential: number,
): { candidate: Candidate; why: string } | undefined {
  const upstream = candidate.upstream.record;
  if (candidate.translate || candidate.upstreamProtocol !== 'openai-completions') return undefined;
  if (upstream.kind !== 'openai' && upstream.kind !== 'azure' && upstream.kind !== 'ollama') return undefined;
  let why: string;
  if (refusesModelForCompletions(status, errorText)) {
    ctx.gaps.learn(upstream, 'openai-completions', `answered ${status} on /completions for ${candidate.upstreamModel}`, candidate.upstreamModel);
    why = `model not served on /completions (${status})`;
  } else if (lacksEndpoint(status, errorText)) {
    ctx.gaps.learn(upstream, 'openai-completions', `answered ${status} on /completions`);
    why = `no /completions endpoint (${status})`;
  } else return undefined;
  const target = protocolsOf(ctx.providers, upstream, ctx.gaps).find((p) => TRANSLATION_TARGETS.includes(p));
  if (!target) return undefined;
  return {
    why: `${why}; translated to ${target}`,
    candidate: { ...candidate, upstreamProtocol: target, translate: true, credentials: candidate.credentials.slice(fromCredential) },
  };
}
