// Readable reasoning that OpenAI-compatible servers write in Chat completions
// (`reasoning_content`, `reasoning`, `reasoning_details`) reaches Anthropic,
// Responses and Gemini clients as their own reasoning form, whole and streamed,
// and goes back to the server as `reasoning_content` in a tool loop (DeepSeek's
// thinking models refuse a tool-call turn without it).
import { beforeAll, describe, expect, it } from 'vitest';
import { THINK_TOOLS } from '../../fakes/openai-chat-scenarios.js';
import { REASONING, REASONING_ANSWER, TOOL_CALLS } from '../../fakes/scenarios.js';
import { clientShapes, TOOL_RESULTS, type ClientName, type ClientShape } from '../matrix/clients.js';
import { useRig } from './rig.js';

const rig = useRig();
let shapes: Map<ClientName, ClientShape>;
beforeAll(() => {
  shapes = new Map(clientShapes(rig().gw.url).map((s) => [s.name, s]));
});

const CLIENTS = ['anthropic', 'responses', 'gemini'] as const;
const MODES = [
  ['whole', false],
  ['streamed', true],
] as const;

describe.each(CLIENTS)('%s client on an OpenAI-compatible upstream', (client) => {
  describe.each(MODES)('%s', (_mode, stream) => {
    it('shows reasoning written as `reasoning` (OpenRouter) or only in `reasoning_details`', async () => {
      for (const model of ['openrouter', 'details'] as const) {
        const { answer } = await shapes.get(client)!.send({ turns: [{ role: 'user', text: 'What is 2+2? scenario:reasoning' }] }, model, stream);
        expect(answer.reasoning, model).toBe(REASONING);
        expect(answer.text, model).toBe(REASONING_ANSWER);
        expect((await rig().nextRow()).status).toBe(200);
      }
    });

    it('sends the reasoning of a tool-call turn back as reasoning_content, as DeepSeek requires', async () => {
      const conversation = await shapes.get(client)!.send({ turns: [{ role: 'user', text: `Weather and time? ${THINK_TOOLS}` }], tools: true }, 'deepseek', stream);
      expect(conversation.answer.reasoning).toBe(REASONING);
      expect(conversation.answer.toolCalls.map((c) => c.name)).toEqual(TOOL_CALLS.map((c) => c.name));
      await rig().nextRow();

      await conversation.followUp({ toolResults: conversation.answer.toolCalls.map((c) => ({ id: c.id, name: c.name, output: TOOL_RESULTS[c.name]! })) });
      const assistant = rig().lastCall('deepseek').body.messages.find((m: any) => m.role === 'assistant');
      expect(assistant).toMatchObject({ reasoning_content: REASONING, tool_calls: expect.any(Array) });
      const row = await rig().nextRow();
      expect(row.status).toBe(200);
      expect(row.warnings ?? []).not.toContainEqual(expect.stringMatching(/reasoning/));
    });
  });
});
