import type { Context } from 'hono';
import type { DataPlaneDeps } from './deps.js';
import { startExchange, readText, type Exchange } from './exchange.js';
import { OPERATIONS } from '../protocols/operations.js';
import type { ClientBody } from '../protocols/requests.js';
import type { KeyRecord, RouterRecord } from '../store/types.js';
import type { TierFeatures } from '../routing/tier-features.js';
import { planRoute } from '../routing/plan.js';
import { afterDelay } from '../runtime/runtime.js';
import { attemptUpstreams } from './attempt.js';
import { answerHeaders } from './proxy.js';
import { respondTranslated } from './respond-translated.js';
import { respondPassThrough } from './respond-pass-through.js';
import { bodyInputTokens } from '../usage/cut-stream-usage.js';

/** Output tokens the classifier may spend: a tier's name. */
const ANSWER_TOKENS = 16;
/** How much of the classifier's answer is read. */
const MAX_ANSWER_BYTES = 64 * 1024;

export type ClassifierAnswer = { kind: 'tier'; tier: string } | { kind: 'failed'; reason: string };

/**
 * Asks a router's classifier model which tier a request needs
 * (docs/routing-tiers.md, "Classifier"). The question is an OpenAI Chat
 * request sent through the gateway's own routing (routes, pools, retries,
 * translation, limits and budget of the caller's key), recorded as a row of
 * its own with `router` set and no tier, priced and billed to the key. It
 * sees the last user message (its first 4,096 characters) and the
 * request's features, never the whole conversation. Past `timeoutMs` the
 * call is cut and recorded as timed out; any failure is an answer too.
 */
export async function askClassifier(
  c: Context,
  ctx: DataPlaneDeps,
  parent: Exchange,
  key: KeyRecord,
  router: RouterRecord,
  features: TierFeatures,
): Promise<ClassifierAnswer> {
  const classifier = router.classifier!;
  const ex = startExchange(ctx, OPERATIONS.chat, c);
  const { row } = ex;
  row.keyId = parent.row.keyId;
  row.group = parent.row.group;
  row.metadata = parent.row.metadata;
  row.model = classifier.model;
  row.router = router.id;
  row.tierReason = `classifier for ${parent.row.id}`;
  const ms = classifier.timeoutMs;
  return new Promise<ClassifierAnswer>((resolve) => {
    const cancel = afterDelay(ctx.sleep, ms, () => {
      ex.finish(504, 'error', undefined, `the classifier gave no answer within ${ms} ms`);
      ex.abortUpstream();
      resolve({ kind: 'failed', reason: `no answer within ${ms} ms` });
    });
    ask(c, ctx, ex, key, router, features).then(
      (answer) => {
        cancel();
        resolve(answer);
      },
      (err: unknown) => {
        cancel();
        ex.fail(err);
        resolve({ kind: 'failed', reason: (err as Error)?.message ?? String(err) });
      },
    );
  });
}

async function ask(c: Context, ctx: DataPlaneDeps, ex: Exchange, key: KeyRecord, router: RouterRecord, features: TierFeatures): Promise<ClassifierAnswer> {
  const op = OPERATIONS.chat;
  const classifier = router.classifier!;
  const snapshot = ctx.catalog.current();
  const json = { model: classifier.model, messages: question(router, features), max_tokens: ANSWER_TOKENS, temperature: 0, stream: false };
  const text = JSON.stringify(json);
  ex.bodies?.request(text, 'application/json', text.length);
  const body: ClientBody = { json, model: classifier.model, stream: false };

  // The key's limits and budget count the call; the router granted the classifier with the router itself.
  const admission = await ctx.limits.admit({ key, group: ex.row.group ?? key.group, endpoint: op.endpoint, body, snapshot });
  ex.onFinish((finished) => admission.settle(finished, finished.costUsd));
  const plan = planRoute(snapshot, ctx.providers, ctx.pools, { model: classifier.model, protocol: op.protocol, endpoint: op.endpoint }, ctx.now(), Math.random, ctx.gaps);
  if (plan.kind !== 'ok') {
    const reason = plan.kind === 'unknown-model' ? `model ${classifier.model} does not exist` : plan.reason;
    ex.finish(plan.kind === 'unknown-model' ? 404 : 503, 'error', undefined, `classifier ${classifier.model} cannot be served: ${reason}`);
    return { kind: 'failed', reason };
  }
  const first = plan.candidates[0];
  ex.row.model = first.model;
  ex.row.upstreamId = first.upstream.record.id;
  ex.row.upstreamModel = first.upstreamModel;
  ctx.recorder.started(ex.row);

  const { reply, candidate, translation } = await attemptUpstreams(c, ctx, ex, op, body, plan.candidates, {});
  const headers = answerHeaders(ex, candidate, reply.headers, {});
  const response = ex.logBodies(
    translation
      ? await respondTranslated(ex, reply, headers, translation)
      : await respondPassThrough(ex, op, reply, headers, { clientWantsUsage: false, inputTokens: () => bodyInputTokens(op.protocol, json, {}) }),
  );
  const answer = await readText({ status: response.status, headers: response.headers, body: response.body }, MAX_ANSWER_BYTES);
  if (response.status !== 200) return { kind: 'failed', reason: `${classifier.model} answered ${response.status}` };
  const tier = tierIn(router, contentOf(answer));
  return tier === null ? { kind: 'failed', reason: `${classifier.model} named no tier` } : { kind: 'tier', tier };
}

/** The system prompt and the question: the tiers (with what they are for, when the admin said), the request's features, its last user message. */
function question(router: RouterRecord, f: TierFeatures): { role: string; content: string }[] {
  const names = router.tiers.map((t) => t.name).join(', ');
  const guide = router.classifier?.instructions ?? `The tiers go from the smallest, cheapest model to the largest: ${names}.`;
  const system =
    `You route requests to the model tier they need. ${guide}\n` +
    `Pick the smallest tier that will answer well. Reply with one tier name only, one of: ${names}.`;
  const facts =
    `Conversation: ${f.turns} messages, about ${f.inputTokens} input tokens; tools offered: ${f.tools ? 'yes' : 'no'}; ` +
    `images or files: ${f.images ? 'yes' : 'no'}; reasoning asked for: ${f.reasoning ? 'yes' : 'no'}.`;
  return [
    { role: 'system', content: system },
    { role: 'user', content: `${facts}\nLast user message:\n${f.lastUserText || '(none)'}` },
  ];
}

/** The assistant text of an OpenAI Chat answer, or '' when it is not one. */
function contentOf(text: string): string {
  try {
    const content = (JSON.parse(text) as { choices?: { message?: { content?: unknown } }[] }).choices?.[0]?.message?.content;
    return typeof content === 'string' ? content : '';
  } catch {
    return '';
  }
}

/** The tier the answer names: the whole answer, else the first tier name found in it as a word (the longest name first, so `large` is not read in `x-large`). */
export function tierIn(router: Pick<RouterRecord, 'tiers'>, answer: string): string | null {
  const said = answer.trim().toLowerCase().replace(/[."'`*]/g, '');
  const names = router.tiers.map((t) => t.name);
  const exact = names.find((n) => n.toLowerCase() === said);
  if (exact) return exact;
  const words = new Set(said.split(/[^\p{L}\p{N}_-]+/u));
  return [...names].sort((a, b) => b.length - a.length).find((n) => words.has(n.toLowerCase())) ?? null;
}
