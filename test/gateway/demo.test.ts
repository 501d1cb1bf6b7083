import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI, { toFile } from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { loadConfig } from '../../src/config/load.js';
import { startNodeGateway, type NodeGateway } from '../../src/platform/node/gateway.js';
import { logRows, tempDir } from '../helpers/gateway.js';

const DEMO_KEY = 'sk-sb-demo-0000000000000000000000000000';
let gw: NodeGateway;

beforeAll(async () => {
  const result = loadConfig(readFileSync(new URL('../../switchboard.demo.yaml', import.meta.url), 'utf8'), {});
  if (!result.ok) throw new Error(result.problems.join('\n'));
  const dir = tempDir();
  result.config.server.port = 0;
  result.config.storage.url = `sqlite:${join(dir, 'demo.db')}`;
  gw = await startNodeGateway(result.config, { log: () => {} });
});
afterAll(() => gw?.close());

describe('the offline demo (mock upstream)', () => {
  it('generates an admin key file and answers the admin API with it', async () => {
    expect(gw.adminKeySource).toMatch(/admin-key$/);
    const adminKey = readFileSync(gw.adminKeySource, 'utf8').trim();
    const res = await fetch(`${gw.url}/admin/api/keys`, { headers: { authorization: `Bearer ${adminKey}` } });
    expect(res.status).toBe(200);
  });

  it('answers OpenAI chat deterministically, streamed or not, with the same text', async () => {
    const client = new OpenAI({ apiKey: DEMO_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const messages = [{ role: 'user' as const, content: 'ping' }];
    const plain = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    const again = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect(plain.choices[0].message.content).toBe('Mock reply from Switchboard. You said: ping');
    expect(again.usage).toEqual(plain.usage);
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } });
    let text = '';
    let usage;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe(plain.choices[0].message.content);
    expect(usage?.completion_tokens).toBe(plain.usage?.completion_tokens);
    const embedding = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'ping' });
    expect(embedding.data[0].embedding).toHaveLength(8);
  });

  it('answers Anthropic messages and count_tokens, streamed or not', async () => {
    const client = new Anthropic({ apiKey: DEMO_KEY, baseURL: gw.url, maxRetries: 0 });
    const messages = [{ role: 'user' as const, content: 'pong' }];
    const plain = await client.messages.create({ model: 'claude-sonnet', max_tokens: 50, messages });
    expect(plain.content[0]).toEqual({ type: 'text', text: 'Mock reply from Switchboard. You said: pong' });
    const streamed = await client.messages.stream({ model: 'claude-sonnet', max_tokens: 50, messages }).finalMessage();
    expect(streamed.content).toEqual(plain.content);
    expect(streamed.usage.output_tokens).toBe(plain.usage.output_tokens);
    const count = await client.messages.countTokens({ model: 'claude-sonnet', messages });
    expect(count.input_tokens).toBe(plain.usage.input_tokens);
    const rows = await logRows(gw);
    expect(rows.filter((r) => r.upstreamId === 'demo' && r.outcome === 'ok').length).toBeGreaterThanOrEqual(3);
  });

  it("reranks in Cohere's shape, billed by the search at the shipped price", async () => {
    const res = await fetch(`${gw.url}/v2/rerank`, {
      method: 'POST',
      headers: { authorization: `Bearer ${DEMO_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'rerank-v3.5', query: 'capital of France', documents: ['Berlin is in Germany', 'Paris is the capital of France'], top_n: 1 }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { results: { index: number; relevance_score: number }[]; meta: { billed_units: { search_units: number } } };
    expect(body.results).toEqual([{ index: 1, relevance_score: 1 }]);
    expect(body.meta.billed_units.search_units).toBe(1);
    const row = (await logRows(gw)).find((r) => r.model === 'rerank-v3.5')!;
    expect(row.units).toEqual({ searches: 1 });
    expect(row.costUsd).toBe(0.002);
  });

  it('makes an image, transcribes and speaks offline, each billed at the shipped price of its public model', async () => {
    const client = new OpenAI({ apiKey: DEMO_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const image = await client.images.generate({ model: 'gpt-image-1', prompt: 'a lighthouse' });
    expect(image.data![0].b64_json).toMatch(/^iVBORw0KGgo/);
    const heard = await client.audio.transcriptions.create({ model: 'whisper-1', file: await toFile(new Uint8Array(32_000), 'a.ogg', { type: 'audio/ogg' }) });
    expect(heard.text).toBe('Mock transcription of 32000 bytes of audio.');
    const spoken = await client.audio.speech.create({ model: 'tts-1', input: 'hello', voice: 'alloy' });
    expect(Buffer.from(await spoken.arrayBuffer()).subarray(0, 4).toString()).toBe('RIFF');
    const rows = await logRows(gw);
    expect(rows.find((r) => r.model === 'gpt-image-1')).toMatchObject({ units: { images: 1, imageSize: '1024x1024', imageQuality: 'medium' }, costUsd: 0.042 });
    expect(rows.find((r) => r.model === 'whisper-1')).toMatchObject({ units: { audioSeconds: 2 }, costUsd: 0.0002 });
    expect(rows.find((r) => r.model === 'tts-1')).toMatchObject({ units: { characters: 5 }, costUsd: 0.000075 });
  });
});
