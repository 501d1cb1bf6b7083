// What OpenAI Chat, OpenAI Responses and Gemini clients send that the IR does not
// know (unknown roles, content parts, input items, tools; the legacy Chat function
// role; mid-conversation developer messages), through each official SDK to every
// translated upstream: 200, the system text at its place in the upstream's own
// form, and the log row naming what was left out.
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LogRecord } from '../../../src/store/types.js';
import { foldedSystemText } from '../../../src/translate/shared/fold-system.js';
import { MATRIX_KEY, MODELS, startMatrix, type MatrixRig } from '../matrix/matrix-gateway.js';

const MID = 'From now on, answer in French.';
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

let rig: MatrixRig;
let openai: OpenAI;
let genai: GoogleGenAI;

beforeAll(async () => {
  rig = await startMatrix();
  openai = new OpenAI({ apiKey: MATRIX_KEY, baseURL: `${rig.gw.url}/v1`, maxRetries: 0 });
  genai = new GoogleGenAI({ apiKey: MATRIX_KEY, httpOptions: { baseUrl: rig.gw.url } });
});
afterAll(() => rig?.close());
beforeEach(() => {
  rig.mark();
  for (const fake of [rig.openai, rig.anthropic, rig.gemini]) fake.reset();
});

function upstreamBody(model: string): any {
  const fake = model === MODELS.gemini ? rig.gemini : model === MODELS.anthropic ? rig.anthropic : rig.openai;
  const calls = fake.calls.filter((c) => /chat\/completions|\/responses|\/messages|:(generate|streamGenerate)Content/.test(c.path));
  expect(calls.length).toBe(1);
  return calls[0]!.body;
}

async function row(): Promise<LogRecord> {
  const [only] = await rig.newRows(1);
  expect(only).toMatchObject({ status: 200, outcome: 'ok' });
  return only!;
}

const roles = {
  chat: (body: any) => body.messages.map((m: any) => m.role),
  responses: (body: any) => body.input.map((i: any) => i.role ?? i.type),
};

/** The last user turn of an Anthropic or Gemini body, as text pieces and part kinds. */
const anthropicParts = (message: any): string[] =>
  typeof message.content === 'string' ? [message.content] : message.content.map((b: any) => b.text ?? b.type);
const geminiParts = (content: any): string[] => content.parts.map((p: any) => p.text ?? Object.keys(p)[0]);

const MODES = [
  { mode: 'streamed', stream: true },
  { mode: 'whole', stream: false },
] as const;

describe.each(MODES)('an OpenAI Chat client, $mode: an unknown role and part, a custom tool, the legacy function role, a developer message mid-way', ({ stream }) => {
  const messages = [
    { role: 'developer', content: 'Be terse.' },
    { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }, { type: 'video_url', video_url: { url: 'https://x.test/v.mp4' } }] },
    { role: 'assistant', content: null, function_call: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
    { role: 'function', name: 'get_weather', content: '18°C' },
    { role: 'critic', content: 'Be kinder.' },
    { role: 'developer', content: MID },
    { role: 'user', content: 'Thanks.' },
  ];
  const tools = [
    { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
    { type: 'custom', custom: { name: 'apply_patch', description: 'Edit files' } },
  ];
  const lost = 'dropped openai-chat content: video_url part in messages[1].content[1], critic message in messages[4], custom tool in tools[1]';

  const send = async (model: string): Promise<void> => {
    const params = { model, messages, tools, stream } as any;
    if (stream) {
      const chunks = await openai.chat.completions.create(params);
      let text = '';
      for await (const chunk of chunks as any) text += chunk.choices[0]?.delta?.content ?? '';
      expect(text).toContain('echo:');
    } else {
      const answer: any = await openai.chat.completions.create(params);
      expect(answer.choices[0].message.content).toContain('echo:');
    }
  };

  it('to a Responses upstream: the developer item in place, the function call and its result paired', async () => {
    await send(MODELS.responses);
    const body = upstreamBody(MODELS.responses);
    expect(body.instructions).toBe('Be terse.');
    expect(roles.responses(body)).toEqual(['user', 'function_call', 'function_call_output', 'developer', 'user']);
    expect(body.input[1]).toMatchObject({ call_id: 'call_function_2', name: 'get_weather' });
    expect(body.input[2]).toEqual({ type: 'function_call_output', call_id: 'call_function_2', output: '18°C' });
    expect(body.input[3]).toEqual({ type: 'message', role: 'developer', content: [{ type: 'input_text', text: MID }] });
    expect((await row()).warnings).toContain(lost);
  });

  it('to an Anthropic upstream: folded after the tool result', async () => {
    await send(MODELS.anthropic);
    const body = upstreamBody(MODELS.anthropic);
    expect(body.system).toBe('Be terse.');
    expect(body.messages.map(anthropicParts)).toEqual([
      ['Weather in Paris?'],
      ['tool_use'],
      ['tool_result', foldedSystemText(MID)],
      ['Thanks.'],
    ]);
    expect(body.messages[2].content[0]).toEqual({ type: 'tool_result', tool_use_id: 'call_function_2', content: '18°C' });
    expect((await row()).warnings).toContain(lost);
  });

  it('to a Gemini upstream: folded after the function response', async () => {
    await send(MODELS.gemini);
    const body = upstreamBody(MODELS.gemini);
    expect(body.contents.map(geminiParts)).toEqual([['Weather in Paris?'], ['functionCall'], ['functionResponse', foldedSystemText(MID)], ['Thanks.']]);
    expect((await row()).warnings).toContain(lost);
  });
});

