import { describe, expect, it } from 'vitest';
import { minuteOf, periodOf } from '../../src/policy/periods.js';
import { formatDuration, retryAfterSeconds } from '../../src/policy/rate-limit-headers.js';
import { estimateRequest } from '../../src/policy/reservation.js';

describe('periods', () => {
  const at = Date.UTC(2025, 0, 15, 12, 34, 56); // a Wednesday
  it('are UTC minutes, days, Monday weeks, calendar months and all time', () => {
    expect(minuteOf(at)).toEqual({ start: Date.UTC(2025, 0, 15, 12, 34), end: Date.UTC(2025, 0, 15, 12, 35) });
    expect(periodOf('day', at)).toEqual({ start: Date.UTC(2025, 0, 15), end: Date.UTC(2025, 0, 16) });
    expect(periodOf('week', at)).toEqual({ start: Date.UTC(2025, 0, 13), end: Date.UTC(2025, 0, 20) });
    expect(periodOf('week', Date.UTC(2025, 0, 19, 23))).toEqual({ start: Date.UTC(2025, 0, 13), end: Date.UTC(2025, 0, 20) });
    expect(periodOf('month', Date.UTC(2024, 11, 31, 23))).toEqual({ start: Date.UTC(2024, 11, 1), end: Date.UTC(2025, 0, 1) });
    expect(periodOf('total', at)).toEqual({ start: 0, end: Infinity });
  });
});

describe('headers and estimates', () => {
  it('write durations as OpenAI does and Retry-After in whole seconds', () => {
    expect(formatDuration(20)).toBe('20ms');
    expect(formatDuration(1500)).toBe('1.5s');
    expect(formatDuration(360_000)).toBe('6m0s');
    expect(formatDuration(7_500_000)).toBe('2h5m0s');
    expect(retryAfterSeconds(1)).toBe('1');
    expect(retryAfterSeconds(30_000)).toBe('30');
    expect(retryAfterSeconds(30_001)).toBe('31');
  });

  it('reserve input by body size plus the output ceiling of each protocol', () => {
    const body = (json: Record<string, unknown>) => ({ json, model: 'm', stream: false });
    const size = (json: Record<string, unknown>) => Math.ceil(JSON.stringify(json).length / 4);
    const chat = { model: 'm', max_completion_tokens: 100 };
    expect(estimateRequest('chat', body(chat), null)).toEqual({ tokens: size(chat) + 100, usd: 0 });
    const gemini = { generationConfig: { maxOutputTokens: 50 } };
    expect(estimateRequest('generate', body(gemini), null).tokens).toBe(size(gemini) + 50);
    expect(estimateRequest('messages', body({}), null).tokens).toBe(1 + 1024);
    expect(estimateRequest('embeddings', body({ input: 'x' }), null).tokens).toBe(size({ input: 'x' }));
    expect(estimateRequest('chat', body(chat), { input: 1_000_000, output: 0 }).usd).toBe(size(chat));
  });

  it('counts an inline image as an image, not as its base64 text', () => {
    const image = 'iVBORw0KGgo'.padEnd(2_000_000, 'A');
    const withImage = {
      model: 'm',
      max_tokens: 10,
      messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: image } }, { type: 'text', text: 'what is it?' }] }],
    };
    const tokens = estimateRequest('messages', { json: withImage, model: 'm', stream: false }, null).tokens;
    const text = Math.ceil((JSON.stringify(withImage).length - image.length) / 4);
    expect(tokens).toBe(text + 1600 + 10);
  });
});
