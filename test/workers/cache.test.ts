import { expect, it } from 'vitest';
import OpenAI from 'openai';
import { admin, eventually, rowOf, target } from './client.js';
import { KEYS } from './suite.js';

// The response cache (on for the `cached` key): the second identical request is answered
// from it, without the upstream, and recorded as a hit that cost nothing.

it('answers a repeated request from the cache: the same answer, a HIT row that cost nothing', async () => {
  const client = new OpenAI({ apiKey: KEYS.cached, baseURL: `${target().url}/v1`, maxRetries: 0 });
  const ask = () => client.chat.completions.create({ model: 'gpt-pass', messages: [{ role: 'user', content: 'cache me on the edge' }] }).withResponse();
  const before = (await admin('GET', '/cache')).body.entries as number;
  const miss = await ask();
  expect(miss.response.headers.get('x-switchboard-cache')).toBe('MISS');
  // The answer is stored after it is sent.
  await eventually(async () => expect((await admin('GET', '/cache')).body.entries).toBe(before + 1));

  const hit = await ask();
  expect(hit.response.headers.get('x-switchboard-cache')).toBe('HIT');
  // The very answer the upstream gave the first time (the fake makes a fresh id per call).
  expect(hit.data).toEqual(miss.data);
  expect(hit.response.headers.get('x-request-id')).not.toBe(miss.response.headers.get('x-request-id'));

  expect(await rowOf(miss.response.headers.get('x-request-id'))).toMatchObject({ cacheStatus: 'MISS', upstreamId: 'oai', outputTokens: 7, costUsd: 7 });
  expect(await rowOf(hit.response.headers.get('x-request-id'))).toMatchObject({
    cacheStatus: 'HIT',
    status: 200,
    upstreamId: null,
    costUsd: 0,
    outputTokens: 0,
    savedTokens: 18,
  });
});

it('a different question is a miss', async () => {
  const client = new OpenAI({ apiKey: KEYS.cached, baseURL: `${target().url}/v1`, maxRetries: 0 });
  const other = await client.chat.completions.create({ model: 'gpt-pass', messages: [{ role: 'user', content: 'something else entirely' }] }).withResponse();
  expect(other.response.headers.get('x-switchboard-cache')).toBe('MISS');
  expect(other.data.choices[0].message.content).toBe('echo: something else entirely');
});
