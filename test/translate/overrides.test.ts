import { describe, expect, it } from 'vitest';
import { mergeBody, overrideBody } from '../../src/translate/overrides.js';

// An alias target's overrides written into a passed-through body, in each protocol's own fields.
describe('overrideBody', () => {
  it('writes sampling and reasoning in OpenAI Responses fields, keeping the client\'s summary choice', () => {
    const body = { model: 'gpt-5', input: 'hi', reasoning: { effort: 'low', summary: 'auto' } };
    expect(overrideBody('openai-responses', body, 'gpt-5', { maxTokens: 500, topP: 0.5, reasoning: { effort: 'high' } })).toEqual({
      model: 'gpt-5',
      input: 'hi',
      max_output_tokens: 500,
      top_p: 0.5,
      reasoning: { summary: 'auto', effort: 'high' },
    });
  });

  it('writes Gemini settings under generationConfig: a level for Gemini 3, a budget before it, 0 turning thinking off', () => {
    const body = { contents: [], generationConfig: { temperature: 0.9, thinkingConfig: { includeThoughts: true, thinkingBudget: 100 } } };
    expect(overrideBody('gemini', body, 'gemini-3-pro-preview', { temperature: 0.1, reasoning: { effort: 'high' } }).generationConfig).toEqual({
      temperature: 0.1,
      thinkingConfig: { includeThoughts: true, thinkingLevel: 'high' },
    });
    expect(overrideBody('gemini', body, 'gemini-2.5-flash', { reasoning: { budgetTokens: 0 } }).generationConfig).toEqual({
      temperature: 0.9,
      thinkingConfig: { includeThoughts: true, thinkingBudget: 0 },
    });
  });

  it('leaves reasoning out for an OpenAI model that refuses it, as translation does', () => {
    const out = overrideBody('openai-chat', { model: 'gpt-4o', reasoning_effort: 'low', max_tokens: 10 }, 'gpt-4o', { reasoning: { effort: 'high' }, maxTokens: 20 });
    expect(out).toEqual({ model: 'gpt-4o', max_tokens: 20 });
  });

  it('sends Anthropic models that think adaptively an effort, not a budget, raising a limit below what the effort stands for', () => {
    const out = overrideBody('anthropic-messages', { model: 'm', max_tokens: 100, thinking: { type: 'enabled', budget_tokens: 2000 } }, 'claude-opus-4-6', {
      reasoning: { effort: 'high' },
    });
    // `high` stands for 16384 thinking tokens (shared/reasoning-levels.ts): the client's 100 come on top.
    expect(out).toEqual({ model: 'm', max_tokens: 16484, thinking: { type: 'adaptive' }, output_config: { effort: 'high' } });
    // A limit above the budget, or one the override sets itself, stays as it is.
    expect(overrideBody('anthropic-messages', { model: 'm', max_tokens: 30000 }, 'claude-opus-4-6', { reasoning: { effort: 'high' } }).max_tokens).toBe(30000);
    expect(overrideBody('anthropic-messages', { model: 'm', max_tokens: 100 }, 'claude-opus-4-6', { reasoning: { effort: 'high' }, maxTokens: 200 }).max_tokens).toBe(200);
  });

  it('merges `body` last, objects key by key, on embeddings too', () => {
    expect(overrideBody('openai-embeddings', { model: 'e', input: 'x' }, 'e', { temperature: 1, body: { dimensions: 256 } })).toEqual({ model: 'e', input: 'x', dimensions: 256 });
    expect(mergeBody({ a: { b: 1, c: 2 }, d: [1] }, { a: { c: 3 }, d: [2] })).toEqual({ a: { b: 1, c: 3 }, d: [2] });
  });
});
