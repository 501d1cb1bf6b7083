import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { modelFor, startAgentRig, UPSTREAM_KINDS, type AgentRig } from '../agents/agent-gateway.js';

// Claude Code checks a model exists with a one-token request (`max_tokens: 1`) before using it;
// it must be answered on every upstream kind, whatever that upstream's own floor for the limit.
let rig: AgentRig;

beforeAll(async () => {
  rig = await startAgentRig();
});
afterAll(async () => {
  await rig?.close();
});

describe("Claude Code's one-token model check", () => {
  it.each(UPSTREAM_KINDS)('is answered on %s', async (kind) => {
    const { key, group } = rig.newKey();
    const anthropic = new Anthropic({ apiKey: key, baseURL: rig.gw.url, maxRetries: 0 });
    const message = await anthropic.messages.create({ model: modelFor(kind), max_tokens: 1, messages: [{ role: 'user', content: 'quota' }] });
    expect(message.type).toBe('message');
    const [row] = await rig.rowsOf(group);
    expect(row).toMatchObject({ status: 200, outcome: 'ok' });
    if (row.translation?.endsWith('openai-responses')) {
      // The Responses API refuses fewer than 16; the limit is raised, and the row says so.
      expect(row.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/raised max tokens 1 to 16/)]));
    }
  });
});
