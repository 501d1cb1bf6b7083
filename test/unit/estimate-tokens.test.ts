import { describe, expect, it } from 'vitest';
import { Tiktoken } from 'js-tiktoken/lite';
import o200k from 'js-tiktoken/ranks/o200k_base';
import { boundedCounter, estimateInputTokens } from '../../src/usage/estimate-tokens.js';
import type { IRRequest } from '../../src/translate/ir.js';

// Token estimates for upstreams that cannot count: exact on ordinary text, and bounded work on any input.

const tiktoken = new Tiktoken(o200k);
const words = (n: number) => Array.from({ length: n }, (_, i) => `word${i % 97} and, more (text) here.`).join(' ');
const request = (text: string): IRRequest => ({ system: [], messages: [{ role: 'user', content: [{ type: 'text', text }] }], tools: [] }) as unknown as IRRequest;

describe('the token estimate', () => {
  it("is the tokenizer's own count for ordinary text within the exact budget, counted in pieces", async () => {
    const text = words(300);
    const counter = boundedCounter(tiktoken);
    counter.add(text);
    expect(counter.total()).toBe(tiktoken.encode(text).length);
    let pauses = 0;
    const estimate = await estimateInputTokens(request(text), tiktoken, async () => void pauses++);
    // Four for the message's framing; cut at spaces, the pieces add up to the whole.
    expect(estimate).toBe(tiktoken.encode(text).length + 4);
    expect(pauses).toBeGreaterThan(3);
  });

  it('extrapolates past the exact budget at the rate measured, within a few percent of a full count', () => {
    const text = words(20_000); // about 600 KB
    const counter = boundedCounter(tiktoken);
    counter.add(text);
    const exact = tiktoken.encode(text).length;
    expect(Math.abs(counter.total() - exact) / exact).toBeLessThan(0.03);
  });

  it('slices a long run without spaces, changing its count by a few tokens at most', () => {
    const base64 = btoa(String.fromCharCode(...Array.from({ length: 3000 }, (_, i) => (i * 7) % 256)));
    const counter = boundedCounter(tiktoken);
    counter.add(base64);
    const exact = tiktoken.encode(base64).length;
    expect(Math.abs(counter.total() - exact) / exact).toBeLessThan(0.05);
  });

  it('counts a long run of whitespace in slices: never more than a slice of it in one piece, its count near the exact one', () => {
    const longest = (texts: string[]) => Math.max(0, ...texts.flatMap((t) => (t.match(/\s+/gu) ?? []).map((run) => [...run].length)));
    for (const text of [`start${' '.repeat(700)}end`, `a\n${'\u00a0'.repeat(500)}b`, `x${' \n\t'.repeat(300)}y`]) {
      const seen: string[] = [];
      const counter = boundedCounter({ encode: (t: string, a?: never[], d?: never[]) => (seen.push(t), tiktoken.encode(t, a, d)) });
      counter.add(text);
      expect(longest(seen)).toBeLessThanOrEqual(64);
      const exact = tiktoken.encode(text).length;
      // Each slice counts a token at least: over by one a slice at most.
      expect(counter.total()).toBeGreaterThanOrEqual(exact - 2);
      expect(counter.total()).toBeLessThanOrEqual(exact + Math.ceil(text.length / 64) + 2);
    }
  });

  // Without slicing and the budget, BPE on one piece of a megabyte runs for hours: these would never finish.
  it.each([
    ['a megabyte of one letter', 'x'.repeat(1_000_000)],
    ['a megabyte of base64', btoa('\u00ff\u0012\u00a0'.repeat(250_000))],
    ['a megabyte of spaces', ' '.repeat(1_000_000)],
    ['a megabyte of no-break spaces', '\u00a0'.repeat(1_000_000)],
  ])('answers for %s', async (_name, text) => {
    let pauses = 0;
    const tokens = await estimateInputTokens(request(text), tiktoken, async () => void pauses++);
    // The exact part is counted in pieces with turns of the event loop between them.
    expect(pauses).toBeGreaterThanOrEqual(10);
    expect(tokens).toBeGreaterThan(text.length / 64);
    expect(tokens).toBeLessThan(text.length);
  });
});
