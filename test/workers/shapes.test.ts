import { describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import { rowOf, target } from './client.js';
import { KEYS } from './suite.js';

// The four client shapes, each through its vendor's SDK, on each of the three upstreams:
// passed through to the one that speaks it, translated to the others; whole and streamed.
// Every answer is the fake's echo of the question, and its log row holds the upstream's own token counts.

type Shape = 'openai-chat' | 'openai-responses' | 'anthropic-messages' | 'gemini';
type Model = 'gpt-pass' | 'claude-pass' | 'gemini-pass';
const MODELS: Model[] = ['gpt-pass', 'claude-pass', 'gemini-pass'];
const SHAPES: Shape[] = ['openai-chat', 'openai-responses', 'anthropic-messages', 'gemini'];

/** What each fake reports, as the gateway records it (test/fakes/usage.ts, gemini.ts, openai-responses.ts). */
const TOKENS: Record<string, Record<string, number>> = {
  'openai-chat': { inputTokens: 8, cacheReadTokens: 3, outputTokens: 7, reasoningTokens: 2 },
  'openai-responses': { inputTokens: 12, cacheReadTokens: 5, outputTokens: 10, reasoningTokens: 3 },
  'anthropic-messages': { inputTokens: 13, cacheReadTokens: 4, cacheWriteTokens: 5, outputTokens: 9 },
  gemini: { inputTokens: 9, cacheReadTokens: 6, outputTokens: 8 },
};
/** The protocol each model's upstream is spoken to in: its native one when the client speaks it, else its first. */
const NATIVE: Record<Model, Shape[]> = { 'gpt-pass': ['openai-chat', 'openai-responses'], 'claude-pass': ['anthropic-messages'], 'gemini-pass': ['gemini'] };

interface Answer {
  text: string;
  requestId: string | null | undefined;
}

async function ask(shape: Shape, model: Model, question: string, stream: boolean): Promise<Answer> {
  const { url } = target();
  const key = KEYS.shapes;
  if (shape === 'openai-chat') {
    const openai = new OpenAI({ apiKey: key, baseURL: `${url}/v1`, maxRetries: 0 });
    const messages = [{ role: 'user' as const, content: question }];
    if (!stream) {
      const { data, response } = await openai.chat.completions.create({ model, messages }).withResponse();
      return { text: data.choices[0].message.content ?? '', requestId: response.headers.get('x-request-id') };
    }
    const { data, response } = await openai.chat.completions.create({ model, messages, stream: true }).withResponse();
    let text = '';
    for await (const chunk of data) text += chunk.choices[0]?.delta.content ?? '';
    return { text, requestId: response.headers.get('x-request-id') };
  }
  if (shape === 'openai-responses') {
    const openai = new OpenAI({ apiKey: key, baseURL: `${url}/v1`, maxRetries: 0 });
    if (!stream) {
      const { data, response } = await openai.responses.create({ model, input: question, store: false }).withResponse();
      return { text: data.output_text, requestId: response.headers.get('x-request-id') };
    }
    const { data, response } = await openai.responses.create({ model, input: question, store: false, stream: true }).withResponse();
    let text = '';
    for await (const event of data) if (event.type === 'response.output_text.delta') text += event.delta;
    return { text, requestId: response.headers.get('x-request-id') };
  }
  if (shape === 'anthropic-messages') {
    const anthropic = new Anthropic({ apiKey: key, baseURL: url, maxRetries: 0 });
    const body = { model, max_tokens: 100, messages: [{ role: 'user' as const, content: question }] };
    if (!stream) {
      const { data, response } = await anthropic.messages.create(body).withResponse();
      return { text: data.content.map((b) => (b.type === 'text' ? b.text : '')).join(''), requestId: response.headers.get('x-request-id') };
    }
    const { data, response } = await anthropic.messages.create({ ...body, stream: true }).withResponse();
    let text = '';
    for await (const event of data) if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
    return { text, requestId: response.headers.get('x-request-id') };
  }
  const gemini = new GoogleGenAI({ apiKey: key, httpOptions: { baseUrl: url } });
  const request = { model, contents: [{ role: 'user', parts: [{ text: question }] }] };
  if (!stream) {
    const res = await gemini.models.generateContent(request);
    return { text: res.text ?? '', requestId: res.sdkHttpResponse?.headers?.['x-request-id'] };
  }
  let text = '';
  let requestId: string | undefined;
  for await (const chunk of await gemini.models.generateContentStream(request)) {
    text += chunk.text ?? '';
    requestId ??= chunk.sdkHttpResponse?.headers?.['x-request-id'];
  }
  return { text, requestId };
}

describe.each(SHAPES)('a %s client', (shape) => {
  describe.each(MODELS)('on %s', (model) => {
    const native = NATIVE[model].includes(shape);
    const upstreamProtocol = native ? shape : NATIVE[model][0];
    it.each([false, true])(`${native ? 'passed through' : 'translated'}, stream %s: the echo, and the upstream's tokens in its log row`, async (stream) => {
      const question = `${shape} to ${model} ${stream ? 'streamed' : 'whole'}: one two three`;
      const answer = await ask(shape, model, question, stream);
      expect(answer.text).toBe(`echo: ${question}`);
      const row = await rowOf(answer.requestId);
      expect(row).toMatchObject({
        outcome: 'ok',
        status: 200,
        stream,
        model,
        protocol: shape,
        translation: native ? null : `${shape} -> ${upstreamProtocol}`,
        ...TOKENS[upstreamProtocol],
      });
    });
  });
});
