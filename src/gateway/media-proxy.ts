import type { Context } from 'hono';
import type { DataPlaneDeps } from './deps.js';
import type { Operation } from '../protocols/operations.js';
import { startExchange, type Exchange } from './exchange.js';
import { admit, answerHeaders } from './proxy.js';
import { attemptUpstreams, type RouteCall } from './attempt.js';
import { respondMedia } from './respond-media.js';
import { mediaBodyFor, parseMediaBody, type MediaBody } from '../protocols/media-requests.js';
import { audioLength } from '../usage/audio-length.js';
import { geminiImagesRequest } from '../translate/gemini/images.js';
import { imagenRequest, isImagenModel } from '../translate/gemini/imagen.js';
import { GatewayError } from '../protocols/errors.js';
import type { Candidate } from '../routing/plan.js';
import { mergeBody } from '../translate/overrides.js';

/**
 * The images and audio endpoints (`/v1/images/*`, `/v1/audio/*`), top to
 * bottom like every proxied request (gateway/proxy.ts): admit it (the body
 * may be a multipart form: read as bytes, size-capped, parsed by the
 * platform), attempt the upstreams (the body with each route's model id;
 * an images request to a Gemini image model translated to generateContent,
 * to an Imagen model to `:predict`),
 * respond (JSON, text, events or audio bytes passed back as they come, usage
 * and units read on the way), record one row. Never cached.
 */
export async function proxyMedia(c: Context, ctx: DataPlaneDeps, op: Operation): Promise<Response> {
  const ex = startExchange(ctx, op, c);
  return ex.logBodies(await mediaExchange(c, ctx, ex, op));
}

async function mediaExchange(c: Context, ctx: DataPlaneDeps, ex: Exchange, op: Operation): Promise<Response> {
  try {
    // 1-4. authenticate, read the body (JSON or a form), policy (reserving n images, the audio's minutes, the characters), plan
    const { body, candidates, rateLimitHeaders } = await admit(c, ctx, ex, op, {}, readMediaBody);

    // 5. attempt: each route gets the body with its model id (a form re-encoded with its files as they came)
    const { reply, candidate } = await attemptUpstreams(c, ctx, ex, op, body, candidates, {}, (route) => routeCall(op, body, route));

    // 6. respond (and record, when the answer is through)
    const headers = answerHeaders(ex, candidate, reply.headers, rateLimitHeaders);
    // Units are read against the request as sent: an alias target's overrides (an image's quality) included.
    const sent = !body.form && candidate.overrides?.body ? { ...body, json: mergeBody(body.json, candidate.overrides.body) } : body;
    const imagen = candidate.translate && isImagenModel(candidate.upstreamModel);
    return await respondMedia(ex, op, sent, reply, headers, { viaGemini: candidate.translate, imagen, audioSeconds: body.audioSeconds });
  } catch (err) {
    return ex.fail(err);
  }
}

/**
 * Step 2 for media: the body as bytes under server.maxBodyBytes, checked
 * (a 400 naming the field), and the uploaded audio's length read from its
 * header (for the reservation, and the usage when the upstream gives none).
 * Body logging gets the fields only: a file is logged as its name, type and size, never its bytes.
 */
async function readMediaBody(c: Context, ctx: DataPlaneDeps, ex: Exchange, op: Operation): Promise<MediaBody> {
  const bytes = await ctx.io.readBytes(c, ctx.maxBodyBytes);
  const contentType = c.req.header('content-type');
  const body = await parseMediaBody(op, bytes, contentType);
  ex.bodies?.request(JSON.stringify(body.json), body.form ? 'application/json (multipart/form-data fields)' : contentType, bytes.byteLength);
  if (body.audioFile) body.audioSeconds = (await audioLength(body.audioFile)).seconds;
  return body;
}

/** One route's call: the client's body with the route's model, or for a Gemini image model a generateContent body. */
async function routeCall(op: Operation, body: MediaBody, route: Candidate): Promise<RouteCall> {
  if (route.translate && isImagenModel(route.upstreamModel)) {
    // Imagen makes images from a prompt only (`:predict`): an edit is refused, not answered with a new picture.
    if (op.endpoint === 'image_edits') throw new GatewayError('SB_ERR_BAD_REQUEST', `model: ${route.model} is an Imagen model, which generates images but does not edit them`, 'model');
    const { body: json, warnings } = imagenRequest(body.json);
    return { endpoint: 'images', body: json, stream: false, warnings };
  }
  if (route.translate) {
    const images = body.form ? [...body.form.getAll('image'), ...body.form.getAll('image[]')].filter((v) => typeof v !== 'string') : [];
    const { body: json, warnings } = await geminiImagesRequest(body.json, images);
    // Answered whole: Gemini's image stream is not OpenAI's, so a client's `stream` gets the whole answer.
    return { endpoint: 'generate', body: json, stream: false, warnings };
  }
  // An alias target's body overrides apply to JSON bodies (generations, speech); a form goes as the client sent it.
  if (!body.form && route.overrides?.body) return { endpoint: op.endpoint, body: JSON.stringify(mergeBody({ ...body.json, model: route.upstreamModel }, route.overrides.body)) };
  return { endpoint: op.endpoint, ...(await mediaBodyFor(body, route.upstreamModel)) };
}
