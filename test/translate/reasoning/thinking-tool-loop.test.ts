// A tool loop on an Anthropic upstream with thinking on. The API (and its fake)
// refuses a tool-result turn whose tool calls do not start with the thinking it
// signed. A Responses client that asks for encrypted reasoning carries the
// signature back (in encrypted_content), so thinking stays on; clients that
// cannot (Chat, Gemini) get that turn sent without thinking, named in the row.
import { beforeAll, describe, expect, it } from 'vitest';
import { REASONING, REASONING_SIGNATURE, TOOL_CALLS } from '../../fakes/scenarios.js';
import { clientShapes, TOOL_RESULTS, type ClientName, type ClientShape } from '../matrix/clients.js';
import { useRig } from './rig.js';

const rig = useRig();
let shapes: Map<ClientName, ClientShape>;
beforeAll(() => {
  shapes = new Map(clientShapes(rig().gw.url).map((s) => [s.name, s]));
});

describe.each(['chat', 'gemini'] as const)('%s client, reasoning on, tools on an Anthropic upstream', (client) => {
  it.each([
    ['whole', false],
    ['streamed', true],
  ] as const)('completes the tool loop (%s): the turn with tool results goes without thinking', async (_mode, stream) => {
    const conversation = await shapes.get(client)!.send({ turns: [{ role: 'user', text: 'Weather and time? scenario:tools' }], tools: true, reasoning: true }, 'claude-old', stream);
    expect(conversation.answer.toolCalls.map((c) => c.name)).toEqual(TOOL_CALLS.map((c) => c.name));
    expect(rig().lastCall('claude-old').body.thinking).toMatchObject({ type: 'enabled' });
    await rig().nextRow();

    await conversation.followUp({ toolResults: conversation.answer.toolCalls.map((c) => ({ id: c.id, name: c.name, output: TOOL_RESULTS[c.name]! })) });
    const body = rig().lastCall('claude-old').body;
    expect(body).not.toHaveProperty('thinking');
    expect(body.messages.at(-1).content.map((b: any) => b.type)).toEqual(['tool_result', 'tool_result']);
    const row = await rig().nextRow();
    expect(row.status).toBe(200);
    expect(row.warnings).toContainEqual(expect.stringContaining('thinking turned off for this request'));
  });
});

describe('Responses client asking for encrypted reasoning, tools on an Anthropic upstream', () => {
  it.each([
    ['whole', false],
    ['streamed', true],
  ] as const)("gives Anthropic its signed thinking back, so thinking stays on (%s)", async (_mode, stream) => {
    const conversation = await shapes.get('responses')!.send({ turns: [{ role: 'user', text: 'Weather and time? scenario:tools' }], tools: true, reasoning: true }, 'claude-old', stream);
    expect(conversation.answer.reasoning).toBe(REASONING);
    expect(conversation.answer.opaque).toEqual([expect.stringContaining(REASONING_SIGNATURE)]);
    await rig().nextRow();

    await conversation.followUp({ toolResults: conversation.answer.toolCalls.map((c) => ({ id: c.id, name: c.name, output: TOOL_RESULTS[c.name]! })) });
    const body = rig().lastCall('claude-old').body;
    expect(body.thinking).toMatchObject({ type: 'enabled' });
    const assistant = body.messages.findLast((m: any) => m.role === 'assistant');
    expect(assistant.content[0]).toEqual({ type: 'thinking', thinking: REASONING, signature: REASONING_SIGNATURE });
    const row = await rig().nextRow();
    expect(row.status).toBe(200);
    expect(row.warnings ?? []).not.toContainEqual(expect.stringMatching(/thinking turned off|dropped anthropic reasoning/));
  });
});
