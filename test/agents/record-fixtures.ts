// Re-records test/fixtures/agents/<agent>-<version>.json: one real request of each
// installed agent (the first step of its tool loop), as the fake upstream received it
// through the gateway's pass-through, with its provenance. Run by hand:
//   npx tsx test/agents/record-fixtures.ts
// (SWITCHBOARD_AGENTS_DIR=<folder> records the agents installed there instead.)
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { agentPrompt } from '../fakes/agent-scenario.js';
import type { FakeCall } from '../fakes/index.js';
import { modelFor, startAgentRig, type UpstreamKind } from './agent-gateway.js';
import { driveAgent, installedAgents, type AgentName } from './agents.js';
import { runFolders } from './run-agent.js';

const OUT = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/agents');

/** Each agent's own protocol, served without translation. */
const PASS_THROUGH: Record<AgentName, { upstream: UpstreamKind; protocol: string }> = {
  'claude-code': { upstream: 'anthropic', protocol: 'anthropic-messages' },
  codex: { upstream: 'openai-responses', protocol: 'openai-responses' },
  'gemini-cli': { upstream: 'gemini', protocol: 'gemini' },
  opencode: { upstream: 'openai-chat', protocol: 'openai-chat' },
};

/** Headers that carry credentials or belong to the connection, not to the agent. */
const DROPPED_HEADERS = new Set(['authorization', 'x-api-key', 'x-goog-api-key', 'api-key', 'host', 'content-length', 'connection']);

const rig = await startAgentRig();
try {
  mkdirSync(OUT, { recursive: true });
  for (const agent of installedAgents()) {
    const { upstream, protocol } = PASS_THROUGH[agent.name];
    const fake = rig.fakes[upstream];
    const before = fake.calls.length;
    const { home, cwd, remove } = runFolders();
    const file = join(cwd, 'note.txt');
    writeFileSync(file, `agent-token-${randomBytes(8).toString('hex')}\n`);
    const { key } = rig.newKey();
    const result = await driveAgent(agent, { gatewayUrl: rig.gw.url, key, model: modelFor(upstream), prompt: agentPrompt(file), home, cwd, timeoutMs: 90_000 }).finally(remove);
    // The first request offering tools is the loop's first step (side requests offer none).
    const call = fake.calls.slice(before).find((c: FakeCall) => JSON.stringify(c.body?.tools ?? []).length > 2);
    if (!call) throw new Error(`${agent.name} ${agent.version} sent no request with tools; stderr: ${result.run.stderr.slice(-500)}`);
    const headers = Object.fromEntries(Object.entries(call.headers).filter(([name]) => !DROPPED_HEADERS.has(name)));
    const fixture = {
      provenance: {
        agent: agent.name,
        version: agent.version,
        recorded: new Date().toISOString().slice(0, 10),
        how: `test/agents/record-fixtures.ts: the agent run headless through the gateway to the fake ${upstream} upstream (pass-through); the first request of its tool loop as the fake received it, credentials and connection headers removed`,
        protocol,
      },
      request: { method: call.method, path: call.path, headers, body: call.body },
    };
    const name = join(OUT, `${agent.name}-${agent.version}.json`);
    writeFileSync(name, `${JSON.stringify(fixture, null, 2)}\n`);
    console.log(`recorded ${name}`);
  }
} finally {
  await rig.close();
}
