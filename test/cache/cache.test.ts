import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import { FAKE_USAGE, startFakeAnthropic, startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { eventually, logRows, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';

// Keys: `tester` leaves the cache to the model / global settings, `cached` turns it on,
// `neighbour` too (same group, to show answers are not shared across keys), `never` turns it off.
const CACHED_KEY = 'sk-sb-cache-test-0000000000000000000001';
const NEIGHBOUR_KEY = 'sk-sb-cache-test-0000000000000000000002';
const NEVER_KEY = 'sk-sb-cache-test-0000000000000000000003';

let openaiFake: FakeUpstream;
let anthropicFake: FakeUpstream;
let gw: NodeGateway;
const openai = (apiKey: string, headers: Record<string, string> = {}) =>
  new OpenAI({ apiKey, baseURL: `${gw.url}/v1`, maxRetries: 0, defaultHeaders: headers });
const anthropic = (apiKey: string, headers: Record<string, string> = {}) =>
  new Anthropic({ apiKey, baseURL: gw.url, maxRetries: 0, defaultHeaders: headers });

beforeAll(async () => {
  openaiFake = await startFakeOpenAI();
  anthropicFake = await startFakeAnthropic();
  gw = await startTestGateway({
    openaiUrl: openaiFake.url,
    anthropicUrl: anthropicFake.url,
    extra: {
      cache: { models: { 'claude-test': { ttlSeconds: 120 } } },
      keys: [
        { name: 'tester', group: 'team-a', key: TEST_KEY },
        { name: 'cached', group: 'team-a', key: CACHED_KEY, cache: true },
        { name: 'neighbour', group: 'team-a', key: NEIGHBOUR_KEY, cache: true },
        { name: 'never', group: 'team-a', key: NEVER_KEY, cache: false },
      ],
    },
  });
});
afterAll(async () => {
  await gw?.close();
  await openaiFake?.close();
  await anthropicFake?.close();
});
beforeEach(() => {
  openaiFake.reset();
  anthropicFake.reset();
});

const entries = async () => (await gw.ctx.store.cache.stats()).entries;
/** Runs `send`, then waits for the entry its answer makes (written after the response, off the client's path). */
async function stored<T>(send: () => Promise<T>): Promise<T> {
  const before = await settledEntries();
  const result = await send();
  await eventually(async () => expect(await entries()).toBe(before + 1));
  return result;
}
/** The entry count once writes started by earlier requests have landed (it stops changing). */
async function settledEntries(): Promise<number> {
  let last = await entries();
  for (;;) {
    await new Promise((r) => setTimeout(r, 40));
    const now = await entries();
    if (now === last) return now;
    last = now;
  }
}
const rowOf = async (id: string | null) => (await logRows(gw)).find((r) => r.id === id)!;

describe('response cache: hit, miss, skip and expiry', () => {
  it('is off by default: no header, no entry, every request reaches the upstream', async () => {
    const client = openai(TEST_KEY);
    const ask = () => client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'off by default' }] }).withResponse();
    const first = await ask();
    const second = await ask();
    expect(openaiFake.calls).toHaveLength(2);
    expect(first.response.headers.get('x-switchboard-cache')).toBeNull();
    expect(second.data.id).not.toBe(first.data.id);
    expect((await rowOf(second.response.headers.get('x-request-id'))).cacheStatus).toBeNull();
    expect(await entries()).toBe(0);
  });

  it('answers a repeated request from the cache: no upstream call, nothing spent, the tokens it saved recorded', async () => {
    const client = openai(CACHED_KEY);
    const ask = () => client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'cache me' }] }).withResponse();
    const miss = await stored(ask);
    expect(miss.response.headers.get('x-switchboard-cache')).toBe('MISS');
    const hit = await ask();
    expect(hit.response.headers.get('x-switchboard-cache')).toBe('HIT');
    expect(openaiFake.calls).toHaveLength(1);
    // The very answer the upstream gave the first time (the fake makes a fresh id per call).
    expect(hit.data).toEqual(miss.data);
    expect(hit.response.headers.get('x-request-id')).not.toBe(miss.response.headers.get('x-request-id'));

    const U = FAKE_USAGE.openai.chat;
    const missRow = await rowOf(miss.response.headers.get('x-request-id'));
    expect(missRow).toMatchObject({ cacheStatus: 'MISS', upstreamId: 'oai', outputTokens: U.completion_tokens });
    const hitRow = await rowOf(hit.response.headers.get('x-request-id'));
    expect(hitRow).toMatchObject({
      cacheStatus: 'HIT',
      status: 200,
      outcome: 'ok',
      upstreamId: null,
      costUsd: 0,
      inputTokens: 0,
      outputTokens: 0,
      cacheReadTokens: 0,
      savedTokens: U.total_tokens,
    });

    // Usage reports count the hit as a request that spent no tokens.
    const usage = await gw.ctx.store.usage.query({ by: 'key', from: Date.now() - 60_000, to: Date.now() + 60_000 });
    const mine = usage.find((r) => r.value === hitRow.keyId)!;
    expect(mine.requests).toBe(2);
    expect(mine.outputTokens).toBe(U.completion_tokens);
    expect(mine.costUsd ?? 0).toBe(missRow.costUsd ?? 0);
  });

  it('ignores key order and labelling fields (user, metadata) but not the sampling parameters', async () => {
    const post = (body: unknown) =>
      fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${CACHED_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const messages = [{ role: 'user', content: 'normalize me' }];
    const first = await stored(() => post({ model: 'gpt-test', messages, temperature: 0.2 }));
    await first.json();
    const reordered = await post({ temperature: 0.2, user: 'someone', metadata: { a: '1' }, messages, model: 'gpt-test' });
    expect(reordered.headers.get('x-switchboard-cache')).toBe('HIT');
    await reordered.body?.cancel();
    const hotter = await post({ model: 'gpt-test', messages, temperature: 0.9 });
    expect(hotter.headers.get('x-switchboard-cache')).toBe('MISS');
    await hotter.json();
    expect(openaiFake.calls).toHaveLength(2);
  });

  it('x-switchboard-skip-cache: true neither reads nor writes the cache', async () => {
    const ask = (headers: Record<string, string> = {}) =>
      openai(CACHED_KEY, headers).chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'skip me' }] }).withResponse();
    const miss = await stored(() => ask());
    const before = await entries();
    const skipped = await ask({ 'x-switchboard-skip-cache': 'true' });
    expect(skipped.response.headers.get('x-switchboard-cache')).toBeNull();
    expect(skipped.data.id).not.toBe(miss.data.id);
    expect(openaiFake.calls).toHaveLength(2);
    expect((await rowOf(skipped.response.headers.get('x-request-id'))).cacheStatus).toBeNull();
    // The stored answer is still the first one.
    await new Promise((r) => setTimeout(r, 50));
    expect(await entries()).toBe(before);
    expect((await ask()).data.id).toBe(miss.data.id);
  });

  it('x-switchboard-cache-ttl turns the cache on for one request, and the entry expires after it', async () => {
    const ask = (headers: Record<string, string>) =>
      openai(TEST_KEY, headers).chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'ttl' }] }).withResponse();
    const miss = await stored(() => ask({ 'x-switchboard-cache-ttl': '1' }));
    expect(miss.response.headers.get('x-switchboard-cache')).toBe('MISS');
    const hit = await ask({ 'x-switchboard-cache-ttl': '1' });
    expect(hit.response.headers.get('x-switchboard-cache')).toBe('HIT');
    expect(hit.data.id).toBe(miss.data.id);
    // Without the header the key's setting (off) decides: no read.
    expect((await ask({})).response.headers.get('x-switchboard-cache')).toBeNull();

    await new Promise((r) => setTimeout(r, 1100));
    const expired = await ask({ 'x-switchboard-cache-ttl': '1' });
    expect(expired.response.headers.get('x-switchboard-cache')).toBe('MISS');
    expect(expired.data.id).not.toBe(miss.data.id);
    expect(openaiFake.calls).toHaveLength(3);
  });

  it('refuses a bad cache header with a 400 in the client protocol shape', async () => {
    const err = await openai(CACHED_KEY, { 'x-switchboard-cache-ttl': 'soon' })
      .chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'bad ttl' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('x-switchboard-cache-ttl');
    expect(openaiFake.calls).toHaveLength(0);
  });

  it('a key set to cache: false stays off even when the request asks', async () => {
    const ask = () =>
      openai(NEVER_KEY, { 'x-switchboard-cache-ttl': '60' })
        .chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'never' }] })
        .withResponse();
    await ask();
    const second = await ask();
    expect(second.response.headers.get('x-switchboard-cache')).toBeNull();
    expect(openaiFake.calls).toHaveLength(2);
  });

  it('keeps each key to its own answers; x-switchboard-cache-key names an entry across bodies', async () => {
    const ask = (key: string, content: string, headers: Record<string, string> = {}) =>
      openai(key, headers).chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content }] }).withResponse();
    await stored(() => ask(CACHED_KEY, 'scoped'));
    const neighbour = await ask(NEIGHBOUR_KEY, 'scoped');
    expect(neighbour.response.headers.get('x-switchboard-cache')).toBe('MISS');

    const named = await stored(() => ask(CACHED_KEY, 'first wording', { 'x-switchboard-cache-key': 'faq-42' }));
    const reworded = await ask(CACHED_KEY, 'second wording', { 'x-switchboard-cache-key': 'faq-42' });
    expect(reworded.response.headers.get('x-switchboard-cache')).toBe('HIT');
    expect(reworded.data.choices[0].message.content).toBe('echo: first wording');
    expect(reworded.data.id).toBe(named.data.id);
  });

  it('does not keep failed answers or streams that broke', async () => {
    const client = openai(CACHED_KEY);
    openaiFake.failNext({ kind: 'status', status: 500 });
    const failed = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'fail once' }] }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(OpenAI.InternalServerError);

    openaiFake.failNext({ kind: 'cut-mid-stream', afterEvents: 2 });
    const stream = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'cut once' }], stream: true });
    await expect(async () => {
      for await (const _chunk of stream) void _chunk;
    }).rejects.toThrow();

    await new Promise((r) => setTimeout(r, 100));
    const before = openaiFake.calls.length;
    const retried = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'fail once' }] }).withResponse();
    expect(retried.response.headers.get('x-switchboard-cache')).toBe('MISS');
    const again = await client.chat.completions
      .create({ model: 'gpt-test', messages: [{ role: 'user', content: 'cut once' }], stream: true })
      .withResponse();
    expect(again.response.headers.get('x-switchboard-cache')).toBe('MISS');
    for await (const _chunk of again.data) void _chunk;
    expect(openaiFake.calls.length).toBe(before + 2);
  });

  it('does not keep a stream the upstream closed before its last event', async () => {
    const client = openai(CACHED_KEY);
    const ask = () => client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'closed early' }], stream: true }).withResponse();
    openaiFake.failNext({ kind: 'end-mid-stream', afterEvents: 3 });
    const first = await ask();
    // The client hears that the stream broke (an error event), and nothing is kept.
    const drain = async () => {
      for await (const _chunk of first.data) void _chunk;
    };
    await expect(drain()).rejects.toThrow(/without its closing event/);
    await new Promise((r) => setTimeout(r, 100));
    const again = await ask();
    expect(again.response.headers.get('x-switchboard-cache')).toBe('MISS');
    for await (const _chunk of again.data) void _chunk;
    // The whole answer, closed properly, is kept.
    await eventually(async () => expect((await ask()).response.headers.get('x-switchboard-cache')).toBe('HIT'));
  });
});

