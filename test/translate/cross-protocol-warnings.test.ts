// Cross-protocol request warnings: a client request decoded by one codec and
// encoded by another warns only about what really does not cross. The client's
// own spelling of what the IR carries (a plain-string assistant turn,
// `output_config`, `stream_options`, Gemini's layout) is kept for same-protocol
// round trips in `extra.replay` and never reported dropped; real losses
// (citations, server tools, googleSearch, an allowed_tools choice) are, by name.
import { describe, expect, it } from 'vitest';
import type { Protocol } from '../../src/protocols/protocol.js';
import type { RequestHints } from '../../src/translate/codec.js';
import { lostContentWarning } from '../../src/translate/extra.js';
import type { IRRequest } from '../../src/translate/ir.js';
import { codecFor } from '../../src/translate/registry.js';

// Legacy completions are only translated from (and one prompt carries little to lose): see test/translate/openai-completions.test.ts.
type Translatable = Exclude<Protocol, 'openai-embeddings' | 'openai-completions' | 'openai-images' | 'openai-audio' | `rerank-${string}`>;
const PROTOCOLS: readonly Translatable[] = ['openai-chat', 'openai-responses', 'anthropic-messages', 'gemini'];
const UPSTREAM_MODEL: Record<Translatable, string> = {
  'openai-chat': 'gpt-4o',
  'openai-responses': 'gpt-5',
  'anthropic-messages': 'claude-sonnet-4-5',
  gemini: 'gemini-2.5-flash',
};

interface ClientRequest {
  name: string;
  protocol: Translatable;
  body: Record<string, unknown>;
  hints?: RequestHints;
}

function decode(c: ClientRequest): IRRequest {
  return codecFor(c.protocol).decodeRequest(structuredClone(c.body), c.hints);
}

function encode(ir: IRRequest, target: Translatable): { body: Record<string, any>; warnings: string[] } {
  const { body, warnings } = codecFor(target).encodeRequest(ir, UPSTREAM_MODEL[target]);
  return { body: body as Record<string, any>, warnings };
}

const others = (c: ClientRequest): Translatable[] => PROTOCOLS.filter((p) => p !== c.protocol);
/** The client's body as its own protocol's upstream gets it: only the model changes (Gemini names it in the URL). */
const ownBody = (c: ClientRequest): Record<string, unknown> => (c.protocol === 'gemini' ? c.body : { ...c.body, model: UPSTREAM_MODEL[c.protocol] });
const droppedOf = (warnings: string[]): string[] => warnings.filter((w) => /dropped/.test(w));

const SCHEMA = { type: 'object', properties: { answer: { type: 'number' } }, required: ['answer'], additionalProperties: false };

/** Requests as the official SDKs (and the clients built on them) send them, holding nothing the IR lacks. */
const CARRIED: readonly ClientRequest[] = [
  {
    name: 'a plain multi-turn Anthropic SDK request (assistant turn as a string)',
    protocol: 'anthropic-messages',
    body: {
      model: 'claude-sonnet-4-5',
      max_tokens: 1024,
      system: 'You are terse.',
      messages: [
        { role: 'user', content: 'Hello!' },
        { role: 'assistant', content: 'Hi! How can I help?' },
        { role: 'user', content: [{ type: 'text', text: 'What is 2+2?' }] },
      ],
      stream: false,
    },
  },
  {
    name: 'an Anthropic structured-output request (output_config.format)',
    protocol: 'anthropic-messages',
    body: {
      model: 'claude-sonnet-4-5',
      max_tokens: 512,
      output_config: { format: { type: 'json_schema', schema: SCHEMA } },
      messages: [{ role: 'user', content: 'What is 6 times 7?' }],
    },
  },
  {
    name: 'an OpenAI Chat streaming request with stream_options',
    protocol: 'openai-chat',
    body: {
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Hello!' },
        { role: 'assistant', content: 'Hi! How can I help?' },
        { role: 'user', content: 'What is 2+2?' },
      ],
      max_completion_tokens: 200,
      stream: true,
      stream_options: { include_usage: true },
    },
  },
  {
    name: 'a Gemini request with a system instruction (as @google/genai sends it)',
    protocol: 'gemini',
    body: {
      systemInstruction: { role: 'user', parts: [{ text: 'You are terse.' }] },
      contents: [
        { role: 'user', parts: [{ text: 'Hello!' }] },
        { role: 'model', parts: [{ text: 'Hi! How can I help?' }] },
        { role: 'user', parts: [{ text: 'What is 2+2?' }] },
      ],
      generationConfig: { maxOutputTokens: 200 },
    },
    hints: { model: 'gemini-3-pro-preview', stream: true },
  },
  {
    name: 'an OpenAI Responses SDK request (store: false, an explicit null)',
    protocol: 'openai-responses',
    body: {
      model: 'gpt-5',
      instructions: 'You are terse.',
      input: [
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hello!' }] },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Hi! How can I help?' }] },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'What is 2+2?' }] },
      ],
      store: false,
      temperature: null,
      max_output_tokens: 200,
    },
  },
];

