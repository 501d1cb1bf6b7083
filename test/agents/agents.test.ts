// The real agent programs (Claude Code, Codex CLI, Gemini CLI), headless, through
// the gateway to every upstream kind's fake: pass-through where the shapes match,
// translated otherwise. Each run is a streamed, multi-step tool loop: the agent is
// asked to read a file holding a random token with its own tool; the fake answers
// the first turn with a call to that tool and the turn carrying the tool's result
// with the token (test/fakes/agent-scenario.ts). The run passes when the agent's
// final answer holds the token and every request_log row of the run is ok with
// the upstream's own token figures.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogRecord } from '../../src/store/types.js';
import { agentPrompt } from '../fakes/agent-scenario.js';
import { expectedUsage, modelFor, startAgentRig, upstreamProtocolOf, usageOf, UPSTREAM_KINDS, type AgentRig, type UpstreamKind } from './agent-gateway.js';
import { driveAgent, installedAgents, type AgentName, type AgentResult, type AgentSpec } from './agents.js';
import { limit } from './pool.js';
import { runFolders } from './run-agent.js';

/**
 * Runs that fail today for a reason owned elsewhere, each with that reason.
 * They run as `it.fails`, so a fix turns them into a failure here, to be
 * removed from this list. Versions: a prefix of the agent's version, or '*'.
 */
const KNOWN_FAILURES: readonly { agent: AgentName; version: string; upstream: UpstreamKind; reason: string }[] = [];

/** At most this many agents run at once (the test machines have two cores). */
const POOL = 3;
const RUN_TIMEOUT_MS = 90_000;

const knownFailure = (agent: AgentSpec, upstream: UpstreamKind) =>
  process.env.SWITCHBOARD_AGENTS_DIR
    ? undefined // the newest versions show what they show
    : KNOWN_FAILURES.find((f) => f.agent === agent.name && (f.version === '*' || agent.version.startsWith(f.version)) && f.upstream === upstream);

/** What to show when a run fails: the agent's output and the rows, short. */
function report(result: AgentResult, rows: LogRecord[]): string {
  const row = (r: LogRecord) => `${r.endpoint} ${r.status} ${r.outcome} ${r.translation ?? 'pass-through'}${r.error ? ` ${r.error}` : ''}`;
  return [
    `exit ${result.run.code}${result.run.timedOut ? ' (timed out)' : ''}`,
    `answer: ${result.answer.slice(0, 600)}`,
    `stderr: ${result.run.stderr.slice(-1500)}`,
    `rows:\n  ${rows.map(row).join('\n  ')}`,
  ].join('\n');
}

describe('real agents through the gateway, on every upstream kind', () => {
  let rig: AgentRig;
  const pool = limit(POOL);

  beforeAll(async () => {
    rig = await startAgentRig();
  });
  afterAll(async () => {
    await rig?.close();
  });

  for (const agent of installedAgents()) {
    for (const upstream of UPSTREAM_KINDS) {
      const known = knownFailure(agent, upstream);
      const title = `${agent.name} ${agent.version} on ${upstream}: reads the file with its own tool and answers with its token${known ? ` (fails today: ${known.reason})` : ''}`;
      (known ? it.concurrent.fails : it.concurrent)(
        title,
        () =>
          pool(async () => {
            const { home, cwd, remove } = runFolders();
            const token = `agent-token-${randomBytes(8).toString('hex')}`;
            const file = join(cwd, 'note.txt');
            writeFileSync(file, `${token}\n`);
            const { key, group } = rig.newKey();
            const result = await driveAgent(agent, { gatewayUrl: rig.gw.url, key, model: modelFor(upstream), prompt: agentPrompt(file), home, cwd, timeoutMs: RUN_TIMEOUT_MS }).finally(remove);
            const rows = await rig.rowsOf(group);
            const detail = report(result, rows);
            if (process.env.SWITCHBOARD_AGENTS_VERBOSE) console.log(`${title}\n${detail}`);

            expect(result.answer, detail).toContain(token);
            for (const r of rows) expect(r.outcome, detail).toBe('ok');
            // Both steps of the tool loop, streamed, each with the upstream's own token figures.
            const generated = rows.filter((r) => r.endpoint !== 'count_tokens' && r.endpoint !== 'models');
            expect(generated.filter((r) => r.stream).length, detail).toBeGreaterThanOrEqual(2);
            for (const r of generated) expect(usageOf(r), `${detail}\nrow ${r.id}`).toEqual(expectedUsage(upstreamProtocolOf(r)));
          }),
        RUN_TIMEOUT_MS * 4,
      );
    }
  }
});
