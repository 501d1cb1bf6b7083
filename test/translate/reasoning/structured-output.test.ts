// JSON-schema answers on Anthropic upstreams: Anthropic's native structured
// output (`output_config.format`), with tools and with thinking; the forced-tool
// fallback for a model that refuses it, learned from the refusal and remembered;
// the per-upstream `structuredOutput` setting; and Anthropic clients' own
// `output_config.format` reaching other upstreams as their response format.
import { describe, expect, it } from 'vitest';
import { JSON_ANSWER } from '../../fakes/scenarios.js';
import { JSON_SCHEMA, TOOL_DEFS } from '../matrix/clients.js';
import { useRig, type PublicModel } from './rig.js';

const rig = useRig();

const ASK = 'Answer in JSON. scenario:json';
const NATIVE = { format: { type: 'json_schema', schema: JSON_SCHEMA } };
const CHAT_FORMAT = { type: 'json_schema' as const, json_schema: { name: 'answer', schema: JSON_SCHEMA, strict: true } };
const CHAT_TOOLS = TOOL_DEFS.map((t) => ({ type: 'function' as const, function: { name: t.name, description: t.description, parameters: { ...t.parameters } } }));

/** A Chat client's JSON-schema request, whole or streamed; the answer's text. */
async function chatJson(model: PublicModel, stream: boolean, extra: Record<string, unknown> = {}): Promise<string> {
  const params = { model, messages: [{ role: 'user' as const, content: ASK }], response_format: CHAT_FORMAT, ...extra };
  if (!stream) return (await rig().chat.chat.completions.create(params as never)).choices[0]!.message.content ?? '';
  let text = '';
  for await (const chunk of await rig().chat.chat.completions.create({ ...params, stream: true } as never) as unknown as AsyncIterable<any>) {
    text += chunk.choices[0]?.delta?.content ?? '';
  }
  return text;
}

describe.each([
  ['whole', false],
  ['streamed', true],
] as const)('a JSON-schema answer from an Anthropic upstream, %s', (_mode, stream) => {
  it('is asked with output_config.format and comes back as JSON text', async () => {
    expect(await chatJson('claude-new', stream)).toBe(JSON_ANSWER);
    const body = rig().lastCall('claude-new').body;
    expect(body.output_config).toEqual(NATIVE);
    expect(body).not.toHaveProperty('tools');
    expect(body).not.toHaveProperty('tool_choice');
    expect(body).not.toHaveProperty('system');
    const row = await rig().nextRow();
    expect(row).toMatchObject({ status: 200, translation: 'openai-chat -> anthropic-messages' });
    expect(row.warnings ?? []).not.toContainEqual(expect.stringMatching(/response format|JSON/i));
  });

  it('keeps the client its own tools and thinking alongside the format', async () => {
    expect(await chatJson('claude-new', stream, { tools: CHAT_TOOLS, reasoning_effort: 'high' })).toBe(JSON_ANSWER);
    const body = rig().lastCall('claude-new').body;
    expect(body.output_config).toEqual({ effort: 'high', ...NATIVE });
    expect(body.thinking).toEqual({ type: 'adaptive' });
    expect(body.tools.map((t: any) => t.name)).toEqual(TOOL_DEFS.map((t) => t.name));
    expect(body).not.toHaveProperty('system');
    await rig().nextRow();
  });

  it('falls back to a forced tool when the model refuses it, and remembers that for the upstream and model', async () => {
    // One refusing model per mode: the refusal is learned once per process.
    const model: PublicModel = stream ? 'claude-refuses-too' : 'claude-refuses';
    expect(await chatJson(model, stream)).toBe(JSON_ANSWER);
    const [refused, retried, ...more] = rig().calls(model);
    expect(more).toEqual([]);
    expect(refused!.body.output_config).toEqual(NATIVE);
    expect(retried!.body).not.toHaveProperty('output_config');
    expect(retried!.body.tool_choice).toEqual({ type: 'tool', name: 'switchboard_json_output' });
    const row = await rig().nextRow();
    expect(row.status).toBe(200);
    expect(row.attempts).toEqual([
      expect.objectContaining({ upstream: 'up-anthropic', status: 400, error: 'native structured output refused' }),
      expect.objectContaining({ upstream: 'up-anthropic', status: 200 }),
    ]);

    // Remembered: the next request goes straight to the fallback.
    expect(await chatJson(model, stream)).toBe(JSON_ANSWER);
    expect(rig().calls(model)).toHaveLength(3);
    expect(rig().lastCall(model).body.tool_choice).toEqual({ type: 'tool', name: 'switchboard_json_output' });
    expect((await rig().nextRow()).attempts).toBeNull();
  });
});

