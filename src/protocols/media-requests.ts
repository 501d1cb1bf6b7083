import { GatewayError } from './errors.js';
import type { Operation } from './operations.js';
import type { ClientBody } from './requests.js';
import { jsonShapeMessage, jsonShapeProblem } from './json-limits.js';

/**
 * The bodies of OpenAI's images and audio endpoints: JSON (image
 * generations, speech) or multipart/form-data (image edits, transcriptions,
 * translations). Only the fields Switchboard acts on are checked (the model,
 * streaming, how many images, the file); every other field reaches the
 * upstream as the client sent it.
 * @see https://platform.openai.com/docs/api-reference/images
 * @see https://platform.openai.com/docs/api-reference/audio
 */
export interface MediaBody extends ClientBody {
  /**
   * The client's form (multipart bodies), null for JSON. For a form, `json`
   * holds its text fields, and each file as `{file, type, bytes}` (never its
   * content), so limits, logging and routing read one shape.
   */
  form: FormData | null;
  /** The uploaded audio of a transcription or translation (the `file` field). */
  audioFile?: File;
}

/** Most images one request may ask for (`n`), as OpenAI documents for every image model. */
export const MAX_IMAGES = 10;

/** Reads and checks an images or audio body; a bad one becomes a 400 naming the field. */
export async function parseMediaBody(op: Operation, bytes: Uint8Array<ArrayBuffer>, contentType: string | undefined): Promise<MediaBody> {
  const type = (contentType ?? '').toLowerCase();
  if (type.startsWith('multipart/form-data')) return checkForm(op, await readForm(bytes, contentType!));
  if (op.endpoint === 'transcriptions' || op.endpoint === 'translations')
    throw new GatewayError('SB_ERR_BAD_REQUEST', `content-type: ${op.endpoint} take a multipart/form-data body with the audio in \`file\``, 'content-type');
  if (op.endpoint === 'image_edits' && !type.includes('json'))
    throw new GatewayError('SB_ERR_BAD_REQUEST', 'content-type: image edits take a multipart/form-data body (or JSON with image URLs)', 'content-type');
  return checkJson(op, new TextDecoder().decode(bytes));
}

async function readForm(bytes: Uint8Array<ArrayBuffer>, contentType: string): Promise<FormData> {
  try {
    // The platform's own multipart parser (Node 20 and Workers both have it): no hand-parsing of boundaries.
    return await new Response(bytes, { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw new GatewayError('SB_ERR_BAD_REQUEST', 'request body is not a valid multipart/form-data body', 'content-type');
  }
}

function checkJson(op: Operation, text: string): MediaBody {
  const tooBig = jsonShapeProblem(text);
  if (tooBig) throw new GatewayError('SB_ERR_BAD_REQUEST', jsonShapeMessage(tooBig));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new GatewayError('SB_ERR_BAD_REQUEST', 'request body is not valid JSON');
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new GatewayError('SB_ERR_BAD_REQUEST', 'request body must be a JSON object');
  const body = json as Record<string, unknown>;
  const model = requireText(body.model, 'model');
  if (op.endpoint === 'speech') requireText(body.input, 'input');
  else requireText(body.prompt, 'prompt');
  if (op.protocol === 'openai-images') checkImageCount(body.n);
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean') throw fieldError('stream', 'must be a boolean');
  // Speech streams as SSE when `stream_format` is `sse`; otherwise its audio bytes are piped as they come.
  const stream = body.stream === true || (op.endpoint === 'speech' && body.stream_format === 'sse');
  return { json: body, model, stream, form: null };
}

function checkForm(op: Operation, form: FormData): MediaBody {
  const json: Record<string, unknown> = {};
  for (const [name, value] of form.entries()) {
    const entry = typeof value === 'string' ? value : { file: value.name, type: value.type, bytes: value.size };
    // A repeated field (`image[]`, `timestamp_granularities[]`) is listed in order.
    if (name in json) json[name] = [...(Array.isArray(json[name]) ? (json[name] as unknown[]) : [json[name]]), entry];
    else json[name] = entry;
  }
  const model = requireText(textField(form, 'model'), 'model');
  let audioFile: File | undefined;
  if (op.protocol === 'openai-images') {
    requireText(textField(form, 'prompt'), 'prompt');
    const images = [...form.getAll('image'), ...form.getAll('image[]')];
    if (images.length === 0) throw fieldError('image', 'is required: the image to edit, as a file');
    if (images.some((image) => typeof image === 'string')) throw fieldError('image', 'must be a file, not a text field');
    const mask = form.get('mask');
    if (typeof mask === 'string') throw fieldError('mask', 'must be a file, not a text field');
    const n = form.get('n');
    checkImageCount(typeof n === 'string' ? Number(n) : n === null ? undefined : NaN);
  } else {
    const file = form.get('file');
    if (file === null) throw fieldError('file', 'is required: the audio to transcribe, as a file');
    if (typeof file === 'string') throw fieldError('file', 'must be a file, not a text field');
    audioFile = file;
  }
  const stream = textField(form, 'stream');
  if (stream !== undefined && stream !== 'true' && stream !== 'false') throw fieldError('stream', 'must be true or false');
  return { json, model, stream: stream === 'true', form, ...(audioFile ? { audioFile } : {}) };
}

/** A form's text field; a file under that name is refused, naming it. */
function textField(form: FormData, name: string): string | undefined {
  const value = form.get(name);
  if (value === null) return undefined;
  if (typeof value !== 'string') throw fieldError(name, 'must be a text field, not a file');
  return value;
}

function requireText(value: unknown, field: string): string {
  if (value === undefined || value === null) throw fieldError(field, 'is required');
  if (typeof value !== 'string') throw fieldError(field, 'must be a string');
  if (value === '') throw fieldError(field, 'must not be empty');
  return value;
}

function checkImageCount(n: unknown): void {
  if (n === undefined || n === null) return;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_IMAGES) throw fieldError('n', `must be an integer from 1 to ${MAX_IMAGES}`);
}

function fieldError(field: string, problem: string): GatewayError {
  return new GatewayError('SB_ERR_BAD_REQUEST', `${field}: ${problem}`, field);
}

/**
 * The body for one upstream: the client's JSON or form with the upstream's
 * model id in `model`, every other field (files byte for byte) as it came.
 */
export async function mediaBodyFor(body: MediaBody, upstreamModel: string): Promise<{ body?: string; multipart?: { bytes: Uint8Array<ArrayBuffer>; contentType: string } }> {
  if (!body.form) return { body: JSON.stringify({ ...body.json, model: upstreamModel }) };
  const out = new FormData();
  for (const [name, value] of body.form.entries()) out.append(name, name === 'model' ? upstreamModel : value);
  // The platform encodes the form (and picks its boundary), as a fetch of it would.
  const encoded = new Response(out);
  return { multipart: { bytes: new Uint8Array(await encoded.arrayBuffer()), contentType: encoded.headers.get('content-type') ?? 'multipart/form-data' } };
}
