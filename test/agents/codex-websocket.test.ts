// The Codex CLI over the Responses WebSocket: the same tool loop as agents.test.ts, with
// the provider saying it speaks WebSockets (`supports_websockets = true`), so Codex opens
// GET /v1/responses and sends each turn as a response.create frame: a warm-up
// (generate: false), then turns that carry only their new items chained by
// previous_response_id with store: false, which the socket's memory of its last response
// turns back into the whole conversation for the upstream. Every upstream kind.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentPrompt } from '../fakes/agent-scenario.js';
import { expectedUsage, modelFor, startAgentRig, upstreamProtocolOf, usageOf, UPSTREAM_KINDS, type AgentRig } from './agent-gateway.js';
import { installedAgents } from './agents.js';
import { codex } from './drivers/codex.js';
import { limit } from './pool.js';
import { runFolders } from './run-agent.js';

const POOL = 3;
const RUN_TIMEOUT_MS = 90_000;

const agent = installedAgents().find((a) => a.name === 'codex');

describe.skipIf(!agent)('the Codex CLI over the Responses WebSocket, on every upstream kind', () => {
  let rig: AgentRig;
  const pool = limit(POOL);

  beforeAll(async () => {
    rig = await startAgentRig();
  });
  afterAll(async () => {
    await rig?.close();
  });

  for (const upstream of UPSTREAM_KINDS) {
    it.concurrent(
      `codex ${agent?.version} on ${upstream}: the tool loop over one socket, no fallback to HTTP, one row with the upstream's tokens per turn`,
      () =>
        pool(async () => {
          const { home, cwd, remove } = runFolders();
          const token = `agent-token-${randomBytes(8).toString('hex')}`;
          const file = join(cwd, 'note.txt');
          writeFileSync(file, `${token}\n`);
          const { key, group } = rig.newKey();
          const task = { gatewayUrl: rig.gw.url, key, model: modelFor(upstream), prompt: agentPrompt(file), home, cwd, timeoutMs: RUN_TIMEOUT_MS };
          const { run, answer } = await codex(agent!, task, { websockets: true }).finally(remove);
          const rows = await rig.rowsOf(group);
          const detail = `exit ${run.code}\nanswer: ${answer.slice(0, 400)}\nstderr: ${run.stderr.slice(-1500)}\nrows: ${rows.map((r) => `${r.status} ${r.outcome} ${r.error ?? ''}`).join('; ')}`;

          expect(run.stderr, detail).toMatch(/connected to Responses WebSocket status=101/);
          expect(run.stderr, detail).not.toMatch(/Falling back from WebSockets/);
          // The answer turn needs the prompt and the tool's result together: the chained turn was expanded.
          expect(answer, detail).toContain(token);
          const turns = rows.filter((r) => r.endpoint === 'responses');
          expect(turns.length, detail).toBeGreaterThanOrEqual(2);
          for (const r of turns) {
            expect(r, detail).toMatchObject({ status: 200, outcome: 'ok', stream: true });
            expect(usageOf(r), detail).toEqual(expectedUsage(upstreamProtocolOf(r)));
          }
        }),
      RUN_TIMEOUT_MS * 4,
    );
  }
});
