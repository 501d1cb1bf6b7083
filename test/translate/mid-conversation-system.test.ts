// Mid-conversation system messages: each decoder keeps them in place as IR
// system messages (leading ones join the request's system), each encoder writes
// them in its own form: OpenAI Chat / Responses in place, Anthropic and Gemini
// folded into the nearest user turn. Same-protocol round trips stay exact.
import { describe, expect, it } from 'vitest';
import type { IRMessage, IRRequest } from '../../src/translate/ir.js';
import { codecFor } from '../../src/translate/registry.js';
import { foldedSystemText, foldSystemMessages } from '../../src/translate/shared/fold-system.js';

const text = (t: string) => ({ type: 'text' as const, text: t });
const user = (...parts: IRMessage['content']): IRMessage => ({ role: 'user', content: parts });
const assistant = (...parts: IRMessage['content']): IRMessage => ({ role: 'assistant', content: parts });
const system = (t: string, clientRole?: string): IRMessage => ({ role: 'system', content: [text(t)], ...(clientRole ? { clientRole } : {}) });
const call = { type: 'tool-call' as const, id: 'call_1', name: 'read', arguments: '{}' };
const result = { type: 'tool-result' as const, toolCallId: 'call_1', name: 'read', content: [text('file body')] };

function request(messages: IRMessage[]): IRRequest {
  return { model: 'm', system: [text('Top.')], messages, tools: [], stream: false, extra: null };
}

describe('folding system messages into user turns', () => {
  it('appends to the user turn before, or opens the next one after its tool results, or stands alone', () => {
    const { messages, folded } = foldSystemMessages([
      user(text('hi')),
      system('A'),
      assistant(call),
      system('B'),
      user(result, text('go on')),
      assistant(text('done')),
      system('C'),
    ]);
    expect(folded).toBe(3);
    expect(messages).toEqual([
      user(text('hi'), text(foldedSystemText('A'))),
      assistant(call),
      user(result, text(foldedSystemText('B')), text('go on')),
      assistant(text('done')),
      user(text(foldedSystemText('C'))),
    ]);
  });

  it('keeps the cache hint, joins a message of several parts, and leaves its input alone', () => {
    const input: IRMessage[] = [user(text('hi')), { role: 'system', content: [text('A'), { ...text('B'), cacheControl: { type: 'ephemeral' } }] }];
    const before = structuredClone(input);
    expect(foldSystemMessages(input).messages[0]!.content[1]).toEqual({ ...text(foldedSystemText('A\n\nB')), cacheControl: { type: 'ephemeral' } });
    expect(input).toEqual(before);
  });
});

describe('decoders keep mid-conversation system messages in place', () => {
  it('anthropic: a system message inside messages, with its cache_control; a leading one joins system', () => {
    const body = {
      model: 'claude',
      max_tokens: 100,
      system: 'Top.',
      messages: [
        { role: 'system', content: 'Lead.' },
        { role: 'user', content: 'hi' },
        { role: 'system', content: [{ type: 'text', text: 'Mid.' }], cache_control: { type: 'ephemeral' } },
        { role: 'assistant', content: [{ type: 'text', text: 'ok' }] },
      ],
    };
    const ir = codecFor('anthropic-messages').decodeRequest(structuredClone(body));
    expect(ir.system).toEqual([text('Top.'), text('Lead.')]);
    expect(ir.messages.map((m) => m.role)).toEqual(['user', 'system', 'assistant']);
    expect(ir.messages[1]).toEqual({ role: 'system', content: [{ ...text('Mid.'), cacheControl: { type: 'ephemeral' } }] });
    expect(ir.extra?.lost).toBeUndefined();
    // and an Anthropic upstream gets the messages back as they came
    const { body: out, warnings } = codecFor('anthropic-messages').encodeRequest(ir, 'claude');
    expect(out).toEqual(body);
    expect(warnings).toEqual([]);
  });

  it('openai chat: leading system / developer messages are the system, later ones stay in place with their role', () => {
    const ir = codecFor('openai-chat').decodeRequest({
      model: 'gpt',
      messages: [
        { role: 'system', content: 'Top.' },
        { role: 'user', content: 'hi' },
        { role: 'developer', content: 'Mid.' },
      ],
    });
    expect(ir.system).toEqual([text('Top.')]);
    expect(ir.messages).toEqual([user(text('hi')), system('Mid.', 'developer')]);
  });

  it('openai responses: the same, after instructions', () => {
    const ir = codecFor('openai-responses').decodeRequest({
      model: 'gpt',
      instructions: 'Top.',
      input: [
        { role: 'developer', content: 'Lead.' },
        { role: 'user', content: 'hi' },
        { type: 'message', role: 'system', content: [{ type: 'input_text', text: 'Mid.' }] },
      ],
    });
    expect(ir.system).toEqual([text('Top.'), text('Lead.')]);
    expect(ir.messages).toEqual([user(text('hi')), system('Mid.', 'system')]);
  });
});

