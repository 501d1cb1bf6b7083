// What a decoder does not know is never a 400: roles, blocks, parts and tools
// the IR has no place for are left out and named in `extra.lost` (warned when
// the request crosses to another protocol), and the same protocol's round trip
// gives them back untouched. Responses input items: see openai-responses/request.test.ts.
import { describe, expect, it } from 'vitest';
import type { Protocol } from '../../src/protocols/protocol.js';
import type { RequestHints } from '../../src/translate/codec.js';
import { codecFor } from '../../src/translate/registry.js';

// Legacy completions are only translated from (and one prompt carries little to lose): see test/translate/openai-completions.test.ts.
type Translatable = Exclude<Protocol, 'openai-embeddings' | 'openai-completions' | 'openai-images' | 'openai-audio' | `rerank-${string}`>;

interface Case {
  name: string;
  protocol: Translatable;
  body: Record<string, unknown>;
  hints?: RequestHints;
  lost: string[];
  /** The same protocol's upstream gets this body (the client's, but for the model). */
  own: Record<string, unknown>;
}

const anthropicBody = {
  model: 'claude',
  max_tokens: 100,
  system: [
    { type: 'text', text: 'Top.' },
    { type: 'tool_addition', tool: { name: 'later' } },
  ],
  messages: [
    { role: 'user', content: 'hi' },
    { role: 'critic', content: 'be kinder' },
    {
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: { steps: ['a'] }, signature: 'sig' },
        { type: 'redacted_thinking', data: 42 },
        { type: 'mcp_tool_use', id: 'mcptoolu_1', name: 'x', server_name: 's', input: {} },
        { type: 'text', text: 'ok' },
      ],
    },
    { role: 'user', content: [{ type: 'text', text: 'more' }] },
  ],
};

const chatBody = {
  model: 'gpt',
  messages: [
    { role: 'user', content: [{ type: 'text', text: 'hi' }, { type: 'video_url', video_url: { url: 'https://x.test/v.mp4' } }] },
    { role: 'critic', content: 'be kinder' },
    { role: 'assistant', content: null, tool_calls: [{ id: 'ct_1', type: 'custom', custom: { name: 'patch', input: '*** Begin Patch' } }] },
    { role: 'system', content: [{ type: 'text', text: 'Mid.' }, { type: 'image_url', image_url: { url: 'https://x.test/a.png' } }] },
    { role: 'user', content: 'again' },
  ],
  tools: [
    { type: 'function', function: { name: 'read', parameters: { type: 'object' } } },
    { type: 'custom', custom: { name: 'patch' } },
  ],
};

const geminiBody = {
  systemInstruction: { parts: [{ text: 'Top.' }, { inlineData: { mimeType: 'image/png', data: 'AAAA' } }] },
  contents: [
    { role: 'user', parts: [{ text: 'hi' }, { toolCall: { name: 'future' } }] },
    { role: 'model', parts: [{ functionCall: { id: 'c1', name: 'read', args: {} } }] },
    {
      role: 'user',
      parts: [{ functionResponse: { id: 'c1', name: 'read', response: { output: 'body' }, parts: [{ text: 'inline note' }] } }],
    },
  ],
};

const CASES: readonly Case[] = [
  {
    name: 'anthropic: an unknown role, a non-text system block, thinking of unknown shape, new block types',
    protocol: 'anthropic-messages',
    body: anthropicBody,
    lost: [
      'critic message in messages[1]',
      'thinking block of an unknown shape in messages[2].content[0]',
      'redacted_thinking block of an unknown shape in messages[2].content[1]',
      'mcp_tool_use block in messages[2].content[2]',
      'tool_addition block in system[1]',
    ],
    own: anthropicBody,
  },
  {
    name: 'openai chat: an unknown role, unknown content parts, a custom tool and its call',
    protocol: 'openai-chat',
    body: chatBody,
    lost: [
      'video_url part in messages[0].content[1]',
      'critic message in messages[1]',
      'custom tool call in messages[2].tool_calls[0]',
      'image_url part in messages[3].content[1]',
      'custom tool in tools[1]',
    ],
    own: chatBody,
  },
  {
    name: 'gemini: a non-text system part, a part of an unknown kind, an unknown part inside a function response',
    protocol: 'gemini',
    body: geminiBody,
    hints: { model: 'gemini-2.5-flash', stream: false },
    lost: ['toolCall part in contents[0].parts[1]', 'text part in contents[2].parts[0].functionResponse.parts[0]', 'inlineData part in systemInstruction.parts[1]'],
    own: geminiBody,
  },
];

const OTHER: Record<Translatable, string> = {
  'openai-chat': 'gpt-4o',
  'openai-responses': 'gpt-5',
  'anthropic-messages': 'claude-sonnet-4-5',
  gemini: 'gemini-2.5-flash',
};

describe.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
  const decode = () => codecFor(c.protocol).decodeRequest(structuredClone(c.body), c.hints);

  it('decodes without a 400 and names each left-out item with its place', () => {
    expect(decode().extra?.lost).toEqual(c.lost);
  });

  it('gives its own protocol the body back', () => {
    const { body, warnings } = codecFor(c.protocol).encodeRequest(decode(), c.protocol === 'gemini' ? 'gemini-2.5-flash' : (c.body.model as string));
    expect(body).toEqual(c.own);
    expect(warnings).toEqual([]);
  });

  it.each((Object.keys(OTHER) as Translatable[]).filter((p) => p !== c.protocol))('warns %s what it dropped', (target) => {
    const { warnings } = codecFor(target).encodeRequest(decode(), OTHER[target]);
    expect(warnings).toContain(`dropped ${c.protocol} content: ${c.lost.join(', ')}`);
  });
});

describe('the legacy OpenAI Chat function_call / function pair', () => {
  const body = {
    model: 'gpt',
    messages: [
      { role: 'user', content: 'weather?' },
      { role: 'assistant', content: null, function_call: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
      { role: 'function', name: 'get_weather', content: '18°C' },
      { role: 'user', content: 'thanks' },
    ],
    functions: [{ name: 'get_weather', parameters: { type: 'object' } }],
  };

  it('is a tool call and its result, paired by a made-up id', () => {
    const ir = codecFor('openai-chat').decodeRequest(structuredClone(body));
    expect(ir.messages.slice(1, 3)).toEqual([
      { role: 'assistant', content: [{ type: 'tool-call', id: 'call_function_1', name: 'get_weather', arguments: '{"city":"Paris"}' }] },
      { role: 'user', content: [{ type: 'tool-result', toolCallId: 'call_function_1', name: 'get_weather', content: [{ type: 'text', text: '18°C' }] }] },
    ]);
    const { body: anthropic } = codecFor('anthropic-messages').encodeRequest(ir, 'claude') as { body: any };
    expect(anthropic.messages[1].content).toEqual([{ type: 'tool_use', id: 'call_function_1', name: 'get_weather', input: { city: 'Paris' } }]);
    expect(anthropic.messages[2].content).toEqual([{ type: 'tool_result', tool_use_id: 'call_function_1', content: '18°C' }]);
  });

  it('comes back as it was for an OpenAI Chat upstream', () => {
    const ir = codecFor('openai-chat').decodeRequest(structuredClone(body));
    expect(codecFor('openai-chat').encodeRequest(ir, 'gpt').body).toEqual(body);
  });
});
