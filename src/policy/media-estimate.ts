import type { Endpoint } from '../protocols/protocol.js';
import type { ClientBody } from '../protocols/requests.js';
import { costOf, type Price } from '../usage/cost.js';
import { ZERO_USAGE } from '../translate/ir.js';
import type { Units } from '../translate/ir.js';

/** What a request is taken to use until its real usage is known (policy/reservation.ts). */
export interface MediaEstimate {
  tokens: number;
  usd: number;
}

/**
 * Output tokens reserved per image for models billed by the token: 6,240,
 * gpt-image-1's most for one image (high quality, 1024x1536), per the cost
 * table of OpenAI's image generation guide.
 * @see https://platform.openai.com/docs/guides/image-generation#cost-and-latency
 */
const TOKENS_PER_IMAGE = 6_240;

/**
 * Tokens reserved per second of audio for transcription models billed by the
 * token: audio in and text out together, an upper bound (speech is some
 * ten audio tokens and three or four text tokens a second).
 */
const TOKENS_PER_AUDIO_SECOND = 24;

/** Speech models billed by the token: the text in, and audio out at about six tokens per text token, at two per character. */
const SPEECH_TOKENS_PER_CHARACTER = 2;

/**
 * The reservation of an images or audio request, made before the call so
 * that a burst cannot overrun a USD budget: `n` images at the price for the
 * size and quality asked (the table's dearest when it has none for them),
 * the uploaded audio's minutes, the characters to speak; or, for models
 * billed by the token, a generous token count at the model's token prices.
 */
export function mediaEstimate(endpoint: Endpoint, body: ClientBody, price: Price | null): MediaEstimate {
  const json = body.json;
  switch (endpoint) {
    case 'images':
    case 'image_edits': {
      const n = Math.max(1, Math.min(10, Math.floor(Number(json.n ?? 1)) || 1));
      const tokens = n * TOKENS_PER_IMAGE;
      const each = reservedImagePrice(price, json.size, json.quality);
      return { tokens, usd: each !== undefined ? n * each : tokenCost(tokens, 0, price) };
    }
    case 'speech': {
      const characters = typeof json.input === 'string' ? Array.from(json.input).length : 0;
      const tokens = Math.ceil(characters / 4) + SPEECH_TOKENS_PER_CHARACTER * characters;
      if (price?.characters !== undefined) return { tokens, usd: unitCost({ characters }, price) };
      return { tokens, usd: tokenCost(Math.ceil(characters / 4), SPEECH_TOKENS_PER_CHARACTER * characters, price) };
    }
    default: {
      // Transcriptions and translations: the file's length, read before the call.
      const seconds = body.audioSeconds ?? 0;
      const tokens = Math.ceil(seconds * TOKENS_PER_AUDIO_SECOND);
      if (price?.audioMinute !== undefined) return { tokens, usd: unitCost({ audioSeconds: seconds }, price) };
      return { tokens, usd: tokenCost(tokens, tokens, price) };
    }
  }
}

/** The per-image price for the size and quality asked, else the dearest in the table (sizes like `auto` are decided by the model). */
function reservedImagePrice(price: Price | null, size: unknown, quality: unknown): number | undefined {
  const table = price?.image;
  if (table === undefined) return undefined;
  if (typeof table === 'number') return table;
  const s = typeof size === 'string' ? size : undefined;
  const q = typeof quality === 'string' ? quality : undefined;
  for (const name of [q && s ? `${q} ${s}` : undefined, s, q]) if (name !== undefined && table[name] !== undefined) return table[name];
  const values = Object.values(table);
  return values.length > 0 ? Math.max(...values) : undefined;
}

function unitCost(units: Units, price: Price): number {
  return costOf(ZERO_USAGE, price, units) ?? 0;
}

function tokenCost(input: number, output: number, price: Price | null): number {
  return costOf({ ...ZERO_USAGE, inputTokens: input, outputTokens: output }, price) ?? 0;
}
