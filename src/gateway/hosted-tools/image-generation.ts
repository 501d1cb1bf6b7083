import type { Context } from 'hono';
import type { DataPlaneDeps } from '../deps.js';
import type { Exchange } from '../exchange.js';
import { readText, startExchange } from '../exchange.js';
import { OPERATIONS } from '../../protocols/operations.js';
import { planRoute } from '../../routing/plan.js';
import { attemptUpstreams } from '../attempt.js';
import type { ImageAsk } from './plan.js';
import type { ToolRun } from './turns.js';
import { ZERO_USAGE } from '../../translate/ir.js';


/** The function tool the model is given in place of the Responses `image_generation` tool. */
export const IMAGE_FUNCTION = {
  name: 'image_generation',
  description: 'Make an image from a description. The image is shown to the user; describe it fully in `prompt`.',
  parameters: {
    type: 'object',
    properties: { prompt: { type: 'string', description: 'A full description of the image to make.' } },
    required: ['prompt'],
    additionalProperties: false,
  },
};

/**
 * One image the model asked for, made by the admin's image model
 * (`hostedTools.imageGeneration.model`) through the gateway's own images
 * path: its routes, credentials and retries, as `POST /v1/images/generations`
 * would be. The image call is a request of its own in the log (the same key
 * and group, the image model, `units.images`), so it is priced by the image
 * model's price.
 */
export async function runImage(c: Context, ctx: DataPlaneDeps, parent: Exchange, ask: ImageAsk, call: { callId: string; name: string; arguments: string }): Promise<ToolRun> {
  let prompt = '';
  try {
    const args = JSON.parse(call.arguments) as { prompt?: unknown };
    if (typeof args.prompt === 'string') prompt = args.prompt;
  } catch {
    // no prompt: refused below
  }
  if (!prompt) return { kind: 'image', call, prompt, result: { ok: false, message: 'the call named no `prompt`' } };
  const op = OPERATIONS.imageGenerations;
  const ex = startExchange(ctx, op, c);
  Object.assign(ex.row, { keyId: parent.row.keyId, group: parent.row.group, model: ask.settings.model, stream: false });
  // The client's tool settings the images API takes too (size, quality, output format, background), as sent.
  const pick = (k: string) => (ask.tool[k] !== undefined && ask.tool[k] !== 'auto' ? { [k]: ask.tool[k] } : {});
  const json: Record<string, unknown> = { model: ask.settings.model, prompt, n: 1, ...pick('size'), ...pick('quality'), ...pick('output_format'), ...pick('background') };
  try {
    const snapshot = ctx.catalog.current();
    const plan = planRoute(snapshot, ctx.providers, ctx.pools, { model: ask.settings.model, protocol: op.protocol, endpoint: op.endpoint, allowed: () => [] }, ctx.now(), Math.random, ctx.gaps);
    if (plan.kind !== 'ok') throw new Error(`the image model ${ask.settings.model} cannot be served (${plan.kind})`);
    const answer = await attemptUpstreams(c, ctx, ex, op, { json, model: ask.settings.model, stream: false }, plan.candidates, {});
    const text = await readText(answer.reply);
    if (answer.reply.status >= 400) throw new Error(`the image model answered ${answer.reply.status}: ${text.slice(0, 200)}`);
    const body = JSON.parse(text) as { data?: { b64_json?: string }[]; output_format?: string; size?: string; quality?: string };
    const b64 = body.data?.[0]?.b64_json;
    if (!b64) throw new Error('the image model answered without `b64_json`');
    ex.row.units = { images: 1, ...(typeof json.size === 'string' ? { imageSize: json.size } : {}), ...(typeof json.quality === 'string' ? { imageQuality: json.quality } : {}) };
    ex.firstByte();
    ex.finish(200, 'ok', { ...ZERO_USAGE }, null);
    parent.spentAlongside += ex.row.costUsd ?? 0;
    const format = body.output_format ?? (typeof json.output_format === 'string' ? json.output_format : 'png');
    return { kind: 'image', call, prompt, result: { ok: true, b64, format, size: body.size ?? (json.size as string | undefined), quality: body.quality ?? (json.quality as string | undefined) } };
  } catch (err) {
    if (parent.upstreamSignal.aborted) throw err;
    const message = (err as Error)?.message ?? String(err);
    ex.finish(502, 'error', undefined, message);
    return { kind: 'image', call, prompt, result: { ok: false, message } };
  }
}
