import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI, { toFile } from 'openai';
import { startFakeGemini, startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { FAKE_IMAGE_USAGE, FAKE_PNG_B64, FAKE_SPEECH_BYTES, FAKE_SPEECH_USAGE, FAKE_TRANSCRIBE_USAGE, sha256 } from '../fakes/openai-media.js';
import { FAKE_GEMINI_IMAGE_USAGE, FAKE_GEMINI_PNG } from '../fakes/gemini.js';
import { eventually, logRows, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';

// Images and audio through the official SDK, against a fake OpenAI speaking the exact formats
// (test/fakes/openai-media.ts) and a fake Gemini image model for the translation.

const BUDGET_KEY = 'sk-sb-test-key-media-budget-00000000000001';
const PRICES = {
  'image-test': { image: { 'hd 1024x1792': 0.12, '1024x1024': 0.04, hd: 0.08 } },
  'gpt-image-test': { input: 5, output: 40, image: { 'high 1024x1024': 0.167 } },
  'whisper-test': { audioMinute: 0.006 },
  'tts-test': { characters: 15 },
  'mini-tts-test': { input: 0.6, output: 12 },
  'imagen-test': { image: { '1024x1024': 0.04, '1792x1024': 0.06 } },
};

let openai: FakeUpstream;
let gemini: FakeUpstream;
let gw: NodeGateway;
let client: OpenAI;

/** A 16 kHz 16-bit mono WAV of `seconds`, its samples a pattern (so a changed byte changes its hash). */
function wav(seconds: number): Buffer {
  const data = Math.round(seconds * 16_000) * 2;
  const out = Buffer.alloc(44 + data);
  out.write('RIFF', 0);
  out.writeUInt32LE(36 + data, 4);
  out.write('WAVEfmt ', 8);
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(1, 22);
  out.writeUInt32LE(16_000, 24);
  out.writeUInt32LE(32_000, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36);
  out.writeUInt32LE(data, 40);
  for (let i = 44; i < out.length; i++) out[i] = (i * 31 + 7) & 0xff;
  return out;
}

/** The fake's last call's form, parsed as the upstream would. */
async function lastForm(fake: FakeUpstream): Promise<FormData> {
  const call = fake.calls.at(-1)!;
  return new Request('http://x/', { method: 'POST', body: new Uint8Array(call.rawBytes), headers: { 'content-type': String(call.headers['content-type']) } }).formData();
}

async function rowOf(requestId: string | null) {
  return (await logRows(gw)).find((r) => r.id === requestId)!;
}

beforeAll(async () => {
  openai = await startFakeOpenAI();
  gemini = await startFakeGemini();
  const oai = (id: string) => ({ id, kind: 'openai', baseUrl: `${openai.url}/v1`, credentials: [{ key: 'sk-fake-openai' }] });
  gw = await startTestGateway({
    extra: {
      upstreams: [
        { id: 'mock', kind: 'mock', models: ['mock-model'] },
        oai('oai'),
        oai('oai-b'),
        { id: 'gem', kind: 'gemini', baseUrl: gemini.url, credentials: [{ key: 'fake-gemini-key' }] },
      ],
      models: [
        { id: 'image-test', routes: [{ upstream: 'oai', model: 'dall-e-3' }] },
        { id: 'gpt-image-test', routes: [{ upstream: 'oai', model: 'gpt-image-1' }] },
        { id: 'whisper-test', routes: [{ upstream: 'oai', model: 'whisper-1' }] },
        { id: 'transcribe-test', routes: [{ upstream: 'oai', model: 'gpt-4o-transcribe' }] },
        { id: 'tts-test', routes: [{ upstream: 'oai', model: 'tts-1' }, { upstream: 'oai-b', model: 'tts-1-hd' }] },
        { id: 'mini-tts-test', routes: [{ upstream: 'oai', model: 'gpt-4o-mini-tts' }] },
        { id: 'gemini-image-test', routes: [{ upstream: 'gem', model: 'gemini-2.5-flash-image' }] },
        { id: 'imagen-test', routes: [{ upstream: 'gem', model: 'imagen-4.0-generate-001' }] },
      ],
      aliases: [{ id: 'hd-images', targets: [{ model: 'image-test', overrides: { body: { quality: 'hd', style: 'natural' } } }] }],
      prices: PRICES,
      keys: [
        { name: 'tester', group: 'team-a', key: TEST_KEY },
        { name: 'budgeted', group: 'team-b', key: BUDGET_KEY, budget: { usd: 0.5, period: 'day' } },
      ],
    },
  });
  client = new OpenAI({ apiKey: TEST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await gw?.close();
  await openai?.close();
  await gemini?.close();
});
beforeEach(() => {
  openai.reset();
  gemini.reset();
});

describe('image generations', () => {
  it('passes a generation through with the upstream model, and bills its images by quality and size', async () => {
    const { data, response } = await client.images.generate({ model: 'image-test', prompt: 'a red fox', n: 2, size: '1024x1792', quality: 'hd' }).withResponse();
    expect(data.data).toHaveLength(2);
    expect(data.data![0].b64_json).toBe(FAKE_PNG_B64);
    expect(openai.calls.at(-1)!.body).toMatchObject({ model: 'dall-e-3', prompt: 'a red fox', n: 2, size: '1024x1792', quality: 'hd' });
    const row = await rowOf(response.headers.get('x-request-id'));
    expect(row).toMatchObject({ endpoint: 'images', protocol: 'openai-images', status: 200, outcome: 'ok', upstreamModel: 'dall-e-3', inputTokens: 0, outputTokens: 0 });
    expect(row.units).toEqual({ images: 2, imageSize: '1024x1792', imageQuality: 'hd' });
    expect(row.costUsd).toBeCloseTo(0.24, 10);
  });

  it("applies an alias target's body overrides to a generation", async () => {
    const { response } = await client.images.generate({ model: 'hd-images', prompt: 'a heron', size: '1024x1792' }).withResponse();
    expect(openai.calls.at(-1)!.body).toMatchObject({ model: 'dall-e-3', prompt: 'a heron', quality: 'hd', style: 'natural' });
    const row = await rowOf(response.headers.get('x-request-id'));
    expect(row.units).toEqual({ images: 1, imageSize: '1024x1792', imageQuality: 'hd' });
  });

  it('bills gpt-image-1 by the tokens it reports, not per image', async () => {
    const { response } = await client.images.generate({ model: 'gpt-image-test', prompt: 'a lighthouse' }).withResponse();
    const row = await rowOf(response.headers.get('x-request-id'));
    expect(row).toMatchObject({ inputTokens: FAKE_IMAGE_USAGE.input_tokens, outputTokens: FAKE_IMAGE_USAGE.output_tokens });
    expect(row.units ?? null).toBeNull();
    expect(row.costUsd).toBeCloseTo((50 * 5 + 4160 * 40) / 1e6, 10);
  });

  it('streams partial images and the completed event as they came, reading usage from the completed one', async () => {
    const stream = await client.images.generate({ model: 'gpt-image-test', prompt: 'a kite', stream: true, partial_images: 2 });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types).toEqual(['image_generation.partial_image', 'image_generation.partial_image', 'image_generation.completed']);
    const row = (await logRows(gw))[0];
    expect(row).toMatchObject({ endpoint: 'images', stream: true, status: 200, outcome: 'ok', inputTokens: 50, outputTokens: 4160 });
  });

  it("asks an Imagen model through :predict (sampleCount, aspectRatio) and bills its images per image", async () => {
    const { data, response } = await client.images.generate({ model: 'imagen-test', prompt: 'a green hill', n: 2, size: '1024x1024' }).withResponse();
    const call = gemini.calls.at(-1)!;
    expect(call.path).toBe('/v1beta/models/imagen-4.0-generate-001:predict');
    expect(call.body).toEqual({ instances: [{ prompt: 'a green hill' }], parameters: { sampleCount: 2, aspectRatio: '1:1' } });
    expect(data.data!.map((d) => d.b64_json)).toEqual([FAKE_GEMINI_PNG, FAKE_GEMINI_PNG]);
    const row = await rowOf(response.headers.get('x-request-id'));
    expect(row).toMatchObject({ translation: 'openai-images -> gemini', status: 200, outcome: 'ok', upstreamModel: 'imagen-4.0-generate-001', inputTokens: 0, outputTokens: 0 });
    expect(row.units).toEqual({ images: 2, imageSize: '1024x1024' });
    expect(row.costUsd).toBeCloseTo(0.08, 10);
  });

  it('refuses an edit on an Imagen model with a 400 naming the model', async () => {
    const png = Buffer.from(FAKE_GEMINI_PNG, 'base64');
    const err = await client.images.edit({ model: 'imagen-test', prompt: 'make it blue', image: await toFile(png, 'a.png', { type: 'image/png' }) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as Error).message).toMatch(/Imagen/);
    expect(gemini.calls).toHaveLength(0);
  });

  it('translates a generation for a Gemini image model to generateContent asking for images', async () => {
    const { data, response } = await client.images.generate({ model: 'gemini-image-test', prompt: 'a blue bird', size: '1536x1024' }).withResponse();
    expect(data.data![0].b64_json).toBe(FAKE_GEMINI_PNG);
    const call = gemini.calls.at(-1)!;
    expect(call.path).toBe('/v1beta/models/gemini-2.5-flash-image:generateContent');
    expect(call.body).toEqual({ contents: [{ role: 'user', parts: [{ text: 'a blue bird' }] }], generationConfig: { responseModalities: ['IMAGE'], imageConfig: { aspectRatio: '3:2' } } });
    const row = await rowOf(response.headers.get('x-request-id'));
    expect(row).toMatchObject({ translation: 'openai-images -> gemini', inputTokens: FAKE_GEMINI_IMAGE_USAGE.promptTokenCount, outputTokens: FAKE_GEMINI_IMAGE_USAGE.candidatesTokenCount });
  });
});

describe('image edits', () => {
  it('passes the form through with its files byte for byte and the model rewritten', async () => {
    const first = Buffer.from(FAKE_PNG_B64, 'base64');
    const second = Buffer.concat([first, Buffer.from('second image')]);
    const mask = Buffer.from('mask bytes \x00\x01\x02\xff', 'latin1');
    const { data, response } = await client.images
      .edit({
        model: 'image-test',
        prompt: 'add a hat',
        image: [await toFile(first, 'a.png', { type: 'image/png' }), await toFile(second, 'b.png', { type: 'image/png' })],
        mask: await toFile(mask, 'mask.png', { type: 'image/png' }),
        size: '1024x1024',
      })
      .withResponse();
    expect(data.data).toHaveLength(1);
    const form = await lastForm(openai);
    expect(form.get('model')).toBe('dall-e-3');
    expect(form.get('prompt')).toBe('add a hat');
    const images = form.getAll('image[]') as File[];
    expect(images.map((f) => f.name)).toEqual(['a.png', 'b.png']);
    expect(await Promise.all(images.map(async (f) => sha256(new Uint8Array(await f.arrayBuffer()))))).toEqual([sha256(first), sha256(second)]);
    expect(sha256(new Uint8Array(await (form.get('mask') as File).arrayBuffer()))).toBe(sha256(mask));
    const row = await rowOf(response.headers.get('x-request-id'));
    expect(row).toMatchObject({ endpoint: 'image_edits', status: 200 });
    expect(row.units).toEqual({ images: 1, imageSize: '1024x1024' });
    expect(row.costUsd).toBeCloseTo(0.04, 10);
  });

  it('refuses a form without its image, naming the field, before any upstream is called', async () => {
    const err = await client.images.edit({ model: 'image-test', prompt: 'x', image: undefined as unknown as File }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('image');
    expect(openai.calls).toHaveLength(0);
    expect((await logRows(gw))[0]).toMatchObject({ status: 400, outcome: 'error' });
  });

  it('refuses n out of range and a model sent as a file', async () => {
    const png = await toFile(Buffer.from(FAKE_PNG_B64, 'base64'), 'a.png', { type: 'image/png' });
    const many = await client.images.edit({ model: 'image-test', prompt: 'x', image: png, n: 11 }).catch((e: unknown) => e);
    expect((many as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('n');
    const form = new FormData();
    form.append('model', new Blob(['image-test']), 'model.txt');
    form.append('prompt', 'x');
    form.append('image', new Blob([Buffer.from(FAKE_PNG_B64, 'base64')], { type: 'image/png' }), 'a.png');
    const res = await fetch(`${gw.url}/v1/images/edits`, { method: 'POST', headers: { authorization: `Bearer ${TEST_KEY}` }, body: form });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { param: 'model', message: 'model: must be a text field, not a file' } });
    expect(openai.calls).toHaveLength(0);
  });

  it('translates an edit for a Gemini image model with the image as inline data', async () => {
    const png = Buffer.from(FAKE_PNG_B64, 'base64');
    await client.images.edit({ model: 'gemini-image-test', prompt: 'make it blue', image: await toFile(png, 'a.png', { type: 'image/png' }) });
    const parts = gemini.calls.at(-1)!.body.contents[0].parts;
    expect(parts).toEqual([{ text: 'make it blue' }, { inlineData: { mimeType: 'image/png', data: png.toString('base64') } }]);
  });
});

describe('transcriptions and translations', () => {
  it('passes the audio through intact and bills whisper by the seconds the upstream reports', async () => {
    const audio = wav(2.5);
    const { data, response } = await client.audio.transcriptions
      .create({ model: 'whisper-test', file: await toFile(audio, 'talk.wav', { type: 'audio/wav' }), language: 'en', temperature: 0.2 })
      .withResponse();
    expect(data.text).toBe(`Heard ${audio.length} bytes (${sha256(audio).slice(0, 12)}).`);
    const form = await lastForm(openai);
    expect(form.get('model')).toBe('whisper-1');
    expect(form.get('language')).toBe('en');
    expect(sha256(new Uint8Array(await (form.get('file') as File).arrayBuffer()))).toBe(sha256(audio));
    const row = await rowOf(response.headers.get('x-request-id'));
    // The fake rounds up to whole seconds, as whisper's usage does.
    expect(row).toMatchObject({ endpoint: 'transcriptions', status: 200, usageEstimated: false });
    expect(row.units).toEqual({ audioSeconds: 3 });
    expect(row.costUsd).toBeCloseTo((3 / 60) * 0.006, 10);
  });

  it('reads a text answer\'s audio from the WAV header, marked estimated', async () => {
    const { data, response } = await client.audio.transcriptions
      .create({ model: 'whisper-test', file: await toFile(wav(4), 'talk.wav', { type: 'audio/wav' }), response_format: 'text' })
      .withResponse();
    expect(typeof data).toBe('string');
    const row = await rowOf(response.headers.get('x-request-id'));
    expect(row).toMatchObject({ usageEstimated: true });
    expect(row.units).toEqual({ audioSeconds: 4 });
  });

  it('takes verbose_json\'s duration', async () => {
    const { response } = await client.audio.transcriptions
      .create({ model: 'whisper-test', file: await toFile(wav(1.5), 'talk.wav', { type: 'audio/wav' }), response_format: 'verbose_json', timestamp_granularities: ['word', 'segment'] })
      .withResponse();
    const form = await lastForm(openai);
    expect(form.getAll('timestamp_granularities[]')).toEqual(['word', 'segment']);
    const row = await rowOf(response.headers.get('x-request-id'));
    expect(row.units).toEqual({ audioSeconds: 1.5 });
    expect(row.usageEstimated).toBe(false);
  });

  it('bills gpt-4o-transcribe by its tokens, and streams its text events as they came', async () => {
    await client.audio.transcriptions.create({ model: 'transcribe-test', file: await toFile(wav(1), 'a.wav', { type: 'audio/wav' }) });
    expect((await logRows(gw))[0]).toMatchObject({ inputTokens: FAKE_TRANSCRIBE_USAGE.input_tokens, outputTokens: FAKE_TRANSCRIBE_USAGE.output_tokens });
    const stream = await client.audio.transcriptions.create({ model: 'transcribe-test', file: await toFile(wav(1), 'a.wav', { type: 'audio/wav' }), stream: true });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types.at(-1)).toBe('transcript.text.done');
    expect(types.slice(0, -1).every((t) => t === 'transcript.text.delta')).toBe(true);
    expect((await logRows(gw))[0]).toMatchObject({ stream: true, outcome: 'ok', inputTokens: FAKE_TRANSCRIBE_USAGE.input_tokens, outputTokens: FAKE_TRANSCRIBE_USAGE.output_tokens });
  });

  it('serves translations, billing the file\'s length when the upstream gives none', async () => {
    const { data, response } = await client.audio.translations.create({ model: 'whisper-test', file: await toFile(wav(6), 'fr.wav', { type: 'audio/wav' }) }).withResponse();
    expect(data.text).toMatch(/^Heard /);
    expect(openai.calls.at(-1)!.path).toBe('/v1/audio/translations');
    const row = await rowOf(response.headers.get('x-request-id'));
    expect(row).toMatchObject({ endpoint: 'translations', usageEstimated: true });
    expect(row.units).toEqual({ audioSeconds: 6 });
  });

  it('refuses a transcription without its file, naming the field', async () => {
    const form = new FormData();
    form.append('model', 'whisper-test');
    const res = await fetch(`${gw.url}/v1/audio/transcriptions`, { method: 'POST', headers: { authorization: `Bearer ${TEST_KEY}` }, body: form });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { param: 'file', type: 'invalid_request_error' } });
    expect(openai.calls).toHaveLength(0);
  });
});

describe('speech', () => {
  it('pipes the audio bytes back as they came and bills the characters spoken', async () => {
    const input = 'Hello from the gateway, spoken aloud.';
    const response = await client.audio.speech.create({ model: 'tts-test', input, voice: 'alloy' });
    expect(response.headers.get('content-type')).toBe('audio/mpeg');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(sha256(bytes)).toBe(sha256(FAKE_SPEECH_BYTES));
    expect(openai.calls.at(-1)!.body).toMatchObject({ model: 'tts-1', input, voice: 'alloy' });
    const row = await rowOf(response.headers.get('x-request-id'));
    expect(row).toMatchObject({ endpoint: 'speech', status: 200, outcome: 'ok' });
    expect(row.units).toEqual({ characters: input.length });
    expect(row.costUsd).toBeCloseTo((input.length / 1e6) * 15, 10);
  });

  it('relays speech as SSE and reads gpt-4o-mini-tts tokens from speech.audio.done', async () => {
    const response = await client.audio.speech.create({ model: 'mini-tts-test', input: 'Hi there', voice: 'coral', stream_format: 'sse' });
    const text = await response.text();
    expect(text).toContain('"type":"speech.audio.done"');
    const row = await rowOf(response.headers.get('x-request-id'));
    expect(row).toMatchObject({ stream: true, inputTokens: FAKE_SPEECH_USAGE.input_tokens, outputTokens: FAKE_SPEECH_USAGE.output_tokens });
  });

  it('fails over to the next route on a 500 before the first byte', async () => {
    openai.failNext({ kind: 'status', status: 500 });
    const response = await client.audio.speech.create({ model: 'tts-test', input: 'again', voice: 'alloy' });
    expect(sha256(Buffer.from(await response.arrayBuffer()))).toBe(sha256(FAKE_SPEECH_BYTES));
    expect(openai.calls.map((c) => c.body.model)).toEqual(['tts-1', 'tts-1-hd']);
    const row = await rowOf(response.headers.get('x-request-id'));
    expect(row).toMatchObject({ status: 200, upstreamId: 'oai-b', upstreamModel: 'tts-1-hd' });
    expect(row.attempts).toHaveLength(2);
  });
});

describe('budgets', () => {
  it('reserves n images at their price before the call, so a burst cannot overrun a USD budget', async () => {
    const budgeted = new OpenAI({ apiKey: BUDGET_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    // Ten hd 1024x1792 images reserve $1.20 while in flight, past the key's $0.50 a day.
    openai.failNext({ kind: 'slow-first-byte', ms: 400 });
    const first = budgeted.images.generate({ model: 'image-test', prompt: 'x', n: 10, size: '1024x1792', quality: 'hd' });
    await eventually(() => expect(openai.calls).toHaveLength(1));
    // A second request while the first is in flight is refused before any upstream call.
    const burst = await budgeted.images.generate({ model: 'image-test', prompt: 'y', size: '1024x1024' }).catch((e: unknown) => e);
    expect(burst).toBeInstanceOf(OpenAI.RateLimitError);
    expect((burst as InstanceType<typeof OpenAI.RateLimitError>).code).toBe('budget_exceeded');
    expect(openai.calls).toHaveLength(1);
    expect((await first).data).toHaveLength(10);
    // The first crossed the budget ($1.20 settled): the key is refused from now on.
    const after = await budgeted.images.generate({ model: 'image-test', prompt: 'z' }).catch((e: unknown) => e);
    expect(after).toBeInstanceOf(OpenAI.RateLimitError);
    expect(openai.calls).toHaveLength(1);
  });
});
