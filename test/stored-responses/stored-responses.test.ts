import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import type { Response as OpenAIResponse } from 'openai/resources/responses/responses';
import { MODELS, OTHER_KEY, PLAIN_KEY, STATEFUL_KEY, itemTexts, startRig, type Rig, type UpstreamName } from './rig.js';

/** Stateful Responses through the HTTP server with the official SDK, on every upstream protocol. */

let rig: Rig;
beforeAll(async () => {
  rig = await startRig();
});
afterAll(async () => {
  await rig?.close();
});

/** One turn, streamed or not; returns the finished Response object the client got. */
async function turn(client: OpenAI, stream: boolean, params: Record<string, unknown>): Promise<OpenAIResponse> {
  if (!stream) return (await client.responses.create({ ...params, stream: false } as never)) as OpenAIResponse;
  const events = await client.responses.create({ ...params, stream: true } as never);
  let done: OpenAIResponse | undefined;
  for await (const event of events as unknown as AsyncIterable<{ type: string; response?: OpenAIResponse }>) {
    if (event.type === 'response.completed') done = event.response;
  }
  if (!done) throw new Error('the stream had no response.completed');
  return done;
}

describe.each(['responses', 'chat', 'anthropic', 'gemini'] as UpstreamName[])('stored responses on a %s upstream', (upstream) => {
  it.each([false, true])('chains previous_response_id, and serves retrieve, input items and delete (stream: %s)', async (stream) => {
    const client = rig.client(STATEFUL_KEY);
    const fake = rig.fake(upstream);
    const model = MODELS[upstream];
    const first = await turn(client, stream, { model, input: 'first question', store: true });
    expect(first.id).toMatch(/^resp_/);
    expect(first.output_text ?? JSON.stringify(first.output)).toContain('echo: first question');

    fake.reset();
    const second = await turn(client, stream, { model, input: 'second question', previous_response_id: first.id });
    // The upstream got the whole conversation, and nothing that asks it to keep or find state.
    expect(fake.calls).toHaveLength(1);
    const sent = fake.calls[0]!.body;
    const text = JSON.stringify(sent);
    expect(text.indexOf('first question')).toBeGreaterThanOrEqual(0);
    expect(text.indexOf('echo: first question')).toBeGreaterThan(text.indexOf('first question'));
    expect(text.indexOf('second question')).toBeGreaterThan(text.indexOf('echo: first question'));
    expect(sent.previous_response_id).toBeUndefined();
    if (upstream === 'responses') expect(sent.store).toBe(false);
    expect(JSON.stringify(second.output)).toContain('echo: second question');

    const retrieved = await client.responses.retrieve(second.id);
    expect(retrieved.id).toBe(second.id);
    expect(retrieved.output).toEqual(second.output);
    expect(retrieved.previous_response_id).toBe(first.id);
    expect((retrieved as unknown as { store: boolean }).store).toBe(true);

    const asc = await client.responses.inputItems.list(second.id, { order: 'asc' });
    expect(itemTexts(asc.data)).toEqual(['first question', 'echo: first question', 'second question']);
    const desc = await client.responses.inputItems.list(second.id, { limit: 2 });
    expect(itemTexts(desc.data)).toEqual(['second question', 'echo: first question']);
    expect(desc.has_more).toBe(true);
    const rest = await client.responses.inputItems.list(second.id, { limit: 2, after: desc.data[1]!.id });
    expect(itemTexts(rest.data)).toEqual(['first question']);
    expect(rest.has_more).toBe(false);

    await client.responses.delete(second.id);
    const gone = await client.responses.retrieve(second.id).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(OpenAI.NotFoundError);
    // The first one is still there.
    expect((await client.responses.retrieve(first.id)).id).toBe(first.id);
  });
});

describe('stored responses belong to their key', () => {
  it('another key gets 404s in OpenAI shape for retrieve, delete, input items and previous_response_id', async () => {
    const mine = await rig.client(STATEFUL_KEY).responses.create({ model: MODELS.responses, input: 'mine only' });
    const other = rig.client(OTHER_KEY);
    for (const call of [
      () => other.responses.retrieve(mine.id),
      () => other.responses.delete(mine.id),
      () => other.responses.inputItems.list(mine.id),
    ]) {
      const err = await call().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.NotFoundError);
      expect((err as InstanceType<typeof OpenAI.NotFoundError>).error).toMatchObject({ message: `Response with id '${mine.id}' not found.`, type: 'invalid_request_error' });
    }
    rig.openai.reset();
    const chained = await other.responses.create({ model: MODELS.responses, input: 'next', previous_response_id: mine.id }).catch((e: unknown) => e);
    expect(chained).toBeInstanceOf(OpenAI.NotFoundError);
    expect(chained).toMatchObject({ code: 'previous_response_not_found', param: 'previous_response_id' });
    expect(rig.openai.calls).toHaveLength(0);
    // Still the owner's.
    expect((await rig.client(STATEFUL_KEY).responses.retrieve(mine.id)).id).toBe(mine.id);
  });
});

