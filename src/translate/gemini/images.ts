import type { Usage } from '../ir.js';
import { decodeGeminiUsage } from './convert-gemini-usage.js';

/**
 * OpenAI's images API asked of a Gemini image model (`gemini-2.5-flash-image`
 * and the like): one `generateContent` call whose `generationConfig` asks for
 * images only, the prompt as text and, for an edit, the images as inline
 * data; the image parts of the answer become `data[].b64_json`.
 * @see https://ai.google.dev/gemini-api/docs/image-generation
 * @see https://ai.google.dev/api/generate-content#v1beta.GenerationConfig (responseModalities, imageConfig)
 * @see https://platform.openai.com/docs/api-reference/images/create
 */

/** The aspect ratios Gemini's `imageConfig.aspectRatio` takes. */
const ASPECT_RATIOS = ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9'];

export interface GeminiImagesRequest {
  body: string;
  /** OpenAI fields Gemini has no counterpart for, left out. */
  warnings: string[];
}

/** The generateContent body for an images request; `images` are an edit's uploads. */
export async function geminiImagesRequest(json: Record<string, unknown>, images: Blob[]): Promise<GeminiImagesRequest> {
  const warnings: string[] = [];
  const parts: unknown[] = [{ text: String(json.prompt ?? '') }];
  for (const image of images) parts.push({ inlineData: { mimeType: image.type || 'image/png', data: base64(new Uint8Array(await image.arrayBuffer())) } });
  const generationConfig: Record<string, unknown> = { responseModalities: ['IMAGE'] };
  const ratio = aspectRatioOf(json.size, ASPECT_RATIOS);
  if (ratio) generationConfig.imageConfig = { aspectRatio: ratio };
  else if (typeof json.size === 'string' && json.size !== 'auto') warnings.push(`size ${json.size} has no Gemini aspect ratio; the model's default was used`);
  if (json.mask !== undefined) warnings.push('mask is not supported by Gemini image models; the edit follows the prompt alone');
  const n = Number(json.n ?? 1);
  if (n > 1) warnings.push('n: Gemini makes one image per call; one was asked for');
  if (json.response_format === 'url') warnings.push('response_format url: Gemini answers with the image itself, sent as b64_json');
  return { body: JSON.stringify({ contents: [{ role: 'user', parts }], generationConfig }), warnings };
}

/** `1536x1024` -> `3:2`, when the model takes that ratio (one of `allowed`). */
export function aspectRatioOf(size: unknown, allowed: readonly string[]): string | undefined {
  const match = typeof size === 'string' ? /^(\d+)x(\d+)$/.exec(size) : null;
  if (!match) return undefined;
  const [w, h] = [Number(match[1]), Number(match[2])];
  if (w === 0 || h === 0) return undefined;
  const d = gcd(w, h);
  const ratio = `${w / d}:${h / d}`;
  return allowed.includes(ratio) ? ratio : undefined;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  // In slices: String.fromCharCode takes its arguments on the stack.
  for (let at = 0; at < bytes.length; at += 0x8000) binary += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  return btoa(binary);
}

/**
 * Gemini's answer as OpenAI's images response: each inline image part of the
 * candidates as one `data[]` entry; usage as Gemini counted it (tokens).
 */
export function geminiImagesAnswer(answer: unknown, asked: Record<string, unknown>): { body: unknown; used: { usage?: Usage } } {
  const record = isRecord(answer) ? answer : {};
  const data: { b64_json: string }[] = [];
  let format: string | undefined;
  for (const candidate of Array.isArray(record.candidates) ? record.candidates : []) {
    const parts = isRecord(candidate) && isRecord(candidate.content) && Array.isArray(candidate.content.parts) ? candidate.content.parts : [];
    for (const part of parts) {
      const inline = isRecord(part) ? (part.inlineData ?? part.inline_data) : undefined;
      if (!isRecord(inline) || typeof inline.data !== 'string') continue;
      data.push({ b64_json: inline.data });
      const type = inline.mimeType ?? inline.mime_type;
      if (typeof type === 'string') format ??= type.replace(/^image\//, '');
    }
  }
  const usage = decodeGeminiUsage(record.usageMetadata);
  const body = {
    created: Math.floor(Date.now() / 1000),
    data,
    ...(format ? { output_format: format } : {}),
    ...(typeof asked.size === 'string' ? { size: asked.size } : {}),
    ...(usage ? { usage: { input_tokens: usage.inputTokens + usage.cacheReadTokens, output_tokens: usage.outputTokens, total_tokens: usage.inputTokens + usage.cacheReadTokens + usage.outputTokens } } : {}),
  };
  return { body, used: usage ? { usage } : {} };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