describe.each(MODES)('an OpenAI Responses client, $mode: unknown input items and parts, a developer item mid-way', ({ stream }) => {
  const input = [
    { role: 'developer', content: 'Be terse.' },
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Weather in Paris?' }, { type: 'input_video', video_url: 'https://x.test/v.mp4' }] },
    { type: 'web_search_call', id: 'ws_1', status: 'completed', action: { type: 'search', query: 'Paris weather' } },
    { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
    { type: 'function_call_output', call_id: 'call_1', output: '18°C' },
    { type: 'message', role: 'developer', content: [{ type: 'input_text', text: MID }] },
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Thanks.' }] },
  ];
  const tools = [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: false }];
  const lost = 'dropped openai-responses content: input_video part in input[1].content[1], web_search_call item in input[2]';

  const send = async (model: string): Promise<void> => {
    const params = { model, input, tools, stream, store: false } as any;
    if (stream) {
      let text = '';
      for await (const event of (await openai.responses.create(params)) as any) if (event.type === 'response.output_text.delta') text += event.delta;
      expect(text).toContain('echo:');
    } else {
      const answer: any = await openai.responses.create(params);
      expect(answer.output_text).toContain('echo:');
    }
  };

  it('to an OpenAI Chat upstream: the developer message in place', async () => {
    await send(MODELS.chat);
    const body = upstreamBody(MODELS.chat);
    expect(roles.chat(body)).toEqual(['system', 'user', 'assistant', 'tool', 'developer', 'user']);
    expect(body.messages[4]).toEqual({ role: 'developer', content: MID });
    expect((await row()).warnings).toContain(lost);
  });

  it('to an Anthropic upstream: folded after the tool result', async () => {
    await send(MODELS.anthropic);
    const body = upstreamBody(MODELS.anthropic);
    expect(body.messages.map(anthropicParts)).toEqual([['Weather in Paris?'], ['tool_use'], ['tool_result', foldedSystemText(MID)], ['Thanks.']]);
    expect((await row()).warnings).toContain(lost);
  });

  it('to a Gemini upstream: folded after the function response', async () => {
    await send(MODELS.gemini);
    const body = upstreamBody(MODELS.gemini);
    expect(body.contents.map(geminiParts)).toEqual([['Weather in Paris?'], ['functionCall'], ['functionResponse', foldedSystemText(MID)], ['Thanks.']]);
    expect((await row()).warnings).toContain(lost);
  });
});

describe.each(MODES)('a Gemini client, $mode: a system instruction with an image part', ({ stream }) => {
  const lost = 'dropped gemini content: inlineData part in systemInstruction.parts[1]';

  const send = async (model: string): Promise<void> => {
    const params = {
      model,
      contents: [{ role: 'user', parts: [{ text: 'Describe the house style.' }] }],
      config: { systemInstruction: { parts: [{ text: 'Be terse.' }, { inlineData: { mimeType: 'image/png', data: PNG } }] } },
    };
    if (stream) {
      let text = '';
      for await (const chunk of await genai.models.generateContentStream(params)) text += chunk.text ?? '';
      expect(text).toContain('echo:');
    } else {
      expect((await genai.models.generateContent(params)).text).toContain('echo:');
    }
  };

  it.each([
    ['an OpenAI Chat', MODELS.chat, (b: any) => b.messages[0]],
    ['a Responses', MODELS.responses, (b: any) => b.instructions],
    ['an Anthropic', MODELS.anthropic, (b: any) => b.system],
  ])('to %s upstream: the text instruction, the image left out', async (_name, model, system) => {
    await send(model);
    const instruction = system(upstreamBody(model));
    expect(typeof instruction === 'string' ? instruction : instruction.content).toBe('Be terse.');
    expect((await row()).warnings).toContain(lost);
  });
});
