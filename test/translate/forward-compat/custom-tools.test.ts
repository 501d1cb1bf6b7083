// A Responses client's custom (free-form) tool, as Codex sends apply_patch, through
// the OpenAI SDK to every translated upstream: the upstream gets a function taking
// one string, the client gets its custom tool call back (whole and streamed), and
// the tool loop's output reaches the upstream as that call's result.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FREEFORM_PARAMETERS } from '../../../src/translate/openai-responses/freeform-tools.js';
import { MATRIX_KEY, MODELS, startMatrix, type MatrixRig } from '../matrix/matrix-gateway.js';
import { responsesOutput } from './responses-output.js';

let rig: MatrixRig;
let openai: OpenAI;

beforeAll(async () => {
  rig = await startMatrix();
  openai = new OpenAI({ apiKey: MATRIX_KEY, baseURL: `${rig.gw.url}/v1`, maxRetries: 0 });
});
afterAll(() => rig?.close());
beforeEach(() => {
  rig.mark();
  for (const fake of [rig.openai, rig.anthropic, rig.gemini]) fake.reset();
});

/** The fakes' tool scenario calls get_weather and get_time: here get_weather is the client's custom tool. */
const TOOLS = [
  { type: 'custom', name: 'get_weather', description: 'Weather, asked in plain words' },
  { type: 'function', name: 'get_time', parameters: { type: 'object', properties: { timezone: { type: 'string' } } }, strict: false },
];
const ASK = { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Weather and time in Paris? scenario:tools' }] };

/** The function declarations an upstream got, in its own shape, as [name, parameters]. */
const DECLARED: Record<string, (body: any) => [string, unknown][]> = {
  [MODELS.chat]: (b) => b.tools.map((t: any) => [t.function.name, t.function.parameters]),
  [MODELS.anthropic]: (b) => b.tools.map((t: any) => [t.name, t.input_schema]),
  [MODELS.gemini]: (b) => b.tools[0].functionDeclarations.map((d: any) => [d.name, d.parametersJsonSchema]),
};
/** The tool results an upstream got, as [call id, text]. */
const RESULTS: Record<string, (body: any) => [string, string][]> = {
  [MODELS.chat]: (b) => b.messages.filter((m: any) => m.role === 'tool').map((m: any) => [m.tool_call_id, m.content]),
  [MODELS.anthropic]: (b) => b.messages.flatMap((m: any) => (Array.isArray(m.content) ? m.content : [])).filter((c: any) => c.type === 'tool_result').map((c: any) => [c.tool_use_id, c.content]),
  [MODELS.gemini]: (b) => b.contents.flatMap((c: any) => c.parts).filter((p: any) => p.functionResponse).map((p: any) => [p.functionResponse.id, p.functionResponse.response.output]),
};

function lastBody(model: string): any {
  const fake = model === MODELS.gemini ? rig.gemini : model === MODELS.anthropic ? rig.anthropic : rig.openai;
  return fake.calls.filter((c) => /chat\/completions|\/messages|:(generate|streamGenerate)Content/.test(c.path)).at(-1)!.body;
}

const ask = (model: string, input: unknown[], stream: boolean): Promise<any[]> => responsesOutput(openai, { model, input, tools: TOOLS, stream, store: false });

describe.each([
  { mode: 'streamed', stream: true },
  { mode: 'whole', stream: false },
])('a Responses client with a custom tool, $mode', ({ stream }) => {
  it.each([
    ['an OpenAI Chat', MODELS.chat],
    ['an Anthropic', MODELS.anthropic],
    ['a Gemini', MODELS.gemini],
  ])('to %s upstream: a function of one string there, a custom tool call here, its output back as the result', async (_name, model) => {
    const output = await ask(model, [ASK], stream);
    expect(DECLARED[model]!(lastBody(model))).toEqual([
      ['get_weather', FREEFORM_PARAMETERS],
      ['get_time', TOOLS[1]!.parameters],
    ]);
    const custom = output.find((i) => i.type === 'custom_tool_call');
    // The fake calls it with {"city":"Paris"}, not {"input": …}: the client gets those arguments as the text input.
    expect(custom).toMatchObject({ name: 'get_weather', input: '{"city":"Paris"}', status: 'completed' });
    expect(output.find((i) => i.type === 'function_call')).toMatchObject({ name: 'get_time' });

    const calls = output.filter((i) => i.type === 'custom_tool_call' || i.type === 'function_call');
    const results = calls.map((c) => ({ type: c.type === 'custom_tool_call' ? 'custom_tool_call_output' : 'function_call_output', call_id: c.call_id, output: `${c.name} done` }));
    const thanks = { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Thanks.' }] };
    const followUp = await ask(model, [ASK, ...calls.map(({ id: _id, status: _status, ...call }) => call), ...results, thanks], stream);
    expect(followUp.find((i) => i.type === "message")?.content[0].text, JSON.stringify(followUp)).toContain("echo:");
    expect(RESULTS[model]!(lastBody(model))).toEqual(calls.map((c) => [c.call_id, `${c.name} done`]));
    const rows = await rig.newRows(2);
    for (const row of rows) expect(row).toMatchObject({ status: 200, outcome: 'ok' });
  });
});
