import { describe, expect, it } from 'vitest';
import { audioLength } from '../../src/usage/audio-length.js';
import { imagesUsage, transcriptionUsage } from '../../src/usage/media-usage.js';
import { costOf, priceFor } from '../../src/usage/cost.js';
import { ZERO_USAGE } from '../../src/translate/ir.js';

function mp3(seconds: number): Uint8Array<ArrayBuffer> {
  // An ID3v2 tag (empty), then an MPEG-1 layer III frame header at 128 kbit/s, 44.1 kHz, joint stereo.
  const bytes = new Uint8Array(10 + (seconds * 128_000) / 8);
  bytes.set([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0], 0);
  bytes.set([0xff, 0xfb, 0x90, 0x44], 10);
  return bytes;
}

function flac(samples: number, rate: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(4 + 4 + 34 + 100);
  bytes.set([0x66, 0x4c, 0x61, 0x43], 0); // fLaC
  bytes.set([0x80, 0, 0, 34], 4); // last block, STREAMINFO, 34 bytes
  const packed = (BigInt(rate) << 44n) | (0n << 41n) | (15n << 36n) | BigInt(samples);
  new DataView(bytes.buffer).setBigUint64(8 + 10, packed);
  return bytes;
}

describe('the length of uploaded audio', () => {
  it('reads MP3 (constant bitrate, past an ID3 tag) and FLAC headers', async () => {
    expect(await audioLength(new Blob([mp3(2)]))).toEqual({ seconds: 2, fromSize: false });
    expect(await audioLength(new Blob([flac(48_000, 16_000)]))).toEqual({ seconds: 3, fromSize: false });
  });

  it('estimates another format from its size at 64 kbit/s', async () => {
    expect(await audioLength(new Blob([new Uint8Array(16_000)], { type: 'audio/ogg' }))).toEqual({ seconds: 2, fromSize: true });
  });
});

describe('usage of images and audio', () => {
  it('counts images at the size and quality the answer reports for auto', () => {
    expect(imagesUsage({ data: [{}, {}], size: '1536x1024', quality: 'medium' }, { size: 'auto', quality: 'auto' })).toEqual({
      units: { images: 2, imageSize: '1536x1024', imageQuality: 'medium' },
    });
    expect(imagesUsage({ data: [{}] }, {})).toEqual({ units: { images: 1, imageSize: '1024x1024' } });
  });

  it('prefers the upstream\'s usage to verbose_json\'s duration, and that to the file', () => {
    expect(transcriptionUsage({ usage: { type: 'duration', seconds: 7 }, duration: 6.5 }, 9)).toEqual({ units: { audioSeconds: 7 } });
    expect(transcriptionUsage({ duration: 6.5 }, 9)).toEqual({ units: { audioSeconds: 6.5 } });
    expect(transcriptionUsage(undefined, 9)).toEqual({ units: { audioSeconds: 9 }, estimated: true });
  });

  it('prices shipped media models: whisper-1 by the minute, tts-1 by the character, gpt-image-1 by quality and size', () => {
    expect(costOf(ZERO_USAGE, priceFor('whisper-1'), { audioSeconds: 90 })).toBeCloseTo(0.009, 10);
    expect(costOf(ZERO_USAGE, priceFor('tts-1'), { characters: 1000 })).toBeCloseTo(0.015, 10);
    expect(costOf(ZERO_USAGE, priceFor('gpt-image-1'), { images: 2, imageSize: '1024x1536', imageQuality: 'high' })).toBeCloseTo(0.5, 10);
    expect(costOf({ ...ZERO_USAGE, inputTokens: 1000, outputTokens: 1000 }, priceFor('gpt-4o-mini-tts-2025-12-15'))).toBeCloseTo(0.0126, 10);
  });
});
