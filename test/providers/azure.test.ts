import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import { startFakeAzure } from '../fakes/azure.js';
import type { FakeUpstream } from '../fakes/server.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';

const API_KEY = 'azure-key-0123456789';

describe('azure upstream: OpenAI SDK -> gateway -> fake Azure OpenAI', () => {
  let azure: FakeUpstream;
  let gw: NodeGateway;
  let client: OpenAI;

  beforeAll(async () => {
    azure = await startFakeAzure({ apiKey: API_KEY, deployments: ['prod-gpt4o', 'text-embedding-3-small', 'prod-whisper', 'prod-image'], models: ['gpt-4o-2024-08-06', 'text-embedding-3-small'] });
    gw = await startTestGateway({
      extra: {
        upstreams: [
          {
            id: 'az',
            kind: 'azure',
            baseUrl: azure.url,
            apiVersion: '2024-10-21',
            deployments: { 'gpt-4o': 'prod-gpt4o', 'whisper-1': 'prod-whisper', 'dall-e-3': 'prod-image' },
            credentials: [{ key: API_KEY }],
          },
        ],
        models: [
          { id: 'team-gpt', routes: [{ upstream: 'az', model: 'gpt-4o' }] },
          { id: 'embed', routes: [{ upstream: 'az', model: 'text-embedding-3-small' }] },
          { id: 'whisper', routes: [{ upstream: 'az', model: 'whisper-1' }] },
          { id: 'image', routes: [{ upstream: 'az', model: 'dall-e-3' }] },
        ],
      },
    });
    client = new OpenAI({ apiKey: TEST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  });
  afterAll(async () => {
    await gw?.close();
    await azure?.close();
  });

  const lastCall = () => azure.calls[azure.calls.length - 1]!;

  it('sends chat to the mapped deployment with api-version and api-key', async () => {
    const res = await client.chat.completions.create({ model: 'team-gpt', messages: [{ role: 'user', content: 'Say hi' }] });
    expect(res.choices[0]?.message.content).toBeTruthy();
    const call = lastCall();
    expect(call.path).toBe('/openai/deployments/prod-gpt4o/chat/completions?api-version=2024-10-21');
    expect(call.headers['api-key']).toBe(API_KEY);
    expect(call.headers.authorization).toBeUndefined();
  });

  it('streams chat, with usage', async () => {
    const stream = await client.chat.completions.create({ model: 'team-gpt', messages: [{ role: 'user', content: 'Say hi' }], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text.length).toBeGreaterThan(0);
    expect(lastCall().body.stream).toBe(true);
    expect(lastCall().path).toMatch(/^\/openai\/deployments\/prod-gpt4o\/chat\/completions\?/);
  });

  it('sends embeddings to a deployment named like the model when it is not mapped', async () => {
    const res = await client.embeddings.create({ model: 'embed', input: ['one', 'two'] });
    expect(res.data).toHaveLength(2);
    expect(lastCall().path).toBe('/openai/deployments/text-embedding-3-small/embeddings?api-version=2024-10-21');
  });

  it('sends Responses to the v1 API with the deployment as model', async () => {
    const res = await client.responses.create({ model: 'team-gpt', input: 'Say hi' });
    expect(res.output_text).toBeTruthy();
    expect(lastCall().path).toBe('/openai/v1/responses');
    expect(lastCall().body.model).toBe('prod-gpt4o');
  });

  it('sends images and audio to their deployments, a form with its file as it came', async () => {
    const image = await client.images.generate({ model: 'image', prompt: 'a fox' });
    expect(image.data).toHaveLength(1);
    expect(lastCall().path).toBe('/openai/deployments/prod-image/images/generations?api-version=2024-10-21');
    expect(lastCall().body.model).toBe('dall-e-3');
    const audio = Buffer.from('RIFF-not-really-audio');
    const heard = await client.audio.transcriptions.create({ model: 'whisper', file: await toFile(audio, 'a.wav', { type: 'audio/wav' }) });
    expect(heard.text).toMatch(/^Heard 21 bytes/);
    expect(lastCall().path).toBe('/openai/deployments/prod-whisper/audio/transcriptions?api-version=2024-10-21');
    expect(lastCall().headers['api-key']).toBe(API_KEY);
  });

  it('passes an Azure refusal back as an error', async () => {
    await gw.ctx.store.models.put({ id: 'nowhere', routes: [{ upstream: 'az', model: 'not-deployed' }] });
    await gw.ctx.catalog.reload();
    await expect(client.chat.completions.create({ model: 'nowhere', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 404 });
  });

  it('lists the mapped models on sync (after checking the key)', async () => {
    const res = await fetch(`${gw.url}/admin/api/upstreams/az/sync-models`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ upstream: 'az', models: ['gpt-4o', 'whisper-1', 'dall-e-3'] });
    expect(lastCall().path).toBe('/openai/models?api-version=2024-10-21');
  });

  it('uses a bearer token for Entra ID upstreams and lists the resource models without a map', async () => {
    const provider = gw.ctx.providers.azure;
    const record = (await gw.ctx.store.upstreams.list()).find((u) => u.id === 'az')!;
    const entra = { ...record, settings: { authHeader: 'bearer' as const } };
    const models = await provider.listModels(entra, API_KEY, AbortSignal.timeout(5000));
    expect(models.map((m) => m.id)).toEqual(['gpt-4o-2024-08-06', 'text-embedding-3-small']);
    expect(lastCall().headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(lastCall().headers['api-key']).toBeUndefined();
  });

  it('a refused key is an UpstreamStatusError carrying 401', async () => {
    const record = (await gw.ctx.store.upstreams.list()).find((u) => u.id === 'az')!;
    await expect(gw.ctx.providers.azure.listModels(record, 'wrong-key', AbortSignal.timeout(5000))).rejects.toMatchObject({ status: 401 });
  });
});
