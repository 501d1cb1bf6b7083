import { ZERO_USAGE, type Units, type Usage } from '../translate/ir.js';

/**
 * What an images or audio request used, as it is billed: the vendor's tokens
 * when it reports them (gpt-image-1, gpt-4o-transcribe, gpt-4o-mini-tts),
 * else the units it bills by (images by size and quality, seconds of audio,
 * characters spoken). One or the other, never both, so a model priced both
 * ways (tokens, and per image for answers without a count) is never charged twice.
 */
export interface MediaUsage {
  usage?: Usage;
  units?: Units;
  /** The figure is the gateway's own (the audio's length read from the file), not the upstream's. */
  estimated?: boolean;
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

/**
 * Token usage in the images and audio APIs' shape: `input_tokens` (cached
 * ones in `input_tokens_details.cached_tokens`), `output_tokens`. Undefined
 * when the object carries no tokens (whisper's `{type: "duration"}`).
 * @see https://platform.openai.com/docs/api-reference/images/object
 * @see https://platform.openai.com/docs/api-reference/audio/json-object
 */
export function mediaTokens(usage: unknown): Usage | undefined {
  if (!isRecord(usage) || usage.type === 'duration') return undefined;
  if (typeof usage.input_tokens !== 'number' && typeof usage.output_tokens !== 'number') return undefined;
  const details = isRecord(usage.input_tokens_details) ? usage.input_tokens_details : {};
  const cached = Math.min(count(details.cached_tokens), count(usage.input_tokens));
  return { ...ZERO_USAGE, inputTokens: count(usage.input_tokens) - cached, cacheReadTokens: cached, outputTokens: count(usage.output_tokens) };
}

function addUsage(a: Usage | undefined, b: Usage): Usage {
  if (!a) return b;
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
    reasoningTokens: a.reasoningTokens + b.reasoningTokens,
  };
}

/** The size every OpenAI image model makes when none is asked for. */
const DEFAULT_IMAGE_SIZE = '1024x1024';

/**
 * Images made: the answer's tokens, or else its images counted with the size
 * and quality they were made at (the answer's own `size` and `quality` when
 * it says, as gpt-image-1 does for `auto`; else the request's).
 * @see https://platform.openai.com/docs/api-reference/images/object
 */
export function imagesUsage(answer: unknown, asked: Json): MediaUsage {
  const body = isRecord(answer) ? answer : {};
  const usage = mediaTokens(body.usage);
  if (usage) return { usage };
  const images = Array.isArray(body.data) ? body.data.length : 0;
  return { units: imageUnits(images, body, asked) };
}

function imageUnits(images: number, answer: Json, asked: Json): Units {
  const size = stringOf(answer.size) ?? stringOf(asked.size);
  const quality = stringOf(answer.quality) ?? stringOf(asked.quality);
  return {
    images,
    imageSize: size === undefined || size === 'auto' ? DEFAULT_IMAGE_SIZE : size,
    ...(quality === undefined || quality === 'auto' ? {} : { imageQuality: quality }),
  };
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Audio transcribed or translated: the upstream's `usage` (tokens, or
 * `{type: "duration", seconds}`), else a verbose_json answer's `duration`,
 * else the file's length as the gateway read it (estimated).
 * @see https://platform.openai.com/docs/api-reference/audio/json-object
 * @see https://platform.openai.com/docs/api-reference/audio/verbose-json-object
 */
export function transcriptionUsage(answer: unknown, fileSeconds: number | undefined): MediaUsage {
  const body = isRecord(answer) ? answer : {};
  const fromUsage = audioUsage(body.usage);
  if (fromUsage) return fromUsage;
  if (typeof body.duration === 'number' && body.duration >= 0) return { units: { audioSeconds: body.duration } };
  return fileSeconds === undefined ? {} : { units: { audioSeconds: fileSeconds }, estimated: true };
}

function audioUsage(usage: unknown): MediaUsage | undefined {
  if (!isRecord(usage)) return undefined;
  if (usage.type === 'duration' && typeof usage.seconds === 'number') return { units: { audioSeconds: count(usage.seconds) } };
  const tokens = mediaTokens(usage);
  return tokens ? { usage: tokens } : undefined;
}

/** Characters of text spoken: what tts-1 and tts-1-hd bill. Code points, not UTF-16 units. */
export function speechCharacters(input: unknown): number {
  return typeof input === 'string' ? Array.from(input).length : 0;
}

/**
 * Reads usage from the events of a streamed image, transcription or speech
 * answer as they pass: the `usage` of `image_generation.completed` /
 * `image_edit.completed` (one per image), `transcript.text.done` and
 * `speech.audio.done`. `closed` tells whether the closing event came.
 * @see https://platform.openai.com/docs/api-reference/images-streaming
 * @see https://platform.openai.com/docs/api-reference/audio/transcript-text-done-event
 * @see https://platform.openai.com/docs/api-reference/audio/speech-audio-done-event
 */
export class MediaStreamUsage {
  private tokens: Usage | undefined;
  private images = 0;
  private seconds: number | undefined;
  private closing = 0;
  private last: Json = {};

  /** `expectedImages`: how many completed images close an image stream (`n`). */
  constructor(private readonly expectedImages = 1) {}

  see(type: string | undefined, data: string): void {
    if (type === undefined || !CLOSING_EVENTS.has(type)) return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return;
    }
    if (!isRecord(json)) return;
    this.closing++;
    this.last = json;
    if (type.endsWith('.completed')) this.images++;
    const audio = audioUsage(json.usage);
    if (audio?.usage) this.tokens = addUsage(this.tokens, audio.usage);
    if (audio?.units?.audioSeconds !== undefined) this.seconds = (this.seconds ?? 0) + audio.units.audioSeconds;
  }

  /** The closing event came (for images: one completed event per image asked for). */
  closed(kind: 'images' | 'audio'): boolean {
    return kind === 'images' ? this.images >= this.expectedImages : this.closing > 0;
  }

  /** What the stream used, as far as its events said. */
  result(kind: 'images' | 'audio', asked: Json): MediaUsage {
    if (this.tokens) return { usage: this.tokens };
    if (kind === 'images') return this.images > 0 ? { units: imageUnits(this.images, this.last, asked) } : {};
    return this.seconds === undefined ? {} : { units: { audioSeconds: this.seconds } };
  }
}

const CLOSING_EVENTS = new Set(['image_generation.completed', 'image_edit.completed', 'transcript.text.done', 'speech.audio.done']);
