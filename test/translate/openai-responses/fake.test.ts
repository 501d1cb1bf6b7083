// The fake /v1/responses upstream: every scenario through the official SDK (JSON and
// stream), through the codec's decoders, and decode -> encode back to the SDK.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IREvent, IRPart } from '../../../src/translate/ir.js';
import { openaiResponsesCodec as codec } from '../../../src/translate/openai-responses/index.js';
import { startFakeOpenAI, type FakeUpstream } from '../../fakes/index.js';
import { FAKE_RESPONSES_CALL_IDS, FAKE_RESPONSES_USAGE } from '../../fakes/openai-responses.js';
import {
  JSON_ANSWER,
  LENGTH_TEXT,
  REASONING,
  REASONING_ANSWER,
  REASONING_SIGNATURE,
  STOP_TEXT,
  TOOL_CALLS,
} from '../../fakes/scenarios.js';
import { baseRequest, decodeSse, encodeSse, startCannedServer, type CannedServer } from './helpers.js';

const FAKE_IR_USAGE = { inputTokens: 12, cacheReadTokens: 5, cacheWriteTokens: 0, outputTokens: 10, reasoningTokens: 3 };

/** Rebuilds the parts a stream's events describe, to compare with a JSON answer. */
function partsOf(events: IREvent[]): IRPart[] {
  const parts: IRPart[] = [];
  const byId = new Map<string, IRPart>();
  for (const e of events) {
    if (e.type === 'text-start') byId.set(e.id, parts[parts.push({ type: 'text', text: '' }) - 1]!);
    else if (e.type === 'reasoning-start')
      byId.set(e.id, parts[parts.push({ type: 'reasoning', text: '', vendor: e.vendor, ...(e.itemId ? { itemId: e.itemId } : {}) }) - 1]!);
    else if (e.type === 'tool-call-start') byId.set(e.id, parts[parts.push({ type: 'tool-call', id: e.toolCallId, name: e.name, arguments: '' }) - 1]!);
    else if (e.type === 'text-delta' || e.type === 'reasoning-delta') (byId.get(e.id) as { text: string }).text += e.delta;
    else if (e.type === 'tool-call-delta') (byId.get(e.id) as { arguments: string }).arguments += e.argumentsDelta;
    else if (e.type === 'reasoning-signature') (byId.get(e.id) as { encrypted?: string }).encrypted = e.encrypted;
  }
  return parts;
}

