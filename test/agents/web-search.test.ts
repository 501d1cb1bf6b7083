// The real agents doing a web search through the gateway on an upstream without native search
// (an OpenAI-compatible Chat-only server): Claude Code's WebSearch tool (a sub-request with
// Anthropic's `web_search_20250305` server tool) and Codex CLI with `web_search = "live"` (the
// Responses `web_search` tool). The fake model calls the search tool it is offered and answers
// citing the first address in the results (test/fakes/agent-scenario.ts, `scenario:websearch`);
// the gateway runs the search through a fake Tavily. One short run per agent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEB_SEARCH_MARK } from '../fakes/agent-scenario.js';
import { fakeResultUrl, SEARCH_KEYS, startFakeSearchVendors, type FakeSearchVendors } from '../fakes/search-vendors.js';
import { modelFor, startAgentRig, type AgentRig } from './agent-gateway.js';
import { installedAgents, type AgentResult } from './agents.js';
import { claudeCode } from './drivers/claude-code.js';
import { codex } from './drivers/codex.js';
import { runFolders } from './run-agent.js';
import type { LogRecord } from '../../src/store/types.js';

const RUN_TIMEOUT_MS = 90_000;
const CLAUDE_MODEL = 'claude-sonnet-4-5-20250929';
const ADMIN_KEY = 'sb-admin-agents-0000000000000';

let rig: AgentRig;
let vendors: FakeSearchVendors;

beforeAll(async () => {
  vendors = await startFakeSearchVendors();
  rig = await startAgentRig();
  const res = await fetch(`${rig.gw.url}/admin/api/hosted-tools`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ webSearch: { provider: 'tavily', apiKey: SEARCH_KEYS.tavily, baseUrl: vendors.urls.tavily } }),
  });
  expect(res.status).toBe(200);
  // Claude Code offers WebSearch only for models it knows as Claude: one such id, served by the Chat-only upstream.
  const model = await fetch(`${rig.gw.url}/admin/api/models`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ id: CLAUDE_MODEL, routes: [{ upstream: 'up-chat', model: 'gpt-4o' }] }),
  });
  expect(model.status).toBe(201);
});

afterAll(async () => {
  await rig?.close();
  await vendors?.close();
});

function report(result: AgentResult, rows: LogRecord[]): string {
  const row = (r: LogRecord) => `${r.endpoint} ${r.status} ${r.outcome} ${r.translation ?? 'pass-through'} units=${JSON.stringify(r.units)}${r.error ? ` ${r.error}` : ''}`;
  return [`exit ${result.run.code}`, `answer: ${result.answer.slice(0, 600)}`, `stderr: ${result.run.stderr.slice(-1500)}`, `rows:\n  ${rows.map(row).join('\n  ')}`].join('\n');
}

/** The newest installed version of each agent. */
const agents = installedAgents();
const claude = agents.filter((a) => a.name === 'claude-code').at(-1);
const codexAgent = agents.find((a) => a.name === 'codex');

describe('real agents search the web through the gateway on an upstream without search', () => {
  it.skipIf(!claude)(`Claude Code ${claude?.version} answers from a WebSearch the gateway ran`, { timeout: RUN_TIMEOUT_MS * 2 }, async () => {
    const { home, cwd, remove } = runFolders();
    const { key, group } = rig.newKey();
    const prompt = `${WEB_SEARCH_MARK} switchboard gateway. Search the web with your WebSearch tool and answer with the first address you find.`;
    const result = await claudeCode(claude!, { gatewayUrl: rig.gw.url, key, model: CLAUDE_MODEL, prompt, home, cwd, timeoutMs: RUN_TIMEOUT_MS }, {
      allowedTools: ['WebSearch'],
      // WebSearch is offered up front rather than behind Claude Code's tool search (which the fake model does not play).
      env: { ENABLE_TOOL_SEARCH: 'false' },
    }).finally(remove);
    const rows = await rig.rowsOf(group);
    const detail = report(result, rows);
    // The search sub-request was served by the gateway's search, and the agent's answer cites what it found.
    const searched = rows.filter((r) => r.units?.webSearches);
    expect(searched.length, detail).toBe(1);
    expect(result.answer, detail).toContain('https://tavily.example/1/');
    expect(vendors.calls.some((c) => String(c.body?.query).includes(WEB_SEARCH_MARK)), detail).toBe(true);
  });

  it.skipIf(!codexAgent)(`Codex CLI ${codexAgent?.version} answers from the web_search tool the gateway ran`, { timeout: RUN_TIMEOUT_MS * 2 }, async () => {
    const { home, cwd, remove } = runFolders();
    const { key, group } = rig.newKey();
    const prompt = `${WEB_SEARCH_MARK} codex gateway. Search the web and answer with the first address you find.`;
    const result = await codex(codexAgent!, { gatewayUrl: rig.gw.url, key, model: modelFor('openai-chat'), prompt, home, cwd, timeoutMs: RUN_TIMEOUT_MS }, { webSearch: true }).finally(remove);
    const rows = await rig.rowsOf(group);
    const detail = report(result, rows);
    expect(rows.filter((r) => r.units?.webSearches).length, detail).toBe(1);
    expect(result.answer, detail).toContain(fakeResultUrl('tavily', 1, prompt));
  });
});
