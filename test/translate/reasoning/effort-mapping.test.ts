// Reasoning settings crossing shapes through the gateway, by the one table in
// docs/translation.md ("Reasoning"): each client sends its own settings through
// its official SDK, and the test reads what each upstream kind received.
import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../../src/store/types.js';
import { useRig, type PublicModel } from './rig.js';

const rig = useRig();

const USER = [{ role: 'user' as const, content: 'What is 2+2?' }];

/** What the upstream behind `model` was asked for, in its own words. */
function received(model: PublicModel): unknown {
  const body = rig().lastCall(model).body;
  if (model.startsWith('chat-')) return { reasoning_effort: body.reasoning_effort };
  if (model.startsWith('resp-')) return { reasoning: body.reasoning };
  if (model.startsWith('claude-')) return { thinking: body.thinking, effort: body.output_config?.effort, max_tokens: body.max_tokens };
  return { thinkingConfig: body.generationConfig?.thinkingConfig };
}

// Each sends one request and returns its log row.
async function fromAnthropic(model: PublicModel, settings: Record<string, unknown>, maxTokens = 20_000): Promise<LogRecord> {
  await rig().anthropicClient.messages.create({ model, max_tokens: maxTokens, messages: USER, ...settings } as never);
  return rig().nextRow();
}
async function fromChat(model: PublicModel, effort: string, maxTokens?: number): Promise<LogRecord> {
  await rig().chat.chat.completions.create({ model, messages: USER, reasoning_effort: effort as never, ...(maxTokens ? { max_completion_tokens: maxTokens } : {}) });
  return rig().nextRow();
}
async function fromResponses(model: PublicModel, reasoning: Record<string, unknown>): Promise<LogRecord> {
  await rig().chat.responses.create({ model, input: 'What is 2+2?', reasoning: reasoning as never });
  return rig().nextRow();
}
async function fromGemini(model: PublicModel, thinkingConfig: Record<string, unknown>): Promise<LogRecord> {
  await rig().geminiClient.models.generateContent({ model, contents: 'What is 2+2?', config: { thinkingConfig } });
  return rig().nextRow();
}

describe('an Anthropic thinking budget', () => {
  const thinking = { thinking: { type: 'enabled', budget_tokens: 10_000 } };
  it.each([
    ['chat-o4', { reasoning_effort: 'medium' }],
    ['resp-o4', { reasoning: { effort: 'medium', summary: 'auto' } }],
    ['gemini-25', { thinkingConfig: { thinkingBudget: 10_000, includeThoughts: true } }],
    ['gemini-3', { thinkingConfig: { thinkingLevel: 'medium', includeThoughts: true } }],
  ] as const)('reaches %s as its own setting', async (model, expected) => {
    const row = await fromAnthropic(model, thinking);
    expect(received(model)).toEqual(expected);
    expect(row.status).toBe(200);
  });

  it('is left out for an OpenAI model that does not reason, with a warning', async () => {
    const row = await fromAnthropic('chat-4o', thinking);
    expect(received('chat-4o')).toEqual({ reasoning_effort: undefined });
    expect(row.warnings).toContain('dropped reasoning settings: gpt-4o does not reason');
  });
});

describe("Anthropic's adaptive thinking and output_config.effort", () => {
  const settings = { thinking: { type: 'adaptive' }, output_config: { effort: 'max' } };
  it.each([
    ['chat-o4', { reasoning_effort: 'xhigh' }, 'reasoning effort "max" sent to openai chat as "xhigh"'],
    ['resp-o4', { reasoning: { effort: 'xhigh', summary: 'auto' } }, 'reasoning effort "max" sent to openai-responses as "xhigh"'],
    ['gemini-25', { thinkingConfig: { thinkingBudget: 32_768, includeThoughts: true } }, undefined],
    ['gemini-3', { thinkingConfig: { thinkingLevel: 'high', includeThoughts: true } }, 'reasoning effort "max" sent to gemini as thinkingLevel "high"'],
  ] as const)('reach %s as the nearest level it has', async (model, expected, warning) => {
    const row = await fromAnthropic(model, settings);
    expect(received(model)).toEqual(expected);
    if (warning) expect(row.warnings).toContain(warning);
  });

  it('adaptive thinking alone is dynamic thinking on Gemini 2.5 and nothing to say to OpenAI', async () => {
    await fromAnthropic('gemini-25', { thinking: { type: 'adaptive' } });
    expect(received('gemini-25')).toEqual({ thinkingConfig: { thinkingBudget: -1, includeThoughts: true } });
    await fromAnthropic('chat-o4', { thinking: { type: 'adaptive' } });
    expect(received('chat-o4')).toEqual({ reasoning_effort: undefined });
  });

  it('display "omitted" asks Gemini for no thoughts', async () => {
    await fromAnthropic('gemini-25', { thinking: { type: 'enabled', budget_tokens: 2048, display: 'omitted' } });
    expect(received('gemini-25')).toEqual({ thinkingConfig: { thinkingBudget: 2048, includeThoughts: false } });
  });
});

