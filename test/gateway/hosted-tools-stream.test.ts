import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { fakeResultUrl, SEARCH_KEYS, startFakeSearchVendors, type FakeSearchVendors } from '../fakes/search-vendors.js';
import { eventually, logRows, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';

// Hosted tools streamed as the turns happen (docs/hosted-tools.md): each turn of the model is
// piped to the client as it comes, the search shown as it starts and ends, the last turn's text
// deltas as the upstream sends them; one coherent stream with the turns' usage summed at its close.
// The fake upstream waits between chunks, so a buffered answer would arrive all at once at the end.

const PROMPT = 'scenario:websearch piped search news';
const QUERY = PROMPT;
const CHUNK_DELAY_MS = 80;

let slow: FakeUpstream;
let vendors: FakeSearchVendors;
let gw: NodeGateway;
let anthropic: Anthropic;
let openai: OpenAI;

beforeAll(async () => {
  slow = await startFakeOpenAI({ chunkDelayMs: CHUNK_DELAY_MS });
  vendors = await startFakeSearchVendors();
  gw = await startTestGateway({
    extra: {
      upstreams: [{ id: 'chat-only', kind: 'openai', baseUrl: `${slow.url}/v1`, speaks: ['chat'], credentials: [{ key: 'sk-fake-openai' }] }],
      models: [{ id: 'chat-model', routes: [{ upstream: 'chat-only', model: 'gpt-4o' }] }],
      prices: { 'gpt-4o': { input: 2.5, output: 10 } },
      hostedTools: { webSearch: { provider: 'tavily', apiKey: SEARCH_KEYS.tavily, baseUrl: vendors.urls.tavily, maxResults: 3, pricePer1000: 10 } },
    },
  });
  anthropic = new Anthropic({ apiKey: TEST_KEY, baseURL: gw.url, maxRetries: 0 });
  openai = new OpenAI({ apiKey: TEST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await gw?.close();
  await slow?.close();
  await vendors?.close();
});

beforeEach(() => {
  slow.reset();
  vendors.calls.length = 0;
});

/** Each event as it arrived, and when. */
interface Seen {
  type: string;
  at: number;
}

async function rowOf(id: string) {
  return eventually(async () => {
    const row = (await logRows(gw)).find((r) => r.id === id);
    expect(row?.status).toBeGreaterThan(0);
    return row!;
  });
}

describe('a streamed hosted-tool request is piped turn by turn', () => {
  it('Messages: the search blocks come before the last turn is asked, its text as the upstream sends it', async () => {
    const stream = anthropic.messages.stream({ model: 'chat-model', max_tokens: 200, tools: [{ type: 'web_search_20250305', name: 'web_search' }], messages: [{ role: 'user', content: PROMPT }] });
    const seen: Seen[] = [];
    const starts: number[] = [];
    stream.on('streamEvent', (event) => {
      const type = event.type === 'content_block_delta' ? `delta:${event.delta.type}` : event.type === 'content_block_start' ? `start:${event.content_block.type}` : event.type;
      if (event.type === 'content_block_start') starts.push(event.index);
      seen.push({ type, at: Date.now() });
    });
    const { response } = await stream.withResponse();
    const message = await stream.finalMessage();

    // One coherent stream: one opening, one closing, block indexes in one run.
    expect(seen.filter((e) => e.type === 'message_start')).toHaveLength(1);
    expect(seen[0].type).toBe('message_start');
    expect(seen.filter((e) => e.type === 'message_delta')).toHaveLength(1);
    expect(seen.at(-1)!.type).toBe('message_stop');
    expect(starts).toEqual([0, 1, 2]);
    expect(message.content.map((b) => b.type)).toEqual(['server_tool_use', 'web_search_tool_result', 'text']);

    // The answer's text came in several deltas spread over the upstream's pace, not in one piece at the end.
    const texts = seen.filter((e) => e.type === 'delta:text_delta');
    // The search was shown, and its results, before the model's last turn had its first text: the gateway asks that turn
    // after sending them, and the fake's first text comes a chunk's delay after the turn's start. (Not "before the turn
    // was asked" as the client sees it: with replicas behind a balancer the blocks take one more hop than the turn.)
    for (const type of ['start:server_tool_use', 'start:web_search_tool_result'])
      expect(texts[0].at - seen.find((e) => e.type === type)!.at).toBeGreaterThanOrEqual(CHUNK_DELAY_MS / 2);
    expect(texts.length).toBeGreaterThanOrEqual(3);
    expect(seen.at(-1)!.at - texts[0].at).toBeGreaterThanOrEqual(2 * CHUNK_DELAY_MS);
    expect((message.content[2] as Anthropic.TextBlock).citations?.[0]).toMatchObject({ url: fakeResultUrl('tavily', 1, QUERY) });

    // Usage summed over both turns, at the close and on the row.
    const row = await rowOf(response.headers.get('x-request-id')!);
    expect(row).toMatchObject({ status: 200, outcome: 'ok', units: { webSearches: 1 } });
    expect(message.usage.server_tool_use?.web_search_requests).toBe(1);
    expect(message.usage.output_tokens).toBe(row.outputTokens);
    expect(row.outputTokens).toBe(14);
    expect(message.usage.input_tokens).toBe(row.inputTokens);
  });

  it('Responses: web_search_call events before the last turn is asked, one sequence, usage summed at the close', async () => {
    const stream = await openai.responses.create({ model: 'chat-model', input: PROMPT, tools: [{ type: 'web_search' }], stream: true });
    const seen: Seen[] = [];
    const sequence: number[] = [];
    let created: OpenAI.Responses.Response | undefined;
    let completed: OpenAI.Responses.Response | undefined;
    let messageIndex = -1;
    for await (const event of stream) {
      seen.push({ type: event.type, at: Date.now() });
      sequence.push(event.sequence_number);
      if (event.type === 'response.created') created = event.response;
      if (event.type === 'response.completed') completed = event.response;
      if (event.type === 'response.output_item.added' && event.item.type === 'message') messageIndex = event.output_index;
    }
    expect(sequence).toEqual(sequence.map((_, i) => i));
    expect(seen.filter((e) => e.type === 'response.created')).toHaveLength(1);
    expect(seen.at(-1)!.type).toBe('response.completed');
    expect(completed!.id).toBe(created!.id);
    expect(completed!.output.map((i) => i.type)).toEqual(['web_search_call', 'message']);
    expect(messageIndex).toBe(1);

    const texts = seen.filter((e) => e.type === 'response.output_text.delta');
    for (const type of ['response.web_search_call.in_progress', 'response.web_search_call.searching', 'response.web_search_call.completed'])
      expect(texts[0].at - seen.find((e) => e.type === type)!.at).toBeGreaterThanOrEqual(CHUNK_DELAY_MS / 2);
    expect(texts.length).toBeGreaterThanOrEqual(3);
    expect(seen.at(-1)!.at - texts[0].at).toBeGreaterThanOrEqual(2 * CHUNK_DELAY_MS);
    expect(seen.map((e) => e.type)).toContain('response.output_text.annotation.added');

    expect(completed!.usage?.output_tokens).toBe(14);
    expect(completed!.usage?.input_tokens).toBe(22);
  });

  it('a client that leaves mid-way still gets its row, incomplete, with the search it ran', async () => {
    const stream = anthropic.messages.stream({ model: 'chat-model', max_tokens: 200, tools: [{ type: 'web_search_20250305', name: 'web_search' }], messages: [{ role: 'user', content: PROMPT }] });
    const { response } = await stream.withResponse();
    await new Promise<void>((resolve) => {
      stream.on('streamEvent', (event) => {
        if (event.type === 'content_block_start' && event.content_block.type === 'web_search_tool_result') {
          stream.abort();
          resolve();
        }
      });
    });
    await stream.done().catch(() => {});
    const row = await rowOf(response.headers.get('x-request-id')!);
    expect(row).toMatchObject({ status: 499, outcome: 'incomplete', units: { webSearches: 1 } });
    // The first turn's tokens are on the row; the search is priced with them.
    expect(row.outputTokens).toBeGreaterThanOrEqual(7);
    expect(row.costUsd).toBeGreaterThan(0.01);
  });
});
