// Fake OpenAI images and audio endpoints (served under /v1), in the wire formats of
// https://platform.openai.com/docs/api-reference/images and https://platform.openai.com/docs/api-reference/audio:
// image generations (JSON) and edits (multipart), streamed with partial images for gpt-image-* models;
// transcriptions and translations (multipart; json, verbose_json, text, srt, vtt; streamed for gpt-4o-*);
// speech as audio bytes or as SSE (`stream_format: "sse"`).
import { createHash } from 'node:crypto';
import type { RequestContext } from './server.js';
import { sendJson } from './server.js';
import { openSse } from './sse.js';
import { openaiError } from './openai.js';
import { isRecord } from './text.js';

export const MEDIA_PATHS = new Set(['/v1/images/generations', '/v1/images/edits', '/v1/audio/transcriptions', '/v1/audio/translations', '/v1/audio/speech']);

/** A 1x1 PNG, the image every fake generation returns. */
export const FAKE_PNG_B64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

/** gpt-image-1's usage for one image (tokens), as the fake reports it. */
export const FAKE_IMAGE_USAGE = { input_tokens: 50, input_tokens_details: { text_tokens: 40, image_tokens: 10 }, output_tokens: 4160, total_tokens: 4210 };
/** gpt-4o-transcribe's usage, as the fake reports it. */
export const FAKE_TRANSCRIBE_USAGE = { type: 'tokens', input_tokens: 120, input_token_details: { text_tokens: 0, audio_tokens: 120 }, output_tokens: 30, total_tokens: 150 };
/** gpt-4o-mini-tts's usage in `speech.audio.done`. */
export const FAKE_SPEECH_USAGE = { input_tokens: 14, output_tokens: 101, total_tokens: 115 };

/** The audio bytes the fake speaks: 48 KB sent in three chunks, the same for every request. */
export const FAKE_SPEECH_BYTES = Buffer.from(Array.from({ length: 48 * 1024 }, (_, i) => (i * 7 + 3) & 0xff));

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function bad(ctx: RequestContext, message: string, param: string | null, code: string | null = null): Promise<void> {
  return sendJson(ctx, 400, openaiError(message, 'invalid_request_error', param, code));
}

/** The request's form (multipart) or JSON body as one record; files stay Files. */
async function fieldsOf(ctx: RequestContext): Promise<Map<string, (string | File)[]> | Record<string, unknown> | undefined> {
  const type = String(ctx.req.headers['content-type'] ?? '');
  if (type.startsWith('multipart/form-data')) {
    const form = await new Request('http://fake/', { method: 'POST', body: new Uint8Array(ctx.call.rawBytes), headers: { 'content-type': type } }).formData();
    const out = new Map<string, (string | File)[]>();
    for (const [k, v] of form.entries()) out.set(k, [...(out.get(k) ?? []), v]);
    return out;
  }
  return isRecord(ctx.call.body) ? ctx.call.body : undefined;
}

export async function media(ctx: RequestContext, pathname: string, chunkDelayMs: number): Promise<void> {
  const fields = await fieldsOf(ctx);
  if (!fields) return bad(ctx, 'We could not parse the JSON body of your request.', null);
  const get = (name: string): unknown => (fields instanceof Map ? fields.get(name)?.[0] : fields[name]);
  const model = get('model');
  if (typeof model !== 'string' || model === '') return bad(ctx, 'you must provide a model parameter', 'model', 'missing_required_parameter');
  switch (pathname) {
    case '/v1/images/generations':
    case '/v1/images/edits':
      return images(ctx, pathname.endsWith('edits') ? 'image_edit' : 'image_generation', model, get, chunkDelayMs);
    case '/v1/audio/transcriptions':
    case '/v1/audio/translations':
      return transcription(ctx, pathname.endsWith('translations'), model, get, chunkDelayMs);
    default:
      return speech(ctx, model, get, chunkDelayMs);
  }
}

async function images(ctx: RequestContext, kind: 'image_generation' | 'image_edit', model: string, get: (name: string) => unknown, delayMs: number): Promise<void> {
  if (typeof get('prompt') !== 'string') return bad(ctx, "Missing required parameter: 'prompt'.", 'prompt', 'missing_required_parameter');
  if (kind === 'image_edit' && !(get('image') instanceof File) && !(get('image[]') instanceof File)) return bad(ctx, "Missing required parameter: 'image'.", 'image', 'missing_required_parameter');
  const n = Number(get('n') ?? 1);
  const gpt = model.startsWith('gpt-image');
  const size = typeof get('size') === 'string' && get('size') !== 'auto' ? (get('size') as string) : '1024x1024';
  const quality = typeof get('quality') === 'string' && get('quality') !== 'auto' ? (get('quality') as string) : gpt ? 'high' : 'standard';
  const created = Math.floor(Date.now() / 1000);
  const stream = get('stream') === true || get('stream') === 'true';
  if (stream && gpt) {
    const partials = Number(get('partial_images') ?? 0);
    const sse = await openSse(ctx, delayMs);
    const common = { created_at: created, size, quality, background: 'opaque', output_format: 'png' };
    for (let i = 0; i < partials; i++) {
      if (!(await sse.send(JSON.stringify({ type: `${kind}.partial_image`, b64_json: FAKE_PNG_B64, ...common, partial_image_index: i }), `${kind}.partial_image`))) return;
    }
    if (!(await sse.send(JSON.stringify({ type: `${kind}.completed`, b64_json: FAKE_PNG_B64, ...common, usage: FAKE_IMAGE_USAGE }), `${kind}.completed`))) return;
    return sse.end();
  }
  const url = get('response_format') === 'url';
  const data = Array.from({ length: n }, () => (url ? { url: 'https://fake.example/image.png' } : { b64_json: FAKE_PNG_B64, ...(model === 'dall-e-3' ? { revised_prompt: String(get('prompt')) } : {}) }));
  const usage = gpt ? { usage: { ...FAKE_IMAGE_USAGE, output_tokens: FAKE_IMAGE_USAGE.output_tokens * n, total_tokens: FAKE_IMAGE_USAGE.input_tokens + FAKE_IMAGE_USAGE.output_tokens * n } } : {};
  return sendJson(ctx, 200, { created, data, ...(gpt ? { background: 'opaque', output_format: 'png', quality, size } : {}), ...usage });
}

