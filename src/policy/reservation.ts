import type { Endpoint } from '../protocols/protocol.js';
import type { ClientBody } from '../protocols/requests.js';
import { costOf, roundUsd, type Price } from '../usage/cost.js';
import { ZERO_USAGE, type Usage } from '../translate/ir.js';
import { mediaEstimate } from './media-estimate.js';

/** Endpoints reserved by images, audio and characters (policy/media-estimate.ts), not by their JSON's length. */
const MEDIA_ENDPOINTS: ReadonlySet<Endpoint> = new Set(['images', 'image_edits', 'transcriptions', 'translations', 'speech']);

/** Output reserved when the request sets no ceiling of its own. */
export const DEFAULT_OUTPUT_RESERVATION = 1_024;

/** What a request is taken to use until its real usage is known. */
export interface Estimate {
  tokens: number;
  usd: number;
}

/**
 * A cheap, deliberately rough estimate made before the upstream is called:
 * about four characters of JSON per input token, plus the output ceiling the
 * request asks for. It only has to bound in-flight spend; each reservation is
 * replaced by the real figures when the request ends.
 */
export function estimateRequest(endpoint: Endpoint, body: ClientBody, price: Price | null): Estimate {
  if (endpoint === 'rerank') return rerankEstimate(body.json, price);
  if (MEDIA_ENDPOINTS.has(endpoint)) return mediaEstimate(endpoint, body, price);
  const input = inputEstimate(JSON.stringify(body.json));
  const output = endpoint === 'embeddings' ? 0 : endpoint === 'completions' ? completionsCeiling(body.json) : outputCeiling(body.json) ?? DEFAULT_OUTPUT_RESERVATION;
  return { tokens: input + output, usd: costOf({ ...ZERO_USAGE, inputTokens: input, outputTokens: output }, price) ?? 0 };
}

/**
 * Text at about four characters a token, but inline media (base64 runs, an
 * image or a PDF page) at a flat figure: a 2 MB image is some 1,600 tokens to
 * the vendors, not half a million, and reserving it as text would refuse the
 * key's next requests for nothing.
 */
const MEDIA_RUN_CHARS = 4096;
const TOKENS_PER_MEDIA = 1600;

/**
 * One pass over the text, counting runs of base64 characters of
 * MEDIA_RUN_CHARS or more. (A regular expression for the same runs,
 * `/[A-Za-z0-9+/]{4096,}/g`, retries from every position of a shorter run:
 * quadratic on a body of 4,095-character runs, seconds of event loop per megabyte.)
 */
function inputEstimate(text: string): number {
  let media = 0;
  let mediaChars = 0;
  let run = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i < text.length && isBase64Char(text.charCodeAt(i))) {
      run++;
      continue;
    }
    if (run >= MEDIA_RUN_CHARS) {
      media++;
      mediaChars += run;
    }
    run = 0;
  }
  return Math.ceil((text.length - mediaChars) / 4) + media * TOKENS_PER_MEDIA;
}

function isBase64Char(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2f;
}

/**
 * The request's own output limit, in whichever field its protocol uses:
 * OpenAI Chat `max_completion_tokens` / `max_tokens`, Responses
 * `max_output_tokens`, Anthropic `max_tokens`, Gemini `generationConfig.maxOutputTokens`.
 */
function outputCeiling(json: Record<string, unknown>): number | undefined {
  const config = json.generationConfig as Record<string, unknown> | undefined;
  for (const value of [json.max_completion_tokens, json.max_tokens, json.max_output_tokens, config?.maxOutputTokens])
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  return undefined;
}

/**
 * Legacy completions: `max_tokens` (16 when absent, as OpenAI documents) for
 * each choice generated, `best_of` (or `n`) of them per prompt.
 * @see https://platform.openai.com/docs/api-reference/completions/create
 */
function completionsCeiling(json: Record<string, unknown>): number {
  // OpenAI takes at most 128 choices (`n`) and 20 `best_of`; a larger figure is refused upstream, not reserved.
  const count = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) && value >= 1 ? Math.min(value, 128) : 1);
  const prompts = Array.isArray(json.prompt) && json.prompt.some((p) => typeof p !== 'number') ? json.prompt.length : 1;
  // Absent: OpenAI's default of 16; null: no ceiling asked for.
  const perChoice = json.max_tokens === null ? DEFAULT_OUTPUT_RESERVATION : typeof json.max_tokens === 'number' && Number.isFinite(json.max_tokens) && json.max_tokens >= 0 ? json.max_tokens : 16;
  return perChoice * Math.max(count(json.n), count(json.best_of)) * Math.max(1, prompts);
}

/** Every token a request used, counted once: input (cached or not) and output (reasoning is part of it). */
export function tokensUsed(usage: Usage): number {
  return usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens + usage.outputTokens;
}

/**
 * Rerank: no output, and input as the rerankers count it, the query once per
 * document plus every document (Voyage's "total number of tokens"), at four
 * characters a token; and one search per 100 documents (Cohere's unit).
 * Priced by whichever of the two the model's price names, both when it names both.
 * @see https://docs.voyageai.com/docs/faq#what-is-the-total-number-of-tokens-for-the-rerankers
 * @see https://cohere.com/pricing
 */
function rerankEstimate(json: Record<string, unknown>, price: Price | null): Estimate {
  const documents = Array.isArray(json.documents) ? json.documents : [];
  const query = typeof json.query === 'string' ? json.query.length : 0;
  const chars = documents.reduce<number>((sum, doc) => sum + query + (typeof doc === 'string' ? doc.length : JSON.stringify(doc).length), 0);
  const tokens = Math.ceil(chars / 4);
  const searches = Math.max(1, Math.ceil(documents.length / 100));
  const byTokens = price?.input !== undefined ? (tokens * price.input) / 1_000_000 : 0;
  const bySearch = price?.search !== undefined ? searches * price.search : 0;
  return { tokens, usd: roundUsd(byTokens + bySearch) };
}
