import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/protocols/errors.js';
import { anthropicCodec, DEFAULT_MAX_TOKENS, JSON_OUTPUT_TOOL } from '../../../src/translate/anthropic/index.js';
import type { StructuredOutputMode } from '../../../src/translate/codec.js';
import type { IRExtra, IRRequest } from '../../../src/translate/ir.js';
import { fixtureJson } from './helpers.js';

/** What an Anthropic decode's `extra` carries (it is always stamped; its replay is worked out when read). */
const carried = (extra: IRExtra | null) => ({ fields: extra?.fields ?? {}, replay: extra?.replay, lost: extra?.lost });
const NOTHING = { fields: {}, replay: undefined, lost: undefined };

const REQUEST_FIXTURES = [
  'anthropic-request-basic.1.json',
  'anthropic-request-agent.1.json',
  'anthropic-request-media.1.json',
  'anthropic-request-unknown.1.json',
  'anthropic-request-output-format.1.json',
];

function ir(overrides: Partial<IRRequest> = {}): IRRequest {
  return {
    model: 'claude-alias',
    system: [],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    tools: [],
    stream: false,
    extra: null,
    ...overrides,
  };
}

/** The codec's encodeRequest with the body typed for assertions. */
function encodeRequest(request: IRRequest, model: string, structuredOutput?: StructuredOutputMode): { body: Record<string, any>; warnings: string[] } {
  const { body, warnings } = anthropicCodec.encodeRequest(request, model, { structuredOutput });
  return { body: body as Record<string, any>, warnings };
}

function badRequest(body: unknown): GatewayError {
  try {
    anthropicCodec.decodeRequest(body);
  } catch (e) {
    if (e instanceof GatewayError) return e;
    throw e;
  }
  throw new Error('decodeRequest accepted the body');
}