describe('response cache: streams replayed to the official SDKs', () => {
  it('OpenAI chat: a streamed answer comes back as the same chunks, apart from the non-stream entry', async () => {
    const client = openai(CACHED_KEY);
    const read = async () => {
      const { data, response } = await client.chat.completions
        .create({ model: 'gpt-test', messages: [{ role: 'user', content: 'stream me please' }], stream: true })
        .withResponse();
      let text = '';
      const ids = new Set<string>();
      let finish: string | null = null;
      for await (const chunk of data) {
        ids.add(chunk.id);
        text += chunk.choices[0]?.delta?.content ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
      return { text, ids: [...ids], finish, cache: response.headers.get('x-switchboard-cache') };
    };
    const miss = await stored(read);
    const hit = await read();
    expect(miss.cache).toBe('MISS');
    expect(hit).toEqual({ ...miss, cache: 'HIT' });
    expect(hit.text).toBe('echo: stream me please');
    expect(hit.finish).toBe('stop');
    expect(openaiFake.calls).toHaveLength(1);

    // The same request without streaming is another entry.
    const whole = await client.chat.completions
      .create({ model: 'gpt-test', messages: [{ role: 'user', content: 'stream me please' }] })
      .withResponse();
    expect(whole.response.headers.get('x-switchboard-cache')).toBe('MISS');
    expect(whole.data.choices[0].message.content).toBe('echo: stream me please');
  });

  it('Anthropic messages: the model setting turns it on; MessageStream reads the replay', async () => {
    const client = anthropic(TEST_KEY);
    const read = async () => {
      const stream = client.messages.stream({ model: 'claude-test', max_tokens: 64, messages: [{ role: 'user', content: 'stream from claude' }] });
      const { response } = await stream.withResponse();
      const message = await stream.finalMessage();
      return { message, cache: response.headers.get('x-switchboard-cache'), requestId: response.headers.get('x-request-id') };
    };
    const miss = await stored(read);
    const hit = await read();
    expect([miss.cache, hit.cache]).toEqual(['MISS', 'HIT']);
    expect(hit.message).toEqual(miss.message);
    expect(hit.message.content[0]).toMatchObject({ type: 'text', text: 'echo: stream from claude' });
    expect(anthropicFake.calls).toHaveLength(1);
    const row = await rowOf(hit.requestId);
    const U = FAKE_USAGE.anthropic.messages;
    expect(row).toMatchObject({ cacheStatus: 'HIT', stream: true, savedTokens: U.input_tokens + U.cache_read_input_tokens + U.cache_creation_input_tokens + U.output_tokens });
  });

  it('a translated stream (Anthropic client, OpenAI upstream) is kept as the client received it', async () => {
    const client = anthropic(CACHED_KEY);
    const read = async () => {
      const stream = client.messages.stream({ model: 'gpt-test', max_tokens: 64, messages: [{ role: 'user', content: 'translate and keep' }] });
      const { response } = await stream.withResponse();
      return { message: await stream.finalMessage(), cache: response.headers.get('x-switchboard-cache') };
    };
    const miss = await stored(read);
    const hit = await read();
    expect([miss.cache, hit.cache]).toEqual(['MISS', 'HIT']);
    expect(hit.message).toEqual(miss.message);
    expect(hit.message.content[0]).toMatchObject({ type: 'text', text: 'echo: translate and keep' });
    expect(openaiFake.calls).toHaveLength(1);
  });

  it('OpenAI Responses: the SDK stream helper reads the replay', async () => {
    const client = openai(CACHED_KEY);
    const read = async () => {
      const stream = client.responses.stream({ model: 'gpt-test', input: 'responses replay' });
      const final = await stream.finalResponse();
      return { id: final.id, text: final.output_text };
    };
    const miss = await stored(read);
    const hit = await read();
    expect(hit).toEqual(miss);
    expect(hit.text).toBe('echo: responses replay');
    expect(openaiFake.calls).toHaveLength(1);
  });

  it('Gemini: streamGenerateContent is replayed to @google/genai', async () => {
    const ai = new GoogleGenAI({ apiKey: CACHED_KEY, httpOptions: { baseUrl: gw.url } });
    const read = async () => {
      let text = '';
      for await (const chunk of await ai.models.generateContentStream({ model: 'mock-model', contents: 'gemini replay' })) text += chunk.text ?? '';
      return text;
    };
    const first = await stored(read);
    const second = await read();
    expect(second).toBe(first);
    expect(second.length).toBeGreaterThan(0);
    const rows = (await logRows(gw)).filter((r) => r.protocol === 'gemini');
    expect(rows.slice(0, 2).map((r) => r.cacheStatus)).toEqual(['HIT', 'MISS']);
    expect(rows[0].upstreamId).toBeNull();
  });
});
