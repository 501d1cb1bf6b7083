import { describe, expect, it } from 'vitest';
import { Tiktoken } from 'js-tiktoken/lite';
import o200k from 'js-tiktoken/ranks/o200k_base';
import { loadTokenizer } from '../../src/usage/load-tokenizer.js';

// The tokenizer is built with turns of the event loop between pieces, and encodes exactly as js-tiktoken's own.

describe('the tokenizer built in pieces', () => {
  it("gives the event loop a turn every few thousand ranks, and encodes and decodes as js-tiktoken's constructor does", async () => {
    let pauses = 0;
    const built = await loadTokenizer(async () => void pauses++);
    // 200,000 ranks, 2,000 a turn.
    expect(pauses).toBeGreaterThanOrEqual(100);
    const reference = new Tiktoken(o200k);
    const text = `Hello, world! Ünïcödé 日本語 🎉 ${'function f(x) { return x * 2; } '.repeat(50)} ${'x'.repeat(40)}`;
    expect(built.encode(text)).toEqual(reference.encode(text));
    expect(built.decode(built.encode(text))).toBe(text);
  });
});
