// A request shaped like Claude Code 2.1.197's, through the Anthropic SDK, to every
// translated upstream: mid-conversation system messages (inside `messages`),
// `context_management`, `output_config`, new betas, server-tool and other blocks the
// IR has no place for, and a tool loop. Each answers 200; the upstream gets the
// system text at its place in its own form, and the log row names what was dropped.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { foldedSystemText } from '../../../src/translate/shared/fold-system.js';
import { TOOL_CALLS } from '../../fakes/scenarios.js';
import { MATRIX_KEY, MODELS, startMatrix, type MatrixRig } from '../matrix/matrix-gateway.js';

const TOP_SYSTEM = "You are Claude Code, Anthropic's official CLI for Claude.";
const PLAN_MODE = 'Plan mode is active: read before you write.';
const ONE_LINE = 'Answer in one line from now on.';
const BETAS = ['claude-code-20250219', 'interleaved-thinking-2025-05-14', 'context-management-2025-06-27', 'mid-conversation-system-2026-04-07'];

const TOOLS = [
  {
    name: 'get_weather',
    description: 'Current weather for a city',
    input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
  {
    name: 'get_time',
    description: 'Current time in a timezone',
    input_schema: { type: 'object', properties: { timezone: { type: 'string' } }, required: ['timezone'] },
  },
  { type: 'web_search_20250305', name: 'web_search', max_uses: 5 },
];

/** The top-level fields Claude Code sends on every request, beside model, messages and tools. */
function envelope(model: string, maxTokens = 32000): Record<string, unknown> {
  return {
    model,
    max_tokens: maxTokens,
    system: [
      { type: 'text', text: TOP_SYSTEM, cache_control: { type: 'ephemeral' } },
      { type: 'text', text: 'Work in /tmp/project.', cache_control: { type: 'ephemeral' } },
    ],
    tools: TOOLS,
    metadata: { user_id: 'user_0123_account__session_4567' },
    context_management: { edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] },
    output_config: { effort: 'medium' },
  };
}

const FIRST_USER = {
  role: 'user',
  content: [
    { type: 'text', text: '<system-reminder>Use the tools when they help.</system-reminder>' },
    { type: 'text', text: 'Weather and time in Paris? scenario:tools' },
    { type: 'container_upload', file_id: 'file_011CNha8iCJcU1wXNR6q4V8w' },
  ],
};
const PLAN_MODE_MESSAGE = { role: 'system', content: PLAN_MODE };