describe('an OpenAI Chat reasoning_effort', () => {
  it('becomes adaptive thinking with output_config.effort on Claude 4.6 and later, a budget kept below max_tokens on earlier ones', async () => {
    await fromChat('claude-new', 'high');
    expect(received('claude-new')).toEqual({ thinking: { type: 'adaptive' }, effort: 'high', max_tokens: 4096 + 16_384 });
    await fromChat('claude-old', 'high');
    expect(received('claude-old')).toEqual({ thinking: { type: 'enabled', budget_tokens: 16_384 }, effort: undefined, max_tokens: 4096 + 16_384 });
    const row = await fromChat('claude-old', 'high', 9000);
    expect(received('claude-old')).toEqual({ thinking: { type: 'enabled', budget_tokens: 8999 }, effort: undefined, max_tokens: 9000 });
    expect(row.warnings).toContain('thinking budget 16384 lowered to 8999: it must stay below max_tokens');
  });

  it('"minimal" becomes the nearest Anthropic effort, warned; "none" turns thinking off', async () => {
    const row = await fromChat('claude-new', 'minimal');
    expect(received('claude-new')).toMatchObject({ thinking: { type: 'adaptive' }, effort: 'low' });
    expect(row.warnings).toContain('reasoning effort "minimal" sent to Anthropic as effort "low"');
    await fromChat('claude-new', 'none');
    expect(received('claude-new')).toMatchObject({ thinking: { type: 'disabled' }, effort: undefined });
  });

  it('an effort the gateway does not know is forwarded where the target has an effort field, dropped with a warning where it has a budget', async () => {
    await fromChat('claude-new', 'turbo');
    expect(received('claude-new')).toMatchObject({ thinking: { type: 'adaptive' }, effort: 'turbo' });
    await fromChat('gemini-3', 'turbo');
    expect(received('gemini-3')).toEqual({ thinkingConfig: { thinkingLevel: 'turbo' } });
    await fromChat('gemini-3', 'low');
    expect(received('gemini-3')).toEqual({ thinkingConfig: { thinkingLevel: 'low' } });
    const row = await fromChat('claude-old', 'turbo');
    expect(received('claude-old')).toMatchObject({ thinking: undefined });
    expect(row.warnings).toContain('dropped reasoning effort "turbo": no Anthropic thinking budget for it');
  });

  it('reaches Gemini 2.5 as the budget the table gives it', async () => {
    await fromChat('gemini-25', 'low');
    expect(received('gemini-25')).toEqual({ thinkingConfig: { thinkingBudget: 2048 } });
  });
});

describe('a Gemini thinkingConfig', () => {
  it('reaches every other upstream kind by the table', async () => {
    const cases = [
      ['claude-new', { thinkingBudget: 3000 }, { thinking: { type: 'adaptive' }, effort: 'low' }],
      ['claude-old', { thinkingBudget: 3000 }, { thinking: { type: 'enabled', budget_tokens: 3000 } }],
      ['claude-old', { thinkingLevel: 'LOW' }, { thinking: { type: 'enabled', budget_tokens: 2048 } }],
      ['claude-new', { thinkingBudget: -1 }, { thinking: { type: 'adaptive' }, effort: undefined }],
      ['claude-old', { thinkingBudget: -1 }, { thinking: { type: 'enabled', budget_tokens: 8192 } }],
      ['claude-old', { thinkingBudget: 0 }, { thinking: { type: 'disabled' } }],
      ['chat-o4', { thinkingBudget: 30_000 }, { reasoning_effort: 'high' }],
      ['resp-o4', { thinkingBudget: 1500, includeThoughts: true }, { reasoning: { effort: 'low', summary: 'auto' } }],
    ] as const;
    for (const [model, config, expected] of cases) {
      await fromGemini(model, config);
      expect(received(model), `${model} ${JSON.stringify(config)}`).toMatchObject(expected);
    }
  });
});

describe('a Responses reasoning object', () => {
  it('reaches Anthropic and Gemini upstreams by the table', async () => {
    const cases = [
      ['claude-new', { thinking: { type: 'adaptive' }, effort: 'medium' }],
      ['claude-old', { thinking: { type: 'enabled', budget_tokens: 8192 } }],
      ['gemini-25', { thinkingConfig: { thinkingBudget: 8192, includeThoughts: true } }],
      ['gemini-3', { thinkingConfig: { thinkingLevel: 'medium', includeThoughts: true } }],
    ] as const;
    for (const [model, expected] of cases) {
      await fromResponses(model, { effort: 'medium', summary: 'auto' });
      expect(received(model), model).toMatchObject(expected);
    }
  });
});