describe('anthropic request: same-protocol round trip', () => {
  it.each(REQUEST_FIXTURES)('%s decodes and encodes back to the same body', (name) => {
    const original = fixtureJson(name);
    const decoded = anthropicCodec.decodeRequest(structuredClone(original));
    const { body, warnings } = encodeRequest(decoded, original.model as string);
    expect(body).toEqual(original);
    // and the same after JSON serialization (what goes over the wire)
    expect(JSON.parse(JSON.stringify(body))).toEqual(original);
    expect(warnings).toEqual([]);
  });

  it('puts the upstream model in the body, nothing else changes', () => {
    const original = fixtureJson('anthropic-request-agent.1.json');
    const { body } = encodeRequest(anthropicCodec.decodeRequest(original), 'claude-sonnet-4-5-20250929');
    expect(body).toEqual({ ...original, model: 'claude-sonnet-4-5-20250929' });
  });

  it('the common shapes need no extra: user string, assistant blocks, string system', () => {
    expect(carried(anthropicCodec.decodeRequest(fixtureJson('anthropic-request-basic.1.json')).extra)).toEqual(NOTHING);
  });

  it.each([
    ['assistant content as a string', { messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: 'b' }] }, ['messages']],
    ['user content as one text block', { messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }] }] }, ['messages']],
    ['system as one text block', { system: [{ type: 'text', text: 's' }] }, ['system']],
    ['stream: false', { stream: false }, ['stream']],
    ['citations: null passed back from a response', { messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: [{ type: 'text', text: 'b', citations: null }] }] }, ['messages']],
  ])('%s round-trips exactly through extra.replay, with the same IR and nothing lost', (_label, variant, replayKeys) => {
    const original = { model: 'claude', max_tokens: 10, messages: [{ role: 'user', content: 'a' }], ...variant };
    const decoded = anthropicCodec.decodeRequest(structuredClone(original));
    expect(Object.keys(decoded.extra?.replay ?? {})).toEqual(replayKeys);
    expect(decoded.extra?.fields).toEqual({});
    expect(decoded.extra?.lost).toBeUndefined();
    expect(encodeRequest(decoded, 'claude').body).toEqual(original);
    const plain = encodeRequest({ ...decoded, extra: null }, 'claude').body;
    const again = anthropicCodec.decodeRequest(plain);
    expect({ ...again, extra: null }).toEqual({ ...decoded, extra: null });
    expect(carried(again.extra)).toEqual(NOTHING);
  });

  it('an agent conversation maps completely to the IR (nothing left in extra)', () => {
    const decoded = anthropicCodec.decodeRequest(fixtureJson('anthropic-request-agent.1.json'));
    expect(carried(decoded.extra)).toEqual(NOTHING);
    expect(decoded.system).toEqual([
      { type: 'text', text: 'You are a coding agent.' },
      { type: 'text', text: 'Project rules: keep functions small.', cacheControl: { type: 'ephemeral' } },
    ]);
    expect(decoded.maxTokens).toBe(32000);
    expect(decoded.reasoning).toEqual({ budgetTokens: 10000, includeThoughts: true });
    expect(decoded.toolChoice).toEqual({ type: 'auto' });
    expect(decoded.parallelToolCalls).toBe(true);
    expect(decoded.tools[1]).toEqual({
      name: 'run',
      description: 'Run a shell command.',
      parameters: { type: 'object', properties: { cmd: { type: 'string' } }, required: ['cmd'], additionalProperties: false },
      strict: true,
      cacheControl: { type: 'ephemeral', ttl: '1h' },
    });
    const [, assistant, results, second] = decoded.messages;
    expect(assistant?.content).toEqual([
      { type: 'reasoning', text: 'I should read the config and run the build.', vendor: 'anthropic', signature: 'EqQBCkgIARABGAIiQL2bYs0ZsMOFoO0m+Uhwz0ERfnUCy3PCdC0Yb0LU' },
      { type: 'text', text: 'Let me look.' },
      { type: 'tool-call', id: 'toolu_01A09q90qw90lq917835lq9', name: 'read_file', arguments: '{"path":"tsconfig.json"}' },
      { type: 'tool-call', id: 'toolu_01B09q90qw90lq917835lq9', name: 'run', arguments: '{"cmd":"npm run build"}' },
    ]);
    expect(results?.content[1]).toEqual({
      type: 'tool-result',
      toolCallId: 'toolu_01B09q90qw90lq917835lq9',
      content: [
        { type: 'text', text: 'error TS2307: Cannot find module' },
        {
          type: 'image',
          source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==' },
        },
      ],
      isError: true,
      cacheControl: { type: 'ephemeral' },
    });
    expect(second?.content[0]).toEqual({
      type: 'reasoning',
      text: '',
      vendor: 'anthropic',
      redacted: true,
      encrypted: 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP',
    });
    expect(decoded.stream).toBe(true);
  });

  it('images and documents map to IR media parts (plain text documents as base64)', () => {
    const decoded = anthropicCodec.decodeRequest(fixtureJson('anthropic-request-media.1.json'));
    expect(carried(decoded.extra)).toEqual(NOTHING);
    const parts = decoded.messages[0]!.content;
    expect(parts[1]).toEqual({ type: 'image', source: { kind: 'url', url: 'https://upload.wikimedia.org/wikipedia/commons/a/a7/Camponotus_flavomarginatus_ant.jpg' } });
    expect(parts[2]).toEqual({ type: 'image', source: { kind: 'file-id', id: 'file_011CNha8iCJcU1wXNR6q4V8w' }, cacheControl: { type: 'ephemeral' } });
    expect(parts[3]).toEqual({ type: 'file', source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBERi0xLjQKJcOkw7zDtsOfCjIgMCBvYmoK' }, filename: 'report.pdf' });
    const text = parts[4];
    expect(text?.type === 'file' && text.source.kind === 'base64' && text.source.mediaType).toBe('text/plain');
    if (text?.type !== 'file' || text.source.kind !== 'base64') throw new Error('expected a base64 file');
    expect(new TextDecoder().decode(Uint8Array.from(atob(text.source.data), (c) => c.charCodeAt(0)))).toBe('Grass is green. Café ☕ is open.');
    expect(parts[5]).toEqual({ type: 'file', source: { kind: 'url', url: expect.stringContaining('.pdf'), mediaType: 'application/pdf' } });
  });

  it('keeps what the IR cannot hold in extra, and still maps the rest', () => {
    const original = fixtureJson('anthropic-request-unknown.1.json');
    const decoded = anthropicCodec.decodeRequest(original);
    expect(decoded.extra?.protocol).toBe('anthropic-messages');
    // Unknown top-level fields are real losses; known fields in the client's own spelling are kept for the round trip only.
    expect(Object.keys(decoded.extra!.fields).sort()).toEqual(['container', 'service_tier', 'some_future_field']);
    expect(Object.keys(decoded.extra!.replay!).sort()).toEqual(['messages', 'metadata', 'output_config', 'stream', 'system', 'thinking', 'tools']);
    // ...and what those hold that the IR cannot is named, with its place.
    expect(decoded.extra!.lost).toEqual([
      'server_tool_use block in messages[1].content[0]',
      'web_search_tool_result block in messages[1].content[1]',
      'citations in messages[1].content[2]',
      'cache_control in messages[1].content[3]',
      'x_message_note in messages[2]',
      'search_result block in messages[2].content[1]',
      'title in messages[2].content[2]',
      'context in messages[2].content[2]',
      'citations in messages[2].content[2]',
      'server tool web_search (web_search_20250305) in tools[0]',
      'defer_loading in tools[1]',
      'session in metadata',
    ]);
    expect(decoded.extra!.fields.some_future_field).toEqual({ nested: [1, 2, 3] });
    expect(decoded.tools.map((t) => t.name)).toEqual(['lookup']);
    expect(decoded.toolChoice).toEqual({ type: 'required' });
    expect(decoded.reasoning).toEqual({ adaptive: true, includeThoughts: true, effort: 'high' });
    expect(decoded.user).toBe('u-1');
    expect(decoded.stream).toBe(false);
    expect(decoded.messages[1]!.content).toEqual([
      { type: 'text', text: 'It was built from 1887 to 1889.' },
      { type: 'tool-call', id: 'toolu_01Tz9', name: 'lookup', arguments: '{}' },
    ]);
    expect(decoded.messages[2]!.content).toEqual([
      { type: 'tool-result', toolCallId: 'toolu_01Tz9', content: [] },
      { type: 'text', text: 'First chunk.' },
      { type: 'text', text: 'Second chunk.' },
      { type: 'text', text: 'And who designed it?' },
    ]);
  });

  it('output_config.format becomes the IR response format and stays native on the way back', () => {
    const original = fixtureJson('anthropic-request-output-format.1.json');
    const decoded = anthropicCodec.decodeRequest(original);
    expect(decoded.responseFormat).toEqual({ type: 'json-schema', name: 'response', schema: (original.output_config as any).format.schema });
    expect(decoded.extra).toEqual({ protocol: 'anthropic-messages', fields: {}, replay: { output_config: original.output_config } });
    const { body } = encodeRequest(decoded, 'claude-sonnet-4-5');
    expect(body).not.toHaveProperty('tools');
  });
});