describe("every client's JSON schema", () => {
  it('reaches an Anthropic upstream as output_config.format', async () => {
    await rig().chat.responses.create({ model: 'claude-new', input: ASK, text: { format: { type: 'json_schema', name: 'answer', schema: JSON_SCHEMA } } });
    expect(rig().lastCall('claude-new').body.output_config).toEqual(NATIVE);
    await rig().geminiClient.models.generateContent({ model: 'claude-new', contents: ASK, config: { responseMimeType: 'application/json', responseJsonSchema: JSON_SCHEMA } });
    expect(rig().lastCall('claude-new').body.output_config).toEqual(NATIVE);
    await rig().nextRow();
  });

  it("an Anthropic client's output_config.format reaches other upstreams as their response format", async () => {
    const ask = { max_tokens: 1000, messages: [{ role: 'user', content: ASK }], output_config: { ...NATIVE, effort: 'low' } };
    await rig().anthropicClient.messages.create({ model: 'chat-o4', ...ask } as never);
    expect(rig().lastCall('chat-o4').body).toMatchObject({ response_format: { type: 'json_schema', json_schema: { schema: JSON_SCHEMA } }, reasoning_effort: 'low' });
    await rig().anthropicClient.messages.create({ model: 'resp-o4', ...ask } as never);
    expect(rig().lastCall('resp-o4').body).toMatchObject({ text: { format: { type: 'json_schema', schema: JSON_SCHEMA } }, reasoning: { effort: 'low' } });
    await rig().anthropicClient.messages.create({ model: 'gemini-25', ...ask } as never);
    expect(rig().lastCall('gemini-25').body.generationConfig).toMatchObject({ responseMimeType: 'application/json', responseJsonSchema: JSON_SCHEMA, thinkingConfig: { thinkingBudget: 2048 } });
    await rig().nextRow();
  });
});

describe('the structuredOutput upstream setting', () => {
  it('set to prompt through the admin API, puts the schema in the system prompt; exported with the config', async () => {
    const patched = await rig().admin('PATCH', '/upstreams/up-anthropic', { structuredOutput: 'prompt' });
    expect(patched.status).toBe(200);
    try {
      expect(await chatJson('claude-new', false)).toBe(JSON_ANSWER);
      const body = rig().lastCall('claude-new').body;
      expect(body).not.toHaveProperty('output_config');
      expect(body).not.toHaveProperty('tools');
      expect(JSON.stringify(body.system)).toContain(JSON.stringify(JSON_SCHEMA).replace(/"/g, '\\"'));
      expect((await rig().nextRow()).warnings).toContainEqual(expect.stringContaining('system prompt instructions (not enforced)'));
      const exported = (await (await rig().admin('GET', '/config?format=json')).json()) as { upstreams: { id: string; structuredOutput?: string }[] };
      expect(exported.upstreams.find((u) => u.id === 'up-anthropic')?.structuredOutput).toBe('prompt');
    } finally {
      await rig().admin('PATCH', '/upstreams/up-anthropic', { structuredOutput: 'native' });
    }
  });
});
