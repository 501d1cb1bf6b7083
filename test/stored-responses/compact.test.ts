import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_COMPACTION_CONTENT } from '../fakes/openai-responses.js';
import { MODELS, OPENAI_MODEL, PLAIN_KEY, STATEFUL_KEY, itemTexts, startRig, type Rig, type UpstreamName } from './rig.js';

/** POST /v1/responses/compact: OpenAI's own where the upstream has it, a summarising turn elsewhere; one log row each. */

let rig: Rig;
beforeAll(async () => {
  rig = await startRig();
});
afterAll(async () => {
  await rig?.close();
});

const conversation = [
  { role: 'user' as const, content: 'first question' },
  { role: 'assistant' as const, content: 'first answer' },
  { role: 'user' as const, content: 'second question' },
];

async function lastRow() {
  await rig.gw.ctx.recorder.flush();
  return (await rig.gw.ctx.store.logs.query({ limit: 1, offset: 0 })).data[0]!;
}

describe('compaction on an OpenAI Responses upstream', () => {
  it('passes through to the upstream\'s own /responses/compact and records its tokens', async () => {
    rig.openai.reset();
    const compacted = await rig.client(PLAIN_KEY).responses.compact({ model: MODELS.responses, input: conversation });
    expect(rig.openai.calls.map((call) => call.path)).toEqual(['/v1/responses/compact']);
    expect(rig.openai.calls[0]!.body.model).toBe('gpt-4o');
    expect(compacted.object).toBe('response.compaction');
    expect(compacted.output.at(-1)).toMatchObject({ type: 'compaction', encrypted_content: FAKE_COMPACTION_CONTENT });
    const row = await lastRow();
    expect(row).toMatchObject({ endpoint: 'compact', status: 200, outcome: 'ok', inputTokens: 12, cacheReadTokens: 5, outputTokens: 10, translation: null });
  });

  it('expands previous_response_id from the key\'s stored responses first', async () => {
    const client = rig.client(STATEFUL_KEY);
    const first = await client.responses.create({ model: MODELS.responses, input: 'stored question' });
    rig.openai.reset();
    const compacted = await client.responses.compact({ model: MODELS.responses, previous_response_id: first.id, input: 'and then' });
    const sent = rig.openai.calls[0]!.body;
    expect(sent.previous_response_id).toBeUndefined();
    expect(itemTexts(sent.input)).toEqual(['stored question', 'echo: stored question', 'and then']);
    expect(itemTexts(compacted.output.slice(0, -1))).toEqual(['stored question', 'and then']);
  });
});

describe('compaction on an OpenAI-compatible server without /responses/compact', () => {
  it('falls back to a summarising turn, and does not take the server for one without /responses', async () => {
    rig.openai.reset();
    const invalidUrl = { error: { message: 'Invalid URL (POST /v1/responses/compact)', type: 'invalid_request_error', param: null, code: null } };
    rig.openai.failNext({ kind: 'status', status: 404, body: invalidUrl }, 1, (call) => call.path === '/v1/responses/compact');
    const compacted = await rig.client(PLAIN_KEY).responses.compact({ model: OPENAI_MODEL, input: conversation });
    expect(rig.openai.calls.map((call) => call.path)).toEqual(['/v1/responses/compact', '/v1/responses']);
    expect(compacted.object).toBe('response.compaction');
    expect(itemTexts(compacted.output).at(-1)).toContain('echo: Summarise the conversation above');
    const row = await lastRow();
    expect(row).toMatchObject({ endpoint: 'compact', status: 200, outcome: 'ok' });

    await rig.client(PLAIN_KEY).responses.create({ model: OPENAI_MODEL, input: 'still served in Responses' });
    expect(rig.openai.calls.at(-1)!.path).toBe('/v1/responses');
  });
});

describe.each(['anthropic', 'chat', 'gemini'] as UpstreamName[])('compaction on a %s upstream', (upstream) => {
  it('is a summarising turn, answered in the compaction\'s shape and recorded once', async () => {
    const fake = rig.fake(upstream);
    fake.reset();
    const compacted = await rig.client(PLAIN_KEY).responses.compact({ model: MODELS[upstream], input: conversation });
    expect(fake.calls).toHaveLength(1);
    const sent = JSON.stringify(fake.calls[0]!.body);
    for (const text of ['first question', 'first answer', 'second question', 'Summarise the conversation above']) expect(sent).toContain(text);
    expect(sent.indexOf('Summarise the conversation above')).toBeGreaterThan(sent.indexOf('second question'));

    expect(compacted.object).toBe('response.compaction');
    expect(itemTexts(compacted.output)).toEqual(['first question', 'second question', expect.stringContaining('echo: Summarise the conversation above')]);
    expect(compacted.output.at(-1)).toMatchObject({ type: 'message', role: 'assistant' });
    expect(compacted.usage?.output_tokens).toBeGreaterThan(0);
    const row = await lastRow();
    expect(row.endpoint).toBe('compact');
    expect(row.outcome).toBe('ok');
    expect(row.translation).toMatch(/^openai-responses -> /);
    expect(row.inputTokens + row.cacheReadTokens).toBeGreaterThan(0);
    expect(row.outputTokens).toBeGreaterThan(0);
  });
});