describe('anthropic request: validation', () => {
  const ok = { model: 'claude', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] };

  it('requires max_tokens, naming the field', () => {
    const { max_tokens: _omit, ...rest } = ok;
    const err = badRequest(rest);
    expect(err.status).toBe(400);
    expect(err.code).toBe('SB_ERR_BAD_REQUEST');
    expect(err.message).toBe('max_tokens: Field required');
    expect(err.param).toBe('max_tokens');
  });

  it.each([
    [{ ...ok, max_tokens: 0 }, 'max_tokens: Input should be greater than or equal to 1'],
    [{ ...ok, max_tokens: 1.5 }, 'max_tokens: Input should be a valid integer'],
    [{ ...ok, model: undefined }, 'model: Field required'],
    [{ ...ok, messages: 'hi' }, 'messages: Input should be a valid list'],
    [{ ...ok, messages: [{ role: 3, content: 'x' }] }, 'messages[0].role: Input should be a valid string'],
    [{ ...ok, messages: [{ role: 'user', content: 'hi' }, { role: 'system', content: 7 }] }, 'messages[1].content: Input should be a valid list'],
    [{ ...ok, messages: [{ role: 'user', content: [{ type: 'text', text: 3 }] }] }, 'messages[0].content[0].text: Input should be a valid string'],
    [{ ...ok, messages: [{ role: 'user', content: [{ text: 'x' }] }] }, 'messages[0].content[0].type: Field required'],
    [
      { ...ok, messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'n', input: '{}' }] }] },
      'messages[0].content[0].input: Input should be a valid dictionary',
    ],
    [{ ...ok, messages: [{ role: 'user', content: [{ type: 'tool_result' }] }] }, 'messages[0].content[0].tool_use_id: Field required'],
    [{ ...ok, system: [{ text: 'x' }] }, 'system[0].type: Field required'],
    [{ ...ok, tools: [{ name: 'x' }] }, 'tools[0].input_schema: Field required'],
    [{ ...ok, thinking: { type: 'enabled' } }, 'thinking.budget_tokens: Field required'],
    [{ ...ok, stop_sequences: ['a', 1] }, 'stop_sequences[1]: Input should be a valid string'],
    [{ ...ok, temperature: 'hot' }, 'temperature: Input should be a valid number'],
  ])('rejects %j', (body, message) => {
    expect(badRequest(body).message).toBe(message);
  });

  it('rejects a body that is not an object', () => {
    expect(badRequest([1, 2]).status).toBe(400);
  });
});

