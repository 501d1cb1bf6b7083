// Regression: an image's `detail: "auto"` (the OpenAI default, which the Responses
// SDK examples send) loses nothing on the way to Gemini, so it must not be warned
// about; any other detail level is dropped with a warning.
import { describe, expect, it } from 'vitest';
import type { IRRequest } from '../../../src/translate/ir.js';
import { geminiCodec } from '../../../src/translate/gemini/index.js';

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

function withDetail(detail: string | undefined): IRRequest {
  return {
    model: 'gpt-4o',
    system: [],
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: PNG }, ...(detail !== undefined ? { detail } : {}) },
        ],
      },
    ],
    tools: [],
    stream: false,
    extra: null,
  };
}

describe('gemini request: image detail', () => {
  it.each([undefined, 'auto'])('detail %s is not warned about', (detail) => {
    const { body, warnings } = geminiCodec.encodeRequest(withDetail(detail), 'gemini-2.5-flash');
    expect(warnings).toEqual([]);
    expect((body as any).contents[0].parts[1]).toEqual({ inlineData: { mimeType: 'image/png', data: PNG } });
  });

  it.each(['low', 'high'])('detail %s is dropped with a warning', (detail) => {
    const { warnings } = geminiCodec.encodeRequest(withDetail(detail), 'gemini-2.5-flash');
    expect(warnings).toEqual(['dropped image detail: gemini has no detail setting']);
  });
});
