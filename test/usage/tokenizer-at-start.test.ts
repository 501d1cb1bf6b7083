import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { Tiktoken } from 'js-tiktoken/lite';
import o200k from 'js-tiktoken/ranks/o200k_base';
import { startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { logRows, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import type { Tokenizer } from '../../src/usage/tokenizer-loader.js';

/**
 * The token estimate's tokenizer is built off every request's path: at the
 * gateway's start (Node), or on first use (Workers); a count asked before it
 * is built gets the rough estimate at once. The build is held back here, so
 * what is checked is who started it and what a request got meanwhile, not
 * how long anything took.
 */

let fake: FakeUpstream;
beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(() => fake?.close());

const messages = [{ role: 'user' as const, content: 'How many tokens does this sentence have, roughly?' }];

/** A build that waits for `release`, counting its starts. */
function heldBuild() {
  let release!: (tokenizer: Tokenizer) => void;
  const held = new Promise<Tokenizer>((resolve) => (release = resolve));
  const build = { starts: 0, release, fn: async () => (build.starts++, held) };
  return build;
}

async function countOnce(gw: NodeGateway): Promise<{ tokens: number; warning: string }> {
  const client = new Anthropic({ apiKey: TEST_KEY, baseURL: gw.url, maxRetries: 0 });
  const { input_tokens } = await client.messages.countTokens({ model: 'gpt-test', messages });
  const row = (await logRows(gw)).find((r) => r.endpoint === 'count_tokens');
  expect(row?.usageEstimated).toBe(true);
  return { tokens: input_tokens, warning: row?.warnings?.join(' ') ?? '' };
}

describe("the token estimate's tokenizer", () => {
  it('is built from the start on Node; a count before it is built gets the rough estimate, not a wait', async () => {
    const build = heldBuild();
    const gw = await startTestGateway({ openaiUrl: fake.url, tokenizerLoad: 'at-start', buildTokenizer: build.fn });
    try {
      // Started by the gateway's start, before any request.
      expect(build.starts).toBe(1);
      const early = await countOnce(gw);
      expect(early.warning).toMatch(/about four bytes a token while the tokenizer loads/);
      expect(early.tokens).toBeGreaterThan(4);
      expect(build.starts).toBe(1);

      const tiktoken = new Tiktoken(o200k);
      build.release(tiktoken);
      await gw.ctx.tokenizer.load();
      const later = await countOnce(gw);
      expect(later.warning).toMatch(/o200k_base tokenizer/);
      // The exact count: the message's text and four for its framing.
      expect(later.tokens).toBe(tiktoken.encode(messages[0].content).length + 4);
    } finally {
      await gw.close();
    }
  });

  it('on first use (Workers) is started by the first count, which gets the rough estimate', async () => {
    const build = heldBuild();
    const gw = await startTestGateway({ openaiUrl: fake.url, tokenizerLoad: 'at-first-use', buildTokenizer: build.fn });
    try {
      expect(build.starts).toBe(0);
      expect((await countOnce(gw)).warning).toMatch(/while the tokenizer loads/);
      expect(build.starts).toBe(1);
      build.release(new Tiktoken(o200k));
    } finally {
      await gw.close();
    }
  });

  it('stops building when the gateway closes, so a close never waits for it', async () => {
    const gw = await startTestGateway({ openaiUrl: fake.url, tokenizerLoad: 'at-start' });
    await gw.close();
    expect(gw.ctx.tokenizer.current()).toBeUndefined();
  });
});