describe('keys without stored responses', () => {
  it.each([
    ['store', { store: true }],
    ['previous_response_id', { previous_response_id: 'resp_123' }],
  ])('refuse %s with a 400 saying stored responses are not enabled for the key', async (field, extra) => {
    rig.openai.reset();
    const err = await rig.client(PLAIN_KEY).responses.create({ model: MODELS.responses, input: 'hi', ...extra } as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).param).toBe(field);
    expect((err as Error).message).toMatch(/stored responses are not enabled for this key/);
    expect(rig.openai.calls).toHaveLength(0);
  });

  it('refuse the Conversations API parameter, naming what to use instead', async () => {
    const err = await rig.client(STATEFUL_KEY).responses.create({ model: MODELS.responses, input: 'hi', conversation: 'conv_1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('conversation');
    expect((err as Error).message).toMatch(/previous_response_id/);
  });
});

describe('what a pass-through Responses upstream is told to store', () => {
  it('store: false upstream when the client leaves it out, for keys with and without stored responses', async () => {
    for (const key of [PLAIN_KEY, STATEFUL_KEY]) {
      rig.openai.reset();
      const res = await rig.client(key).responses.create({ model: MODELS.responses, input: 'default store' });
      expect(rig.openai.calls[0]!.body.store).toBe(false);
      // A stateful key stores by default, as OpenAI does; the other key keeps nothing.
      const found = await rig.client(key).responses.retrieve(res.id).catch((e: unknown) => e);
      if (key === STATEFUL_KEY) expect((found as OpenAIResponse).id).toBe(res.id);
      else expect(found).toBeInstanceOf(OpenAI.NotFoundError);
    }
  });

  it('store: false from a stateful key stores nothing', async () => {
    const client = rig.client(STATEFUL_KEY);
    const res = await client.responses.create({ model: MODELS.responses, input: 'not kept', store: false });
    expect(rig.openai.calls.at(-1)!.body.store).toBe(false);
    expect(await client.responses.retrieve(res.id).catch((e: unknown) => e)).toBeInstanceOf(OpenAI.NotFoundError);
  });
});

describe('reasoning across a chain', () => {
  it('sends encrypted reasoning back to the vendor that made it', async () => {
    const client = rig.client(STATEFUL_KEY);
    const first = await client.responses.create({ model: MODELS.responses, input: 'think: scenario:reasoning', include: ['reasoning.encrypted_content'] });
    const reasoning = first.output.find((item) => item.type === 'reasoning');
    expect(reasoning?.encrypted_content).toBeTruthy();
    rig.openai.reset();
    await client.responses.create({ model: MODELS.responses, input: 'go on', previous_response_id: first.id });
    const replayed = (rig.openai.calls[0]!.body.input as { type?: string; encrypted_content?: string }[]).filter((item) => item.type === 'reasoning');
    expect(replayed).toEqual([expect.objectContaining({ encrypted_content: reasoning!.encrypted_content })]);
  });
});

describe('the key setting through the admin API', () => {
  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${rig.gw.url}/admin/api${path}`, {
      method,
      headers: { authorization: 'Bearer sb-admin-stored-0000000000000', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('is set at creation, changed by PATCH, exported with the config, and takes effect at once', async () => {
    const created = await admin('POST', '/keys', { name: 'made-stateful', responses: { store: true, retentionDays: 7 } });
    expect(created.status).toBe(201);
    const key = await created.json();
    expect(key.responses).toEqual({ store: true, retentionDays: 7 });
    const client = rig.client(key.key);
    const res = await client.responses.create({ model: MODELS.chat, input: 'kept' });
    expect((await client.responses.retrieve(res.id)).id).toBe(res.id);

    const exported = await (await admin('GET', '/config')).json();
    expect(exported.keys.find((k: { name: string }) => k.name === 'made-stateful').responses).toEqual({ store: true, retentionDays: 7 });

    const off = await admin('PATCH', `/keys/${key.id}`, { responses: null });
    expect((await off.json()).responses).toBeNull();
    const refused = await client.responses.create({ model: MODELS.chat, input: 'again', store: true }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
  });
});

describe('a stream request answered whole', () => {
  it('is stored from the JSON the upstream sent', async () => {
    const whole = {
      id: 'resp_answered_whole_0001',
      object: 'response',
      created_at: 1_765_000_000,
      status: 'completed',
      model: 'gpt-4o',
      output: [{ id: 'msg_whole', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'whole answer', annotations: [] }] }],
      usage: { input_tokens: 3, output_tokens: 2, total_tokens: 5 },
    };
    rig.openai.failNext({ kind: 'status', status: 200, body: whole });
    const res = await fetch(`${rig.gw.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${STATEFUL_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODELS.responses, input: 'stream please', stream: true }),
    });
    expect(res.headers.get('content-type')).toContain('application/json');
    expect((await res.json()).id).toBe(whole.id);
    const stored = await rig.client(STATEFUL_KEY).responses.retrieve(whole.id);
    expect(stored.output_text).toBe('whole answer');
  });
});