describe('encoders write mid-conversation system messages in their own form', () => {
  const conversation = [user(text('hi')), system('From Anthropic.'), assistant(call), user(result), system('As developer.', 'developer'), system('As system.', 'system')];

  it('openai chat: a system message in place, developer when the client wrote that', () => {
    const { body } = codecFor('openai-chat').encodeRequest(request(conversation), 'gpt') as { body: any };
    expect(body.messages.map((m: any) => [m.role, m.content])).toEqual([
      ['system', 'Top.'],
      ['user', 'hi'],
      ['system', 'From Anthropic.'],
      ['assistant', null],
      ['tool', 'file body'],
      ['developer', 'As developer.'],
      ['system', 'As system.'],
    ]);
  });

  it('openai responses: a developer item in place, system when the client wrote that', () => {
    const { body } = codecFor('openai-responses').encodeRequest(request(conversation), 'gpt') as { body: any };
    const item = (role: string, t: string) => ({ type: 'message', role, content: [{ type: 'input_text', text: t }] });
    expect(body.instructions).toBe('Top.');
    expect(body.input).toEqual([
      item('user', 'hi'),
      item('developer', 'From Anthropic.'),
      { type: 'function_call', call_id: 'call_1', name: 'read', arguments: '{}' },
      { type: 'function_call_output', call_id: 'call_1', output: 'file body' },
      item('developer', 'As developer.'),
      item('system', 'As system.'),
    ]);
  });

  it('anthropic: folded into user turns, tool results first, with a note', () => {
    const { body, warnings } = codecFor('anthropic-messages').encodeRequest(request(conversation), 'claude') as { body: any; warnings: string[] };
    expect(body.system).toBe('Top.');
    expect(body.messages).toEqual([
      { role: 'user', content: [text('hi'), text(foldedSystemText('From Anthropic.'))] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'call_1', name: 'read', input: {} }] },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: 'file body' },
          text(foldedSystemText('As developer.')),
          text(foldedSystemText('As system.')),
        ],
      },
    ]);
    expect(warnings).toContain('folded 3 mid-conversation system messages into user turns: not every Anthropic model takes a system message inside messages');
  });

  it('gemini: folded into user turns, with a note', () => {
    const { body, warnings } = codecFor('gemini').encodeRequest(request(conversation), 'gemini-2.5-flash') as { body: any; warnings: string[] };
    expect(body.systemInstruction).toEqual({ parts: [{ text: 'Top.' }] });
    expect(body.contents.map((c: any) => [c.role, c.parts.map((p: any) => p.text ?? Object.keys(p)[0])])).toEqual([
      ['user', ['hi', foldedSystemText('From Anthropic.')]],
      ['model', ['functionCall']],
      ['user', ['functionResponse', foldedSystemText('As developer.'), foldedSystemText('As system.')]],
    ]);
    expect(warnings).toContain('folded 3 mid-conversation system messages into user turns: gemini has no system role in contents');
  });
});