/** Seconds of a 16 kHz 16-bit mono WAV (what the tests upload): its data bytes over 32,000. */
function secondsOf(file: File): number {
  return Math.max(0, file.size - 44) / 32_000;
}

async function transcription(ctx: RequestContext, translation: boolean, model: string, get: (name: string) => unknown, delayMs: number): Promise<void> {
  const file = get('file');
  if (!(file instanceof File)) return bad(ctx, "Missing required parameter: 'file'.", 'file', 'missing_required_parameter');
  const seconds = secondsOf(file);
  const text = `Heard ${file.size} bytes (${createHash('sha256').update(Buffer.from(await file.arrayBuffer())).digest('hex').slice(0, 12)}).`;
  const gpt = model.startsWith('gpt-4o');
  const format = String(get('response_format') ?? 'json');
  // Whisper bills by the second (rounded up); the gpt-4o transcribers by the token.
  const usage = gpt ? FAKE_TRANSCRIBE_USAGE : { type: 'duration', seconds: Math.ceil(seconds) };
  if (get('stream') === 'true') {
    if (!gpt) return bad(ctx, 'Streaming is not supported for the whisper-1 model.', 'stream');
    const sse = await openSse(ctx, delayMs);
    for (const word of text.split(' ')) if (!(await sse.send(JSON.stringify({ type: 'transcript.text.delta', delta: `${word} `, logprobs: null })))) return;
    if (!(await sse.send(JSON.stringify({ type: 'transcript.text.done', text, logprobs: null, usage })))) return;
    return sse.end();
  }
  switch (format) {
    case 'text':
    case 'srt':
    case 'vtt': {
      const body = format === 'text' ? `${text}\n` : format === 'srt' ? `1\n00:00:00,000 --> 00:00:01,000\n${text}\n\n` : `WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n${text}\n\n`;
      ctx.res.writeHead(200, { ...ctx.headers, 'content-type': 'text/plain; charset=utf-8', 'content-length': String(Buffer.byteLength(body)) });
      ctx.res.end(body);
      return;
    }
    case 'verbose_json':
      // The verbose answer says how long the audio was; no usage object.
      return sendJson(ctx, 200, { task: translation ? 'translate' : 'transcribe', language: 'english', duration: seconds, text, segments: [] });
    default:
      // Translations answer `{text}` alone (no usage): the gateway reads the file's length.
      return sendJson(ctx, 200, translation ? { text } : { text, usage });
  }
}

async function speech(ctx: RequestContext, model: string, get: (name: string) => unknown, delayMs: number): Promise<void> {
  if (typeof get('input') !== 'string') return bad(ctx, "Missing required parameter: 'input'.", 'input', 'missing_required_parameter');
  if (get('voice') === undefined) return bad(ctx, "Missing required parameter: 'voice'.", 'voice', 'missing_required_parameter');
  const chunks = [FAKE_SPEECH_BYTES.subarray(0, 16 * 1024), FAKE_SPEECH_BYTES.subarray(16 * 1024, 32 * 1024), FAKE_SPEECH_BYTES.subarray(32 * 1024)];
  if (get('stream_format') === 'sse') {
    const sse = await openSse(ctx, delayMs);
    for (const chunk of chunks) if (!(await sse.send(JSON.stringify({ type: 'speech.audio.delta', audio: chunk.toString('base64') })))) return;
    if (!(await sse.send(JSON.stringify({ type: 'speech.audio.done', usage: model.startsWith('gpt-4o') ? FAKE_SPEECH_USAGE : undefined })))) return;
    return sse.end();
  }
  const format = String(get('response_format') ?? 'mp3');
  const type = format === 'wav' ? 'audio/wav' : format === 'opus' ? 'audio/opus' : format === 'pcm' ? 'audio/pcm' : 'audio/mpeg';
  ctx.res.writeHead(200, { ...ctx.headers, 'content-type': type, 'transfer-encoding': 'chunked' });
  for (const [i, chunk] of chunks.entries()) {
    if (i > 0 && delayMs > 0) await ctx.sleep(delayMs);
    if (ctx.streamFault?.kind === 'cut-mid-stream' && ctx.streamFault.afterEvents === i) return void ctx.res.destroy();
    await new Promise<void>((resolve) => (ctx.res.destroyed ? resolve() : ctx.res.write(chunk, () => resolve())));
  }
  ctx.res.end();
}
