// Namespaced tools of a Responses client (Codex's multi_agent_v1): other shapes see
// flat functions named `<namespace>__<tool>`; the client sees its calls by the
// tool's own name with `namespace`; its own protocol gets the body back.
import { describe, expect, it } from 'vitest';
import type { IRResponse } from '../../../src/translate/ir.js';
import { codecFor } from '../../../src/translate/registry.js';
import { openaiResponsesCodec as codec } from '../../../src/translate/openai-responses/index.js';

const CLOSE = { type: 'function', name: 'close_agent', description: 'Close an agent', strict: false, parameters: { type: 'object', properties: { target: { type: 'string' } } } };
const body = {
  model: 'gpt-5',
  input: [
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Close agent a1' }] },
    { type: 'function_call', call_id: 'call_c1', name: 'close_agent', namespace: 'multi_agent_v1', arguments: '{"target":"a1"}' },
    { type: 'function_call_output', call_id: 'call_c1', output: 'closed' },
  ],
  tools: [
    { type: 'function', name: 'exec_command', strict: false, parameters: { type: 'object', properties: { cmd: { type: 'string' } } } },
    { type: 'namespace', name: 'multi_agent_v1', description: 'Sub-agents', tools: [CLOSE] },
  ],
};

describe('a Responses client with a namespace of tools', () => {
  const decode = () => codec.decodeRequest(structuredClone(body));

  it('decodes each tool of the namespace as a flat function, and calls by both names', () => {
    const ir = decode();
    expect(ir.tools.map((t) => t.name)).toEqual(['exec_command', 'multi_agent_v1__close_agent']);
    expect(ir.tools[1]).toMatchObject({ parameters: CLOSE.parameters, namespace: { name: 'multi_agent_v1', description: 'Sub-agents', tool: 'close_agent' } });
    expect(ir.messages[1]!.content).toEqual([{ type: 'tool-call', id: 'call_c1', name: 'multi_agent_v1__close_agent', arguments: '{"target":"a1"}' }]);
    expect(ir.extra?.lost).toBeUndefined();
  });

  it('reaches an Anthropic upstream as flat tools, nothing dropped', () => {
    const { body: out, warnings } = codecFor('anthropic-messages').encodeRequest(decode(), 'claude-sonnet-4-5') as { body: any; warnings: string[] };
    expect(out.tools.map((t: any) => t.name)).toEqual(['exec_command', 'multi_agent_v1__close_agent']);
    expect(out.messages[1].content).toEqual([{ type: 'tool_use', id: 'call_c1', name: 'multi_agent_v1__close_agent', input: { target: 'a1' } }]);
    expect(warnings.filter((w) => w.startsWith('dropped'))).toEqual([]);
  });

  it('gives a Responses upstream the body back, and from the IR alone the same namespace', () => {
    expect(codec.encodeRequest(decode(), 'gpt-5').body).toEqual(body);
    const { body: rebuilt } = codec.encodeRequest({ ...decode(), extra: null }, 'gpt-5') as { body: any };
    expect(rebuilt.tools).toEqual(body.tools);
    expect(rebuilt.input[1]).toEqual(body.input[1]);
  });

  it('answers a call by the tool’s own name and its namespace, whole and streamed', () => {
    const request = decode();
    const answer: IRResponse = {
      id: 'msg_1',
      model: 'claude',
      content: [{ type: 'tool-call', id: 'toolu_2', name: 'multi_agent_v1__close_agent', arguments: '{"target":"a2"}' }],
      finish: { unified: 'tool-calls', raw: 'tool_use' },
      usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
      created: 1,
    };
    const expected = { type: 'function_call', call_id: 'toolu_2', name: 'close_agent', namespace: 'multi_agent_v1', arguments: '{"target":"a2"}' };
    expect((codec.encodeResponse(answer, request) as any).output[0]).toMatchObject(expected);
    const encoder = codec.encodeStream(request);
    const sse =
      encoder.push({ type: 'response-start', id: 'msg_1', model: 'claude', created: 1 }) +
      encoder.push({ type: 'tool-call-start', id: 'b0', toolCallId: 'toolu_2', name: 'multi_agent_v1__close_agent' }) +
      encoder.push({ type: 'tool-call-delta', id: 'b0', argumentsDelta: '{"target":"a2"}' }) +
      encoder.push({ type: 'tool-call-end', id: 'b0' }) +
      encoder.push({ type: 'finish', finish: { unified: 'tool-calls', raw: 'tool_use' } });
    const frames = sse
      .split('\n\n')
      .filter((f) => f.includes('data: '))
      .map((f) => JSON.parse(f.slice(f.indexOf('data: ') + 6)));
    expect(frames.find((f) => f.type === 'response.output_item.added').item).toMatchObject({ name: 'close_agent', namespace: 'multi_agent_v1' });
    expect(frames.find((f) => f.type === 'response.completed').response.output[0]).toMatchObject(expected);
  });
});