describe('requests holding nothing the IR lacks cross without a "dropped" warning', () => {
  describe.each(CARRIED.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    it('keeps the raw spelling for the round trip only: nothing in extra.fields, nothing lost', () => {
      const ir = decode(c);
      expect(ir.extra?.fields ?? {}).toEqual({});
      expect(ir.extra?.lost).toBeUndefined();
    });

    it.each(others(c))('to %s: no dropped warnings', (target) => {
      expect(droppedOf(encode(decode(c), target).warnings)).toEqual([]);
    });

    it('to its own protocol: the same body, no warnings', () => {
      const { body, warnings } = encode(decode(c), c.protocol);
      expect(body).toEqual(ownBody(c));
      expect(warnings).toEqual([]);
    });
  });

  it('the structured-output schema reaches every other protocol in its own form', () => {
    const ir = decode(CARRIED[1]!);
    expect(encode(ir, 'openai-chat').body.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'response', schema: SCHEMA } });
    expect(encode(ir, 'openai-responses').body.text).toEqual({ format: { type: 'json_schema', name: 'response', schema: SCHEMA } });
    expect(encode(ir, 'gemini').body.generationConfig).toMatchObject({ responseMimeType: 'application/json', responseJsonSchema: SCHEMA });
    // and an Anthropic upstream gets the client's native output_config back, not a forced tool
    const native = encode(ir, 'anthropic-messages').body;
    expect(native.output_config).toEqual({ format: { type: 'json_schema', schema: SCHEMA } });
    expect(native).not.toHaveProperty('tools');
  });

  it('stream_options.include_usage is still honoured by the Chat stream encoder, whatever the upstream', () => {
    const ir = decode(CARRIED[2]!);
    const encoder = codecFor('openai-chat').encodeStream(ir);
    let out = encoder.push({ type: 'response-start', id: 'r1', model: 'gpt-4o', created: 1 });
    out += encoder.push({ type: 'text-start', id: 't' });
    out += encoder.push({ type: 'text-delta', id: 't', delta: '4' });
    out += encoder.push({ type: 'text-end', id: 't' });
    out += encoder.push({ type: 'finish', finish: { unified: 'stop', raw: 'end_turn' }, usage: { inputTokens: 10, outputTokens: 1 } });
    out += encoder.end();
    expect(out).toContain('"choices":[]');
    expect(out).toContain('"prompt_tokens":10');
  });
});

/** Requests holding what the IR has no place for: each encoder for another protocol names the loss. */
const LOSSY: readonly (ClientRequest & { warning: string })[] = [
  {
    name: 'Anthropic citations, a server tool and its blocks',
    protocol: 'anthropic-messages',
    body: {
      model: 'claude-sonnet-4-5',
      max_tokens: 1024,
      tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 3 }],
      messages: [
        { role: 'user', content: 'When was the Eiffel Tower built?' },
        {
          role: 'assistant',
          content: [
            { type: 'server_tool_use', id: 'srvtoolu_01', name: 'web_search', input: { query: 'Eiffel Tower construction' } },
            { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_01', content: [] },
            {
              type: 'text',
              text: 'It was built from 1887 to 1889.',
              citations: [{ type: 'web_search_result_location', url: 'https://en.wikipedia.org/wiki/Eiffel_Tower', cited_text: '1887 to 1889' }],
            },
          ],
        },
        { role: 'user', content: 'Who designed it?' },
      ],
    },
    warning:
      'dropped anthropic-messages content: server_tool_use block in messages[1].content[0], web_search_tool_result block in messages[1].content[1], citations in messages[1].content[2], server tool web_search (web_search_20250305) in tools[0]',
  },
  {
    name: 'a Gemini googleSearch tool',
    protocol: 'gemini',
    body: {
      contents: [{ role: 'user', parts: [{ text: 'Latest Go release?' }] }],
      tools: [{ functionDeclarations: [{ name: 'lookup', parametersJsonSchema: { type: 'object' } }] }, { googleSearch: {} }],
    },
    hints: { model: 'gemini-2.5-flash', stream: false },
    warning: 'dropped gemini content: googleSearch tool in tools[1]',
  },
  {
    name: 'an OpenAI Chat allowed_tools tool choice',
    protocol: 'openai-chat',
    body: {
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
      tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'required', tools: [{ type: 'function', function: { name: 'get_weather' } }] } },
    },
    warning: 'dropped openai-chat content: tool_choice allowed_tools',
  },
  {
    name: 'an OpenAI Responses hosted tool',
    protocol: 'openai-responses',
    body: {
      model: 'gpt-5',
      input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Latest Go release?' }] }],
      tools: [{ type: 'function', name: 'lookup', parameters: { type: 'object' }, strict: true }, { type: 'web_search' }],
    },
    warning: 'dropped openai-responses content: web_search tool in tools[1]',
  },
];

describe('requests holding what the IR cannot carry name it when crossing', () => {
  describe.each(LOSSY.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    it.each(others(c))('to %s: a warning naming each lost item and where it was', (target) => {
      const { warnings } = encode(decode(c), target);
      expect(warnings).toContain(c.warning);
      // ...and no vague "fields" warning about the raw spelling it was found in
      expect(warnings.filter((w) => w.startsWith(`dropped ${c.protocol} fields`))).toEqual([]);
    });

    it('to its own protocol: the same body, no warnings', () => {
      const { body, warnings } = encode(decode(c), c.protocol);
      expect(body).toEqual(ownBody(c));
      expect(warnings).toEqual([]);
    });
  });

  it('real top-level losses and lost content are warned side by side', () => {
    const ir = codecFor('anthropic-messages').decodeRequest({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      service_tier: 'standard_only',
      thinking: { type: 'interleaved' },
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(encode(ir, 'openai-chat').warnings).toEqual([
      'dropped anthropic-messages fields: service_tier',
      'dropped anthropic-messages content: interleaved thinking',
    ]);
  });

  it('names at most ten lost items, then says how many more', () => {
    const lost = Array.from({ length: 12 }, (_, i) => `citations in messages[${i}].content[0]`);
    const warning = lostContentWarning({ protocol: 'anthropic-messages', fields: {}, lost });
    expect(warning).toBe(`dropped anthropic-messages content: ${lost.slice(0, 10).join(', ')}, and 2 more`);
  });
});
