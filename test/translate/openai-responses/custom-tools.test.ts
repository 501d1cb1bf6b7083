// Custom (free-form) tools of a Responses client (Codex's apply_patch): other
// shapes see a function taking one string, `input`; the client sees its own
// custom tool calls again, whole and streamed; its own protocol gets the body back.
import { describe, expect, it } from 'vitest';
import type { IREvent, IRResponse } from '../../../src/translate/ir.js';
import { codecFor } from '../../../src/translate/registry.js';
import { FREEFORM_PARAMETERS } from '../../../src/translate/openai-responses/freeform-tools.js';
import { openaiResponsesCodec as codec } from '../../../src/translate/openai-responses/index.js';

const PATCH = '*** Begin Patch\n*** Add File: hello.txt\n+hello\n*** End Patch';
const GRAMMAR = { type: 'grammar', syntax: 'lark', definition: 'start: "*** Begin Patch" /(.|\\n)*/' };

const body = {
  model: 'gpt-5',
  input: [
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Add hello.txt' }] },
    { type: 'custom_tool_call', call_id: 'call_p1', name: 'apply_patch', input: PATCH },
    { type: 'custom_tool_call_output', call_id: 'call_p1', output: 'Done!' },
  ],
  tools: [
    { type: 'function', name: 'shell', parameters: { type: 'object', properties: { command: { type: 'string' } } }, strict: false, defer_loading: true },
    { type: 'custom', name: 'apply_patch', description: 'Edit files with a patch', format: GRAMMAR },
  ],
};

describe('a Responses client with a custom tool', () => {
  const decode = () => codec.decodeRequest(structuredClone(body));

  it('decodes the tool as a function of one string and its call and output as a tool call and result', () => {
    const ir = decode();
    expect(ir.tools[1]).toEqual({ name: 'apply_patch', description: 'Edit files with a patch', parameters: FREEFORM_PARAMETERS, freeform: { format: GRAMMAR } });
    expect(ir.messages[1]).toEqual({ role: 'assistant', content: [{ type: 'tool-call', id: 'call_p1', name: 'apply_patch', arguments: JSON.stringify({ input: PATCH }) }] });
    expect(ir.messages[2]!.content).toEqual([{ type: 'tool-result', toolCallId: 'call_p1', content: [{ type: 'text', text: 'Done!' }] }]);
    expect(ir.extra?.lost).toEqual(['defer_loading in tools[0]', 'grammar format of custom tool apply_patch in tools[1]']);
  });

  it('reaches an Anthropic upstream as a tool of one string input, the grammar named as dropped', () => {
    const { body: out, warnings } = codecFor('anthropic-messages').encodeRequest(decode(), 'claude-sonnet-4-5') as { body: any; warnings: string[] };
    expect(out.tools[1]).toEqual({ name: 'apply_patch', description: 'Edit files with a patch', input_schema: FREEFORM_PARAMETERS });
    expect(out.messages[1].content).toEqual([{ type: 'tool_use', id: 'call_p1', name: 'apply_patch', input: { input: PATCH } }]);
    expect(warnings).toContain('dropped openai-responses content: defer_loading in tools[0], grammar format of custom tool apply_patch in tools[1]');
  });

  it('gives a Responses upstream the body back, keys the IR has no place for included', () => {
    const { body: out, warnings } = codec.encodeRequest(decode(), 'gpt-5');
    expect(out).toEqual(body);
    expect(warnings).toEqual([]);
  });

  it('written from the IR alone, a Responses upstream still gets custom items', () => {
    const { body: out } = codec.encodeRequest({ ...decode(), extra: null }, 'gpt-5') as { body: any };
    expect(out.tools[1]).toEqual({ type: 'custom', name: 'apply_patch', description: 'Edit files with a patch', format: GRAMMAR });
    expect(out.input.slice(1)).toEqual([
      { type: 'custom_tool_call', call_id: 'call_p1', name: 'apply_patch', input: PATCH },
      { type: 'custom_tool_call_output', call_id: 'call_p1', output: 'Done!' },
    ]);
  });
});

describe('answers to a Responses client with a custom tool', () => {
  const request = codec.decodeRequest(structuredClone(body));
  const call = (args: string) => ({ type: 'tool-call' as const, id: 'toolu_9', name: 'apply_patch', arguments: args });
  const answer = (args: string): IRResponse => ({
    id: 'msg_1',
    model: 'claude',
    content: [call(args)],
    finish: { unified: 'tool-calls', raw: 'tool_use' },
    usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
    created: 1,
  });

  it('whole: a custom_tool_call item with the text input (the arguments themselves when they are not {"input": …})', () => {
    const output = (args: string) => (codec.encodeResponse(answer(args), request) as any).output;
    expect(output(JSON.stringify({ input: PATCH }))).toEqual([
      { id: expect.stringMatching(/^ctc_/), type: 'custom_tool_call', status: 'completed', call_id: 'toolu_9', name: 'apply_patch', input: PATCH },
    ]);
    expect(output('not json')[0].input).toBe('not json');
  });

  it('streamed: added, the input once whole, done, and the item in the completed response', () => {
    const encoder = codec.encodeStream(request);
    const events: IREvent[] = [
      { type: 'response-start', id: 'msg_1', model: 'claude', created: 1 },
      { type: 'tool-call-start', id: 'b0', toolCallId: 'toolu_9', name: 'apply_patch' },
      { type: 'tool-call-delta', id: 'b0', argumentsDelta: '{"input": "*** Begin' },
      { type: 'tool-call-delta', id: 'b0', argumentsDelta: ' Patch"}' },
      { type: 'tool-call-end', id: 'b0' },
      { type: 'finish', finish: { unified: 'tool-calls', raw: 'tool_use' } },
    ];
    const sse = events.map((e) => encoder.push(e)).join('') + encoder.end();
    const frames = sse
      .split('\n\n')
      .filter((f) => f.includes('data: '))
      .map((f) => JSON.parse(f.slice(f.indexOf('data: ') + 6)));
    expect(frames.map((f) => f.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.custom_tool_call_input.delta',
      'response.custom_tool_call_input.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(frames[2].item).toMatchObject({ type: 'custom_tool_call', input: '', call_id: 'toolu_9' });
    expect(frames[3].delta).toBe('*** Begin Patch');
    expect(frames[4].input).toBe('*** Begin Patch');
    expect(frames[6].response.output).toEqual([frames[5].item]);
  });
});
