import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { Stream } from 'openai/streaming';
import { startFakeAnthropic, startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { ADMIN_KEY, eventually, logRows, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';

// Prompt templates published as endpoints (docs/prompts.md), through the real server, the openai SDK and the fakes.
const GRANTED_KEY = 'sk-sb-prompt-key-00000000000000000000001';
const OTHER_GRANT_KEY = 'sk-sb-prompt-key-00000000000000000000002';
const MOCK_ONLY_KEY = 'sk-sb-prompt-key-00000000000000000000003';

let oai: FakeUpstream;
let ant: FakeUpstream;
let gw: NodeGateway;

const client = (key = TEST_KEY) => new OpenAI({ apiKey: key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
const call = (name: string, body: Record<string, unknown>, key = TEST_KEY) => client(key).post<ChatCompletion>(`/prompts/${name}`, { body });
const stream = (name: string, body: Record<string, unknown>) =>
  client().post<Stream<ChatCompletionChunk>>(`/prompts/${name}`, { body: { ...body, stream: true }, stream: true }) as unknown as Promise<Stream<ChatCompletionChunk>>;
const lastMessagesCall = () => ant.calls.filter((c) => c.path === '/v1/messages').at(-1)!;

async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${gw.url}/admin/api${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: await res.json() };
}

const weather = (system: string) => ({
  description: 'A weather note for a city',
  model: 'claude-test',
  system,
  messages: [{ role: 'user', content: 'Write about {{ city }} in {{days}} days; keep \\{{braces}} as they are. Facts: {{facts}}' }],
  parameters: { temperature: 0.3, max_tokens: 200 },
  variables: {
    type: 'object',
    properties: { city: { type: 'string', minLength: 2 }, days: { type: 'integer', minimum: 1, maximum: 7 }, facts: { type: 'object' } },
    required: ['city'],
    additionalProperties: false,
  },
});

beforeAll(async () => {
  [oai, ant] = await Promise.all([startFakeOpenAI(), startFakeAnthropic()]);
  gw = await startTestGateway({
    openaiUrl: oai.url,
    anthropicUrl: ant.url,
    extra: {
      keys: [
        { name: 'tester', key: TEST_KEY },
        { name: 'granted', key: GRANTED_KEY, models: ['mock-model'], prompts: ['weather'] },
        { name: 'other-grant', key: OTHER_GRANT_KEY, prompts: ['haiku'] },
        { name: 'mock-only', key: MOCK_ONLY_KEY, models: ['mock-model'] },
      ],
      // From the config file: applied at start like every other record.
      prompts: [{ name: 'haiku', model: 'gpt-test', system: 'Write a haiku about {{topic}}.', variables: { type: 'object', properties: { topic: { type: 'string' } } } }],
    },
  });
  const saved = await admin('PUT', '/prompts/weather', weather('You are a forecaster. v1'));
  expect(saved.status).toBe(201);
  expect(saved.body).toMatchObject({ name: 'weather', version: 1, latestVersion: 1, endpoint: '/v1/prompts/weather' });
  await eventually(async () => expect((await admin('GET', '/prompts')).body.data.map((p: { name: string }) => p.name)).toEqual(['haiku', 'weather']));
});
afterAll(async () => {
  await gw?.close();
  await Promise.all([oai?.close(), ant?.close()]);
});

describe('POST /v1/prompts/{name}', () => {
  it('renders the template and answers in the Chat Completions shape from an Anthropic upstream', async () => {
    const answer = await eventually(() => call('weather', { variables: { city: 'Oslo', days: 3, facts: { rain: true } } }));
    expect(answer.object).toBe('chat.completion');
    expect(answer.choices[0].message.role).toBe('assistant');
    expect(typeof answer.choices[0].message.content).toBe('string');
    expect(answer.usage?.prompt_tokens).toBeGreaterThan(0);

    const sent = lastMessagesCall().body;
    expect(sent.model).toBe('claude-upstream');
    expect(JSON.stringify(sent.system)).toContain('You are a forecaster. v1');
    expect(sent.messages).toEqual([{ role: 'user', content: 'Write about Oslo in 3 days; keep {{braces}} as they are. Facts: {"rain":true}' }]);
    expect(sent.max_tokens).toBe(200);
    expect(sent.temperature).toBe(0.3);
  });

  it('streams chat.completion.chunk events through the SDK, and takes the overrides a client may send', async () => {
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of await stream('weather', { variables: { city: 'Lima' }, temperature: 0.9, max_tokens: 50 })) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('')).not.toBe('');
    const sent = lastMessagesCall().body;
    expect(sent.stream).toBe(true);
    expect(sent.temperature).toBe(0.9);
    expect(sent.max_tokens).toBe(50);
    expect(sent.messages[0].content).toContain('Write about Lima in  days');
  });

  it('refuses variables the schema refuses with a 400 naming the field, in the OpenAI error shape', async () => {
    const refused = async (body: Record<string, unknown>) => {
      const err = await call('weather', body).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      return err as InstanceType<typeof OpenAI.BadRequestError>;
    };
    const before = ant.calls.length;
    expect((await refused({ variables: { days: 2 } })).param).toBe('variables.city');
    expect((await refused({ variables: { city: 'X' } })).message).toContain('variables.city: must have at least 2 characters');
    expect((await refused({ variables: { city: 'Rome', days: 9 } })).param).toBe('variables.days');
    expect((await refused({ variables: { city: 'Rome', mood: 'sunny' } })).message).toContain('variables');
    expect((await refused({ variables: 'Rome' })).param).toBe('variables');
    // The template's own fields are not the client's to change.
    expect((await refused({ variables: { city: 'Rome' }, model: 'gpt-test' })).param).toBe('model');
    expect((await refused({ variables: { city: 'Rome' }, messages: [] })).param).toBe('messages');
    expect(ant.calls.length).toBe(before);
  });

  it('answers 404 for a template that does not exist', async () => {
    const err = await call('nope', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('serves a template to the keys granted it, whatever their models, and to others only with its model', async () => {
    // Granted by name: the template's model is not in the key's list, and it is served.
    expect((await call('weather', { variables: { city: 'Oslo' } }, GRANTED_KEY)).object).toBe('chat.completion');
    // A key with a list that does not name it.
    await expect(call('weather', { variables: { city: 'Oslo' } }, OTHER_GRANT_KEY)).rejects.toBeInstanceOf(OpenAI.PermissionDeniedError);
    // No list: only templates whose model the key may use.
    await expect(call('weather', { variables: { city: 'Oslo' } }, MOCK_ONLY_KEY)).rejects.toBeInstanceOf(OpenAI.PermissionDeniedError);
    // The config file's template, on the OpenAI upstream, granted by name.
    const haiku = await call('haiku', { variables: { topic: 'tea' } }, OTHER_GRANT_KEY);
    expect(haiku.object).toBe('chat.completion');
    const sent = oai.calls.filter((c) => c.path.endsWith('/chat/completions')).at(-1)!.body;
    expect(sent.messages).toEqual([{ role: 'system', content: 'Write a haiku about tea.' }]);
  });

  it('records the template and version on the log row, and the usage report sums by template', async () => {
    await call('weather', { variables: { city: 'Quito' } });
    const rows = await eventually(async () => {
      const found = (await logRows(gw)).filter((r) => r.prompt === 'weather' && r.status === 200);
      expect(found.length).toBeGreaterThan(0);
      return found;
    });
    expect(rows[0]).toMatchObject({ prompt: 'weather', promptVersion: 1, endpoint: 'chat', model: 'claude-test', upstreamId: 'ant' });
    const usage = await admin('GET', '/usage?by=prompt');
    expect(usage.status).toBe(200);
    const weatherUsage = usage.body.rows.find((r: { value: string }) => r.value === 'weather');
    expect(weatherUsage.requests).toBe((await logRows(gw)).filter((r) => r.prompt === 'weather').length);
    expect(weatherUsage.inputTokens).toBeGreaterThan(0);
  });
});

describe('versions', () => {
  it('makes a new version at every save, serves the published one, and rolls back', async () => {
    const v2 = await admin('PUT', '/prompts/weather', weather('You are a poet. v2'));
    expect(v2.status).toBe(200);
    expect(v2.body).toMatchObject({ version: 2, latestVersion: 2 });
    await eventually(async () => {
      await call('weather', { variables: { city: 'Oslo' } });
      expect(JSON.stringify(lastMessagesCall().body.system)).toContain('v2');
    });
    const versions = await admin('GET', '/prompts/weather/versions');
    expect(versions.body.data.map((v: { version: number }) => v.version)).toEqual([2, 1]);

    const back = await admin('POST', '/prompts/weather/rollback', { version: 1 });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ version: 1, latestVersion: 2 });
    await eventually(async () => {
      await call('weather', { variables: { city: 'Oslo' } });
      expect(JSON.stringify(lastMessagesCall().body.system)).toContain('v1');
    });
    await eventually(async () => {
      const rows = (await logRows(gw)).filter((r) => r.prompt === 'weather');
      expect(rows[0].promptVersion).toBe(1);
      expect(rows.some((r) => r.promptVersion === 2)).toBe(true);
    });
    expect((await admin('POST', '/prompts/weather/rollback', { version: 9 })).status).toBe(404);
  });

  it('refuses a template with a broken placeholder, an undeclared variable or a schema it cannot check, naming each field', async () => {
    const bad = await admin('PUT', '/prompts/broken', {
      model: 'gpt-test',
      system: 'Hello {{ name',
      messages: [{ role: 'user', content: 'About {{topic}}' }],
      variables: { type: 'object', properties: { name: { type: 'string' } } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe('system');
    expect(bad.body.error.message).toContain('messages[0].content: {{topic}} names no variable');
    const schema = await admin('PUT', '/prompts/broken', { model: 'gpt-test', system: 'Hi', variables: { type: 'string' } });
    expect(schema.status).toBe(400);
    expect(schema.body.error.param).toBe('variables.type');
    const reserved = await admin('PUT', '/prompts/broken', { model: 'gpt-test', system: 'Hi', parameters: { stream: true } });
    expect(reserved.body.error.param).toBe('parameters');
    expect((await admin('GET', '/prompts/broken')).status).toBe(404);
  });

  it('deletes a template with its versions', async () => {
    expect((await admin('PUT', '/prompts/short-lived', { model: 'gpt-test', system: 'Hi' })).status).toBe(201);
    expect((await admin('DELETE', '/prompts/short-lived')).body).toEqual({ name: 'short-lived', deleted: true });
    expect((await admin('GET', '/prompts/short-lived/versions')).status).toBe(404);
    await eventually(async () => expect(call('short-lived', {})).rejects.toBeInstanceOf(OpenAI.NotFoundError));
  });
});
