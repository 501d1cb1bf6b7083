/**
 * OpenAI's image generations asked of an Imagen model on a Gemini upstream
 * (`imagen-4.0-generate-001` and the like): one `models/{m}:predict` call,
 * `instances: [{prompt}]` and `parameters: {sampleCount, aspectRatio}`; the
 * answer's `predictions[].bytesBase64Encoded` become `data[].b64_json`.
 * Imagen reports no tokens: the row keeps the images, priced per image.
 * @see https://ai.google.dev/gemini-api/docs/imagen
 * @see https://platform.openai.com/docs/api-reference/images/create
 */
import { isRecord } from '../shared/json.js';
import { aspectRatioOf } from './images.js';

/** The aspect ratios Imagen's `parameters.aspectRatio` takes. */
const IMAGEN_ASPECT_RATIOS = ['1:1', '3:4', '4:3', '9:16', '16:9'];

/** Imagen makes at most four images a call. */
const MAX_SAMPLES = 4;

export function isImagenModel(model: string): boolean {
  return /(^|\/)imagen-/.test(model);
}

export function imagenRequest(json: Record<string, unknown>): { body: string; warnings: string[] } {
  const warnings: string[] = [];
  const asked = Number(json.n ?? 1);
  const sampleCount = Math.min(Number.isInteger(asked) && asked > 0 ? asked : 1, MAX_SAMPLES);
  if (asked > MAX_SAMPLES) warnings.push(`n: Imagen makes at most ${MAX_SAMPLES} images a call; ${MAX_SAMPLES} were asked for`);
  const parameters: Record<string, unknown> = { sampleCount };
  const ratio = aspectRatioOf(json.size, IMAGEN_ASPECT_RATIOS);
  if (ratio) parameters.aspectRatio = ratio;
  else if (typeof json.size === 'string' && json.size !== 'auto') warnings.push(`size ${json.size} has no Imagen aspect ratio; the model's default was used`);
  if (json.response_format === 'url') warnings.push('response_format url: Imagen answers with the image itself, sent as b64_json');
  return { body: JSON.stringify({ instances: [{ prompt: String(json.prompt ?? '') }], parameters }), warnings };
}

/** Imagen's answer as OpenAI's images response (its images are then counted as OpenAI's are, by usage/media-usage.ts). */
export function imagenAnswer(answer: unknown, asked: Record<string, unknown>): Record<string, unknown> {
  const predictions = isRecord(answer) && Array.isArray(answer.predictions) ? answer.predictions.filter(isRecord) : [];
  const data = predictions.filter((p) => typeof p.bytesBase64Encoded === 'string').map((p) => ({ b64_json: p.bytesBase64Encoded as string }));
  const type = predictions.find((p) => typeof p.mimeType === 'string')?.mimeType as string | undefined;
  const body = {
    created: Math.floor(Date.now() / 1000),
    data,
    ...(type ? { output_format: type.replace(/^image\//, '') } : {}),
    ...(typeof asked.size === 'string' ? { size: asked.size } : {}),
  };
  return body;
}