/** The second request of the loop: the answer's tool calls (after a web search the IR cannot carry), their results, a new instruction. */
function followUp(toolUses: { id: string; name: string; input: unknown }[]): unknown[] {
  return [
    FIRST_USER,
    PLAN_MODE_MESSAGE,
    {
      role: 'assistant',
      content: [
        { type: 'server_tool_use', id: 'srvtoolu_01', name: 'web_search', input: { query: 'Paris weather' } },
        { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_01', content: [] },
        ...toolUses.map((u) => ({ type: 'tool_use', id: u.id, name: u.name, input: u.input })),
      ],
    },
    {
      role: 'user',
      content: [
        {
          type: 'tool_result',
          tool_use_id: toolUses[0]!.id,
          content: [
            { type: 'text', text: '18°C, cloudy' },
            { type: 'search_result', source: 'https://weather.test/paris', title: 'Paris', content: [{ type: 'text', text: 'cloudy' }] },
          ],
        },
        { type: 'tool_result', tool_use_id: toolUses[1]!.id, content: '14:05' },
        { type: 'text', text: 'Thanks.' },
      ],
    },
    { role: 'system', content: [{ type: 'text', text: ONE_LINE }] },
  ];
}

/** What every translated upstream loses of the follow-up, by name, in the log row. */
const LOST = [
  'container_upload block in messages[0].content[2]',
  'server_tool_use block in messages[2].content[0]',
  'web_search_tool_result block in messages[2].content[1]',
  'search_result block in messages[3].content[0].content[1]',
  'server tool web_search (web_search_20250305) in tools[2]',
];

let rig: MatrixRig;
let client: Anthropic;

beforeAll(async () => {
  rig = await startMatrix();
  client = new Anthropic({ apiKey: MATRIX_KEY, baseURL: rig.gw.url, maxRetries: 0 });
});
afterAll(() => rig?.close());
beforeEach(() => {
  rig.mark();
  for (const fake of [rig.openai, rig.anthropic, rig.gemini]) fake.reset();
});

/** The last generate call's body on the fake that serves `model`. */
function upstreamBody(model: string): any {
  const fake = model === MODELS.gemini ? rig.gemini : model === MODELS.anthropic ? rig.anthropic : rig.openai;
  const calls = fake.calls.filter((c) => /chat\/completions|\/responses|\/messages$|\/messages\?|:(generate|streamGenerate)Content/.test(c.path));
  expect(calls.length).toBeGreaterThan(0);
  return calls.at(-1)!.body;
}

/** Runs the two-request tool loop, streamed or whole, and returns the second answer. */
async function toolLoop(model: string, stream: boolean): Promise<Anthropic.Beta.BetaMessage> {
  const send = (messages: unknown[]): Promise<Anthropic.Beta.BetaMessage> => {
    // The SDK refuses a large max_tokens without streaming (it could outlast its timeout).
    const params = { ...envelope(model, stream ? 32000 : 4096), messages, betas: BETAS } as any;
    return stream ? client.beta.messages.stream(params).finalMessage() : (client.beta.messages.create(params) as Promise<Anthropic.Beta.BetaMessage>);
  };
  const first = await send([FIRST_USER, PLAN_MODE_MESSAGE]);
  expect(first.stop_reason).toBe('tool_use');
  const toolUses = first.content.filter((b): b is Anthropic.Beta.BetaToolUseBlock => b.type === 'tool_use');
  expect(toolUses.map((u) => [u.name, u.input])).toEqual(TOOL_CALLS.map((c) => [c.name, c.arguments]));
  const second = await send(followUp(toolUses));
  expect(second.stop_reason).toBe('end_turn');
  expect(second.content.find((b) => b.type === 'text')).toMatchObject({ text: expect.stringContaining('echo:') });
  return second;
}

/** Both log rows: 200 and translated; the follow-up's warnings name every dropped field and block. */
async function expectRows(translation: string, more: string[] = []): Promise<void> {
  const rows = await rig.newRows(2);
  for (const row of rows) expect(row).toMatchObject({ status: 200, outcome: 'ok', translation });
  const warnings = rows[1]!.warnings ?? [];
  expect(warnings).toContain('dropped anthropic-messages fields: context_management');
  const content = warnings.find((w) => w.startsWith('dropped anthropic-messages content: '));
  for (const item of LOST) expect(content).toContain(item);
  for (const warning of more) expect(warnings).toContain(warning);
}

const textOf = (content: any): string => (typeof content === 'string' ? content : content.map((p: any) => p.text ?? '').join(''));

describe.each([
  { mode: 'streamed', stream: true },
  { mode: 'whole', stream: false },
])('a Claude Code 2.1.197 request, $mode', ({ stream }) => {
  it('to an OpenAI Chat upstream: system messages at their place', async () => {
    await toolLoop(MODELS.chat, stream);
    const body = upstreamBody(MODELS.chat);
    expect(body.messages.map((m: any) => m.role)).toEqual(['system', 'system', 'user', 'system', 'assistant', 'tool', 'tool', 'user', 'system']);
    expect(body.messages[0]).toEqual({ role: 'system', content: TOP_SYSTEM });
    expect(body.messages[3]).toEqual({ role: 'system', content: PLAN_MODE });
    expect(body.messages[8]).toEqual({ role: 'system', content: ONE_LINE });
    await expectRows('anthropic-messages -> openai-chat');
  });

  it('to an OpenAI Responses upstream: developer items at their place', async () => {
    await toolLoop(MODELS.responses, stream);
    const body = upstreamBody(MODELS.responses);
    const developer = (text: string): unknown => ({ type: 'message', role: 'developer', content: [{ type: 'input_text', text }] });
    expect(body.instructions).toContain(TOP_SYSTEM);
    expect(body.input.map((i: any) => i.role ?? i.type)).toEqual([
      'user',
      'developer',
      'function_call',
      'function_call',
      'function_call_output',
      'function_call_output',
      'user',
      'developer',
    ]);
    expect(body.input[1]).toEqual(developer(PLAN_MODE));
    expect(body.input[7]).toEqual(developer(ONE_LINE));
    await expectRows('anthropic-messages -> openai-responses');
  });

  it('to a Gemini upstream: folded into the user turn each follows', async () => {
    await toolLoop(MODELS.gemini, stream);
    const body = upstreamBody(MODELS.gemini);
    expect(body.systemInstruction.parts[0].text).toBe(TOP_SYSTEM);
    expect(body.contents.map((c: any) => c.role)).toEqual(['user', 'model', 'user']);
    expect(body.contents[0].parts.at(-1)).toEqual({ text: foldedSystemText(PLAN_MODE) });
    const last = body.contents[2].parts;
    expect(last.filter((p: any) => p.functionResponse).length).toBe(2);
    expect(last.at(-1)).toEqual({ text: foldedSystemText(ONE_LINE) });
    expect(textOf(last.filter((p: any) => typeof p.text === 'string'))).toContain('Thanks.');
    await expectRows('anthropic-messages -> gemini', ['folded 2 mid-conversation system messages into user turns: gemini has no system role in contents']);
  });
});
