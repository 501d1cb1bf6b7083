import type { Context } from 'hono';
import type { DataPlaneDeps } from '../deps.js';
import type { Exchange } from '../exchange.js';
import { GatewayError } from '../../protocols/errors.js';
import type { Usage } from '../../translate/ir.js';
import type { HostedPlan } from './plan.js';
import type { HostedCall, ToolRun, Totals } from './turns.js';
import { outcomeText, runSearch } from './web-search.js';
import { IMAGE_FUNCTION, runImage } from './image-generation.js';

/** Runs one call the model made to a gateway tool: a search through the configured vendor, or an image through the image model. */
export async function runTool(c: Context, ctx: DataPlaneDeps, ex: Exchange, plan: HostedPlan, totals: Totals, call: HostedCall): Promise<ToolRun> {
  const search = plan.webSearch;
  if (call.name === 'web_search' && search) {
    if (totals.searches >= search.maxUses)
      return { kind: 'search', call, outcome: { kind: 'error', query: '', code: 'max_uses_exceeded', message: `no searches left in this request (${search.maxUses})` } };
    const outcome = await runSearch(call.arguments, search, ctx.secrets, ex.upstreamSignal);
    // A search the vendor was asked counts, whatever it found; one refused before asking does not.
    if (outcome.kind === 'results' || outcome.code === 'unavailable' || outcome.code === 'too_many_requests') {
      totals.searches += 1;
      ex.row.units = { ...ex.row.units, webSearches: totals.searches };
    }
    return { kind: 'search', call, outcome };
  }
  if (call.name === IMAGE_FUNCTION.name && plan.image) {
    totals.images += 1;
    return runImage(c, ctx, ex, plan.image, call);
  }
  throw new GatewayError('SB_ERR_INTERNAL', `no hosted tool named ${call.name}`);
}

/** A run's result as the model reads it. */
export function runText(run: ToolRun): string {
  if (run.kind === 'search') return outcomeText(run.outcome);
  return run.result.ok ? `The image was made (${run.result.format}) and shown to the user.` : `Image generation failed: ${run.result.message}`;
}

export function addUsage(into: Usage, more: Usage): void {
  into.inputTokens += more.inputTokens;
  into.outputTokens += more.outputTokens;
  into.cacheReadTokens += more.cacheReadTokens;
  into.cacheWriteTokens += more.cacheWriteTokens;
  into.reasoningTokens += more.reasoningTokens;
}
