// A Responses client's namespaced tool, as Codex sends its multi_agent_v1 tools,
// through the OpenAI SDK to every translated upstream, in the fakes' agent tool
// loop: the upstream sees one flat function `files__read_file`, the client gets
// its call back as `read_file` in namespace `files`, and the result closes the loop.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { agentPrompt } from '../../fakes/agent-scenario.js';
import { MATRIX_KEY, MODELS, startMatrix, type MatrixRig } from '../matrix/matrix-gateway.js';
import { responsesOutput } from './responses-output.js';

let rig: MatrixRig;
let openai: OpenAI;

beforeAll(async () => {
  rig = await startMatrix();
  openai = new OpenAI({ apiKey: MATRIX_KEY, baseURL: `${rig.gw.url}/v1`, maxRetries: 0 });
});
afterAll(() => rig?.close());
beforeEach(() => rig.mark());

const FILE = '/tmp/project/note.txt';
const TOKEN = 'agent-token-0123456789abcdef';
const TOOLS = [
  {
    type: 'namespace',
    name: 'files',
    description: 'File tools',
    tools: [{ type: 'function', name: 'read_file', strict: false, parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } }],
  },
];
const ASK = { type: 'message', role: 'user', content: [{ type: 'input_text', text: agentPrompt(FILE) }] };

const ask = (model: string, input: unknown[], stream: boolean): Promise<any[]> => responsesOutput(openai, { model, input, tools: TOOLS, stream, store: false });

describe.each([
  { mode: 'streamed', stream: true },
  { mode: 'whole', stream: false },
])('a Responses client with a namespaced tool, $mode', ({ stream }) => {
  it.each([
    ['an OpenAI Chat', MODELS.chat],
    ['an Anthropic', MODELS.anthropic],
    ['a Gemini', MODELS.gemini],
  ])('to %s upstream: called by its own name in its namespace, its result closing the loop', async (_name, model) => {
    const [call] = (await ask(model, [ASK], stream)).filter((i) => i.type === 'function_call');
    expect(call).toMatchObject({ name: 'read_file', namespace: 'files', arguments: JSON.stringify({ path: FILE }) });
    const { id: _id, status: _status, ...item } = call;
    const output = await ask(model, [ASK, item, { type: 'function_call_output', call_id: call.call_id, output: `${TOKEN}\n` }], stream);
    expect(output.find((i) => i.type === 'message')?.content[0].text).toContain(TOKEN);
    const rows = await rig.newRows(2);
    for (const row of rows) {
      expect(row).toMatchObject({ status: 200, outcome: 'ok' });
      expect((row.warnings ?? []).filter((w) => w.startsWith('dropped openai-responses'))).toEqual([]);
    }
  });
});
