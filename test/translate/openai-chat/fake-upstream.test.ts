// The fake OpenAI chat endpoint plays every scenario of test/fakes/scenarios.ts, read back through the codec.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IREvent, IRPart } from '../../../src/translate/ir.js';
import { openaiChatCodec } from '../../../src/translate/openai-chat/index.js';
import { FAKE_USAGE, startFakeOpenAI, type FakeUpstream } from '../../fakes/index.js';
import { JSON_ANSWER, LENGTH_TEXT, REASONING, REASONING_ANSWER, STOP_TEXT, TOOL_CALLS } from '../../fakes/scenarios.js';
import { assemble, decodeSse } from './helpers.js';

const codec = openaiChatCodec;
let fake: FakeUpstream;
const EXPECTED_USAGE = { inputTokens: 8, cacheReadTokens: 3, cacheWriteTokens: 0, outputTokens: 7, reasoningTokens: 2 };

beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(async () => {
  await fake.close();
});

function post(text: string, stream: boolean): Promise<Response> {
  const { body } = codec.encodeRequest(
    codec.decodeRequest({ model: 'gpt-4o', messages: [{ role: 'user', content: text }], ...(stream ? { stream: true } : {}) }),
    'gpt-4o',
  );
  return fetch(`${fake.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-fake-openai' },
    body: JSON.stringify(body),
  });
}

async function whole(text: string): Promise<{ content: IRPart[]; finish: unknown; usage: unknown }> {
  const res = await post(text, false);
  expect(res.status).toBe(200);
  return codec.decodeResponse(await res.json());
}

async function streamed(text: string): Promise<IREvent[]> {
  const res = await post(text, true);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  return decodeSse(await res.text());
}

const TOOL_PARTS = TOOL_CALLS.map((call, i) => ({ type: 'tool-call', id: `call_fake_${i + 1}`, name: call.name, arguments: JSON.stringify(call.arguments) }));

describe('fake OpenAI chat scenarios', () => {
  const replies: [string, IRPart[], string, string][] = [
    ['text', [{ type: 'text', text: 'echo: hello' }], 'stop', 'hello'],
    ['tools', TOOL_PARTS as IRPart[], 'tool_calls', 'scenario:tools please'],
    ['json', [{ type: 'text', text: JSON_ANSWER }], 'stop', 'scenario:json'],
    ['reasoning', [{ type: 'reasoning', text: REASONING }, { type: 'text', text: REASONING_ANSWER }], 'stop', 'think: scenario:reasoning'],
    ['stop', [{ type: 'text', text: STOP_TEXT }], 'stop', 'scenario:stop'],
    ['length', [{ type: 'text', text: LENGTH_TEXT }], 'length', 'scenario:length'],
  ];

  for (const [name, content, rawFinish, prompt] of replies) {
    it(`plays "${name}" as a whole answer`, async () => {
      const ir = await whole(prompt);
      expect(ir.content).toEqual(content);
      expect(ir.finish).toEqual(codec.decodeResponse({ choices: [{ index: 0, message: {}, finish_reason: rawFinish }] }).finish);
      expect(ir.usage).toEqual(EXPECTED_USAGE);
    });

    it(`plays "${name}" as a stream`, async () => {
      const events = await streamed(prompt);
      const { order, text } = assemble(events);
      const starts = events.filter((e) => e.type === 'tool-call-start');
      const rebuilt = order.map((id) => {
        const start = starts.find((s) => s.id === id) as Extract<IREvent, { type: 'tool-call-start' }> | undefined;
        if (start) return { type: 'tool-call', id: start.toolCallId, name: start.name, arguments: text[id] };
        return id.startsWith('reasoning') ? { type: 'reasoning', text: text[id] } : { type: 'text', text: text[id] };
      });
      expect(rebuilt).toEqual(content);
      const finish = events.at(-1) as Extract<IREvent, { type: 'finish' }>;
      expect(finish.type).toBe('finish');
      expect(finish.finish.raw).toBe(rawFinish);
      expect(finish.usage).toEqual(EXPECTED_USAGE);
      if (name === 'tools') {
        // arguments arrive in several deltas per call
        for (const start of starts) expect(events.filter((e) => e.type === 'tool-call-delta' && e.id === start.id).length).toBeGreaterThan(1);
      }
    });
  }

  it('plays "context" as the context-length 400, stream or not', async () => {
    for (const stream of [false, true]) {
      const res = await post('scenario:context', stream);
      expect(res.status).toBe(400);
      const error = codec.decodeError(res.status, await res.text());
      expect(error.kind).toBe('context-length');
    }
  });

  it('plays "error" as a 500 server_error', async () => {
    for (const stream of [false, true]) {
      const res = await post('scenario:error', stream);
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(JSON.parse(text).error.type).toBe('server_error');
      expect(codec.decodeError(res.status, text).kind).toBe('server');
    }
  });

  it('keeps the default answer and usage unchanged', async () => {
    const res = await fetch(`${fake.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-fake-openai' },
      body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'plain' }] }),
    });
    const json = (await res.json()) as any;
    expect(json.choices[0].message).toEqual({ role: 'assistant', content: 'echo: plain', refusal: null, annotations: [] });
    expect(json.usage).toEqual(FAKE_USAGE.openai.chat);
  });

  it('streams tool calls the OpenAI SDK assembles', async () => {
    const client = new OpenAI({ apiKey: 'sk-fake-openai', baseURL: `${fake.url}/v1`, maxRetries: 0 });
    const final = await client.chat.completions
      .stream({ model: 'gpt-4o', messages: [{ role: 'user', content: 'scenario:tools' }], stream_options: { include_usage: true } })
      .finalChatCompletion();
    expect(final.choices[0].message.tool_calls?.map((c) => (c.type === 'function' ? [c.id, c.function.name, JSON.parse(c.function.arguments)] : []))).toEqual(
      TOOL_CALLS.map((c, i) => [`call_fake_${i + 1}`, c.name, c.arguments]),
    );
    expect(final.choices[0].finish_reason).toBe('tool_calls');
    expect(final.usage).toEqual(FAKE_USAGE.openai.chat);
  });
});
