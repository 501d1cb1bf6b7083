import { describe, expect, it } from 'vitest';
import { mayCarry } from '../../src/usage/stream-watchers.js';

describe('mayCarry: which raw events a pass-through watcher parses', () => {
  it('finds a key with a value whatever the spacing, across data lines', () => {
    expect(mayCarry('data: {"usage":{"prompt_tokens":1}}', '"usage"')).toBe(true);
    expect(mayCarry('data: {"usage": {"prompt_tokens":1}}', '"usage"')).toBe(true);
    expect(mayCarry('data: {"usage" :\t{"prompt_tokens":1}}', '"usage"')).toBe(true);
    expect(mayCarry('data: {\ndata:   "usage": {\ndata:     "prompt_tokens": 1\ndata:   }\ndata: }', '"usage"')).toBe(true);
    expect(mayCarry('data: {"usage":\ndata: {"prompt_tokens":1}}', '"usage"')).toBe(true);
  });

  it('skips events where the key is null or only text', () => {
    expect(mayCarry('data: {"choices":[{"delta":{"content":"hi"}}],"usage":null}', '"usage"')).toBe(false);
    expect(mayCarry('data: {"choices":[], "usage" : null}', '"usage"')).toBe(false);
    expect(mayCarry('data: {"delta":{"content":"say \\"usage\\": {"}}', '"usage"')).toBe(false);
    expect(mayCarry('data: {"a":"usage"}', '"usage"')).toBe(false);
    // A null first and a real value later in the same event still counts.
    expect(mayCarry('data: {"x":{"usage":null},"usage":{"input_tokens":2}}', '"usage"')).toBe(true);
  });
});