describe('anthropic request: encoding an IR from another protocol', () => {
  it('sends a default max_tokens with a warning when the client set none', () => {
    const { body, warnings } = encodeRequest(ir(), 'claude-sonnet-4-5');
    expect(body).toEqual({ model: 'claude-sonnet-4-5', max_tokens: DEFAULT_MAX_TOKENS, messages: [{ role: 'user', content: 'hi' }] });
    expect(warnings).toEqual([expect.stringMatching(/^max_tokens: .*sent 4096/)]);
  });

  it("drops another protocol's extra fields with a warning naming them", () => {
    const { body, warnings } = encodeRequest(
      ir({ maxTokens: 5, extra: { protocol: 'openai-chat', fields: { logprobs: true, service_tier: 'flex' } } }),
      'c',
    );
    expect(body).not.toHaveProperty('logprobs');
    expect(body).not.toHaveProperty('service_tier');
    expect(warnings).toEqual(['dropped openai-chat fields Anthropic has no place for: logprobs, service_tier']);
  });

  it('maps sampling, stop, user, tool choice and parallel tool calls', () => {
    const { body, warnings } = encodeRequest(
      ir({
        maxTokens: 100,
        temperature: 1.4,
        topP: 0.5,
        stopSequences: ['END'],
        seed: 7,
        user: 'end-user-9',
        stream: true,
        tools: [{ name: 'noargs', parameters: {} }, { name: 'f', description: 'd', parameters: { type: 'object', properties: {} } }],
        toolChoice: { type: 'required' },
        parallelToolCalls: false,
        system: [{ type: 'text', text: 'sys one' }, { type: 'text', text: 'sys two' }],
      }),
      'claude-x',
    );
    expect(body).toMatchObject({
      max_tokens: 100,
      temperature: 1,
      top_p: 0.5,
      stop_sequences: ['END'],
      metadata: { user_id: 'end-user-9' },
      stream: true,
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      system: [
        { type: 'text', text: 'sys one' },
        { type: 'text', text: 'sys two' },
      ],
      tools: [
        { name: 'noargs', input_schema: { type: 'object' } },
        { name: 'f', description: 'd', input_schema: { type: 'object', properties: {} } },
      ],
    });
    expect(warnings).toEqual([expect.stringContaining('temperature 1.4 lowered to 1'), 'dropped seed: Anthropic has no such option']);
  });

  it("asks for a json-schema answer with Anthropic's native structured output, tools and thinking or not", () => {
    const schema = { type: 'object', properties: { answer: { type: 'number' } }, required: ['answer'] };
    const { body, warnings } = encodeRequest(
      ir({ maxTokens: 50000, reasoning: { budgetTokens: 2000 }, tools: [{ name: 'f', parameters: { type: 'object' } }], responseFormat: { type: 'json-schema', name: 'math', schema } }),
      'c',
    );
    expect(body.output_config).toEqual({ format: { type: 'json_schema', schema } });
    expect(body.tools).toEqual([{ name: 'f', input_schema: { type: 'object' } }]);
    expect(body).not.toHaveProperty('system');
    expect(warnings).toEqual([]);
  });

  it('forces a JSON-output tool for a json-schema answer when the request has no tools (structuredOutput: tool)', () => {
    const schema = { type: 'object', properties: { answer: { type: 'number' } }, required: ['answer'] };
    const { body, warnings } = encodeRequest(
      ir({ maxTokens: 50, responseFormat: { type: 'json-schema', name: 'math', schema, strict: true } }),
      'c',
      'tool',
    );
    expect(body.tools).toEqual([{ name: JSON_OUTPUT_TOOL, description: expect.stringContaining('"math"'), input_schema: schema }]);
    expect(body.tool_choice).toEqual({ type: 'tool', name: JSON_OUTPUT_TOOL });
    expect(body).not.toHaveProperty('system');
    expect(warnings).toEqual([]);
  });

  it('falls back to system instructions when a tool cannot be forced (own tools, thinking, non-object schema)', () => {
    const withTools = encodeRequest(
      ir({ maxTokens: 50, system: [{ type: 'text', text: 'Be brief.' }], tools: [{ name: 'f', parameters: { type: 'object' } }], responseFormat: { type: 'json' } }),
      'c',
    );
    expect(withTools.body.system).toEqual([
      { type: 'text', text: 'Be brief.' },
      { type: 'text', text: expect.stringContaining('single valid JSON object') },
    ]);
    expect(withTools.body.tools).toEqual([{ name: 'f', input_schema: { type: 'object' } }]);
    expect(withTools.warnings).toEqual([expect.stringContaining('system prompt instructions')]);

    const withThinking = encodeRequest(
      ir({ maxTokens: 50000, reasoning: { budgetTokens: 2000 }, responseFormat: { type: 'json-schema', name: 'n', schema: { type: 'object' } } }),
      'c',
      'tool',
    );
    expect(withThinking.body).not.toHaveProperty('tool_choice');
    expect(withThinking.body.system).toEqual(expect.stringContaining('{"type":"object"}'));

    const arraySchema = encodeRequest(ir({ maxTokens: 5, responseFormat: { type: 'json-schema', name: 'n', schema: { type: 'array' } } }), 'c', 'tool');
    expect(arraySchema.body).not.toHaveProperty('tools');
    const prompt = encodeRequest(ir({ maxTokens: 5, responseFormat: { type: 'json-schema', name: 'n', schema: { type: 'object' } } }), 'c', 'prompt');
    expect(prompt.body).not.toHaveProperty('tools');
    expect(prompt.body.system).toEqual(expect.stringContaining('{"type":"object"}'));
  });

  it('maps a reasoning effort to a thinking budget and keeps max_tokens above it', () => {
    const { body, warnings } = encodeRequest(ir({ reasoning: { effort: 'high' }, temperature: 0.2, topK: 5 }), 'c');
    expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: 16384 });
    expect(body.max_tokens).toBe(16384 + DEFAULT_MAX_TOKENS);
    expect(body).not.toHaveProperty('temperature');
    expect(body).not.toHaveProperty('top_k');
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.stringContaining('budget_tokens 16384'),
        expect.stringContaining('dropped temperature'),
        expect.stringContaining('dropped top_k'),
      ]),
    );
    expect(encodeRequest(ir({ reasoning: { effort: 'none' } }), 'c').body.thinking).toEqual({ type: 'disabled' });
    expect(encodeRequest(ir({ reasoning: { budgetTokens: 0 } }), 'c').body.thinking).toEqual({ type: 'disabled' });
    const low = encodeRequest(ir({ maxTokens: 3000, reasoning: { budgetTokens: 5000 } }), 'c');
    expect(low.body.thinking).toEqual({ type: 'enabled', budget_tokens: 2999 });
    expect(low.warnings).toEqual([expect.stringContaining('lowered to 2999')]);
    const tiny = encodeRequest(ir({ maxTokens: 500, reasoning: { budgetTokens: 2000 } }), 'c');
    expect(tiny.body).not.toHaveProperty('thinking');
  });

  it("drops another vendor's reasoning and unsigned thinking, keeps Anthropic's signed thinking", () => {
    const { body, warnings } = encodeRequest(
      ir({
        maxTokens: 10,
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'q' }] },
          {
            role: 'assistant',
            content: [
              { type: 'reasoning', text: 'openai summary', vendor: 'openai', encrypted: 'gAAAA', itemId: 'rs_1' },
              { type: 'reasoning', text: '', vendor: 'gemini', signature: 'CiQB' },
              { type: 'reasoning', text: 'shown to a client, unsigned', vendor: 'anthropic', signature: '' },
              { type: 'reasoning', text: 'mine', vendor: 'anthropic', signature: 'sig' },
              { type: 'text', text: 'answer' },
            ],
          },
          { role: 'assistant', content: [{ type: 'reasoning', text: 'lonely', vendor: 'openai' }] },
        ],
      }),
      'c',
    );
    expect(body.messages).toEqual([
      { role: 'user', content: 'q' },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'mine', signature: 'sig' },
          { type: 'text', text: 'answer' },
        ],
      },
    ]);
    expect(warnings).toEqual([
      'dropped openai reasoning: Anthropic accepts only thinking it signed',
      'dropped gemini reasoning: Anthropic accepts only thinking it signed',
      'dropped anthropic thinking without a signature: the API would reject it',
      'dropped assistant message 2: nothing in it that Anthropic accepts',
    ]);
  });

  it('encodes tool calls and results (results first), media, and bad arguments', () => {
    const { body, warnings } = encodeRequest(
      ir({
        maxTokens: 10,
        messages: [
          {
            role: 'assistant',
            content: [
              { type: 'text', text: '' },
              { type: 'tool-call', id: 'call_1', name: 'a', arguments: '{"x":1}' },
              { type: 'tool-call', id: 'call_2', name: 'b', arguments: '' },
              { type: 'tool-call', id: 'call_3', name: 'c', arguments: '{"x":' },
            ],
          },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'also this' },
              { type: 'tool-result', toolCallId: 'call_1', name: 'a', content: [{ type: 'text', text: 'one' }] },
              {
                type: 'tool-result',
                toolCallId: 'call_2',
                content: [{ type: 'image', source: { kind: 'url', url: 'data:image/png;base64,iVBORw0K' }, detail: 'high' }],
              },
              { type: 'tool-result', toolCallId: 'call_3', content: [], isError: true },
              { type: 'file', source: { kind: 'base64', mediaType: 'text/markdown', data: btoa('# Title') }, filename: 'a.md' },
              { type: 'file', source: { kind: 'base64', mediaType: 'audio/wav', data: 'UklGR' }, filename: 'a.wav' },
              { type: 'file', source: { kind: 'base64', mediaType: 'image/gif', data: 'R0lGOD' } },
              { type: 'file', source: { kind: 'url', url: 'data:application/pdf;base64,JVBERi0x' } },
            ],
          },
        ],
      }),
      'c',
    );
    expect(body.messages).toEqual([
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'call_1', name: 'a', input: { x: 1 } },
          { type: 'tool_use', id: 'call_2', name: 'b', input: {} },
          { type: 'tool_use', id: 'call_3', name: 'c', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: 'one' },
          { type: 'tool_result', tool_use_id: 'call_2', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0K' } }] },
          { type: 'tool_result', tool_use_id: 'call_3', is_error: true },
          { type: 'text', text: 'also this' },
          { type: 'document', source: { type: 'text', media_type: 'text/plain', data: '# Title' }, title: 'a.md' },
          { type: 'image', source: { type: 'base64', media_type: 'image/gif', data: 'R0lGOD' } },
          { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0x' } },
        ],
      },
    ]);
    expect(warnings).toEqual([
      'tool call call_3: arguments are not a JSON object; sent {} to Anthropic',
      'dropped image detail "high": Anthropic has no such option',
      'dropped file "a.wav" (audio/wav): Anthropic reads only PDF, plain text and images',
    ]);
  });
});