describe('fake /v1/responses', () => {
  let fake: FakeUpstream;
  let client: OpenAI;
  let canned: CannedServer;
  beforeAll(async () => {
    fake = await startFakeOpenAI();
    client = new OpenAI({ apiKey: 'sk-fake-openai', baseURL: `${fake.url}/v1`, maxRetries: 0 });
    canned = await startCannedServer();
  });
  afterAll(async () => {
    await fake.close();
    await canned.close();
  });

  async function raw(input: string, stream: boolean): Promise<{ status: number; text: string }> {
    const res = await fetch(`${fake.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-fake-openai', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-5', input, stream }),
    });
    return { status: res.status, text: await res.text() };
  }

  const scenarios: Array<[string, IRPart[], string, string]> = [
    ['hello there', [{ type: 'text', text: 'echo: hello there' }], 'stop', 'completed'],
    [
      'scenario:tools',
      TOOL_CALLS.map((call, i) => ({ type: 'tool-call', id: FAKE_RESPONSES_CALL_IDS[i]!, name: call.name, arguments: JSON.stringify(call.arguments) })),
      'tool-calls',
      'completed',
    ],
    ['scenario:json', [{ type: 'text', text: JSON_ANSWER }], 'stop', 'completed'],
    [
      'scenario:reasoning',
      [
        { type: 'reasoning', text: REASONING, vendor: 'openai', itemId: expect.stringMatching(/^rs_/) as unknown as string, encrypted: REASONING_SIGNATURE },
        { type: 'text', text: REASONING_ANSWER },
      ],
      'stop',
      'completed',
    ],
    ['scenario:stop', [{ type: 'text', text: STOP_TEXT }], 'stop', 'completed'],
    ['scenario:length', [{ type: 'text', text: LENGTH_TEXT }], 'length', 'incomplete'],
  ];

  it.each(scenarios)('%s: JSON and stream decode to the same IR', async (input, content, unified) => {
    const json = await raw(input, false);
    expect(json.status).toBe(200);
    const ir = codec.decodeResponse(JSON.parse(json.text));
    expect(ir.content).toEqual(content);
    expect(ir.finish.unified).toBe(unified);
    expect(ir.usage).toEqual(FAKE_IR_USAGE);

    const sse = await raw(input, true);
    const events = decodeSse(sse.text);
    expect(events[0]?.type).toBe('response-start');
    expect(partsOf(events)).toEqual(content);
    expect(events.at(-1)).toEqual({ type: 'finish', finish: ir.finish, usage: FAKE_IR_USAGE });
  });

  it.each(scenarios)('%s: the SDK reads the fake, and the same after decode -> encode', async (input, _content, _unified, status) => {
    const direct = await client.responses.create({ model: 'gpt-5', input });
    const streamed = await client.responses.stream({ model: 'gpt-5', input }).finalResponse();
    for (const response of [direct, streamed]) {
      expect(response.status).toBe(status);
      expect(response.usage).toEqual(FAKE_RESPONSES_USAGE);
    }
    // Ids are random per answer, and the stream helper adds `parsed` fields.
    const shape = (output: unknown): unknown => JSON.parse(JSON.stringify(output, (key, value: unknown) => (['id', 'parsed', 'parsed_arguments'].includes(key) ? undefined : value)));
    expect(shape(streamed.output)).toEqual(shape(direct.output));
    expect(streamed.output_text).toBe(direct.output_text);

    // Upstream SSE -> IR -> client SSE, read by the SDK again.
    const request = codec.decodeRequest({ model: 'gpt-5', input, stream: true });
    canned.reply = { status: 200, contentType: 'text/event-stream', body: encodeSse(request, decodeSse((await raw(input, true)).text)) };
    const translated = await canned.client().responses.stream({ model: 'gpt-5', input }).finalResponse();
    expect(translated.status).toBe(status);
    expect(translated.output_text).toBe(direct.output_text);
    expect(translated.usage).toEqual(FAKE_RESPONSES_USAGE);
    const calls = (r: typeof direct): unknown[] => r.output.filter((o) => o.type === 'function_call').map((o) => [o.call_id, o.name, o.arguments]);
    expect(calls(translated)).toEqual(calls(direct));

    // Upstream JSON -> IR -> client JSON.
    const body = codec.encodeResponse(codec.decodeResponse(JSON.parse((await raw(input, false)).text)), baseRequest({ model: 'gpt-5' }));
    canned.reply = { status: 200, contentType: 'application/json', body: JSON.stringify(body) };
    const translatedJson = await canned.client().responses.create({ model: 'gpt-5', input });
    expect(translatedJson.output_text).toBe(direct.output_text);
    expect(translatedJson.status).toBe(status);
    expect(translatedJson.usage).toEqual(FAKE_RESPONSES_USAGE);
  });

  it('reasoning items keep their id and encrypted content through the SDK', async () => {
    const response = await client.responses.create({ model: 'gpt-5', input: [{ role: 'user', content: [{ type: 'input_text', text: 'scenario:reasoning' }] }] });
    expect(response.output[0]).toMatchObject({ type: 'reasoning', summary: [{ type: 'summary_text', text: REASONING }], encrypted_content: REASONING_SIGNATURE });
  });

  it('context: 400 context_length_exceeded, decoded as context-length', async () => {
    const err = await client.responses.create({ model: 'gpt-5', input: 'scenario:context' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('context_length_exceeded');
    const res = await raw('scenario:context', true);
    expect(codec.decodeError(res.status, res.text).kind).toBe('context-length');
  });

  it('error: 500, decoded as server', async () => {
    const err = await client.responses.create({ model: 'gpt-5', input: 'scenario:error' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    const res = await raw('scenario:error', false);
    expect(codec.decodeError(res.status, res.text)).toMatchObject({ kind: 'server', status: 500 });
  });

  it('checks the key like the chat fake and knows no stored responses', async () => {
    const wrong = new OpenAI({ apiKey: 'sk-wrong-key', baseURL: `${fake.url}/v1`, maxRetries: 0 });
    expect(await wrong.responses.create({ model: 'gpt-5', input: 'hi' }).catch((e: unknown) => e)).toBeInstanceOf(OpenAI.AuthenticationError);
    const err = await client.responses.create({ model: 'gpt-5', input: 'hi', previous_response_id: 'resp_x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('previous_response_id');
  });

  it('echoes request options and records the call', async () => {
    const response = await client.responses.create({
      model: 'gpt-5',
      input: 'hi',
      instructions: 'Be brief.',
      tools: [{ type: 'function', name: 'f', parameters: { type: 'object' }, strict: true }],
      metadata: { a: 'b' },
    });
    expect(response).toMatchObject({ instructions: 'Be brief.', metadata: { a: 'b' }, output_text: 'echo: hi' });
    expect(fake.calls.at(-1)).toMatchObject({ method: 'POST', path: '/v1/responses', body: { model: 'gpt-5', input: 'hi' } });
  });
});
