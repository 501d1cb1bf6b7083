// One-line setup, end to end: each agent's setup script fetched with curl from the real
// gateway and run with sh in a private HOME, then the agent itself run in that HOME with
// nothing else telling it where the gateway is or what the key is. Its one short prompt
// is answered by the fake (`echo: ` and the prompt) and the request log shows the key's
// row. One gateway for the file (test/agents/agent-gateway.ts); each agent gets a key
// limited to the model of its own protocol's fake.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelFor, startAgentRig, type AgentRig, type UpstreamKind } from './agent-gateway.js';
import { installedAgents, type AgentName, type AgentSpec } from './agents.js';
import { runAgent, runFolders, type AgentRun } from './run-agent.js';
import { limit } from './pool.js';
import { createKeyWithLink, runOneLiner } from '../setup/setup-rig.js';

const RUN_TIMEOUT_MS = 90_000;
const ADMIN_KEY = 'sb-admin-agents-0000000000000';

interface Case {
  agent: AgentName;
  script: 'claude' | 'codex' | 'gemini' | 'opencode';
  upstream: UpstreamKind;
  /** Variables of the run besides HOME (folders the agent honours, and switches that keep it from calling home). */
  env(home: string): Record<string, string>;
  args(prompt: string, home: string): string[];
  answer(run: AgentRun, home: string): string;
}

const CASES: Case[] = [
  {
    agent: 'claude-code',
    script: 'claude',
    upstream: 'anthropic',
    // https://docs.anthropic.com/en/docs/claude-code/settings#environment-variables
    env: () => ({ CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', DISABLE_AUTOUPDATER: '1' }),
    args: (prompt) => ['-p', prompt, '--output-format', 'json'],
    answer: (run) => {
      try {
        return String((JSON.parse(run.stdout) as { result?: unknown }).result ?? run.stdout);
      } catch {
        return run.stdout;
      }
    },
  },
  {
    agent: 'codex',
    script: 'codex',
    upstream: 'openai-responses',
    env: (home) => ({ CODEX_HOME: join(home, 'codex-home') }),
    args: (prompt, home) => ['exec', '--skip-git-repo-check', '--output-last-message', join(home, 'answer.txt'), prompt],
    answer: (run, home) => {
      try {
        return readFileSync(join(home, 'answer.txt'), 'utf8');
      } catch {
        return run.stdout;
      }
    },
  },
  {
    agent: 'gemini-cli',
    script: 'gemini',
    upstream: 'gemini',
    // The working folder is trusted without asking (the CLI asks on a terminal otherwise).
    env: () => ({ GEMINI_CLI_TRUST_WORKSPACE: 'true' }),
    args: (prompt) => ['-p', prompt, '--output-format', 'json'],
    answer: (run) => {
      try {
        return String((JSON.parse(run.stdout) as { response?: unknown }).response ?? run.stdout);
      } catch {
        return run.stdout;
      }
    },
  },
  {
    agent: 'opencode',
    script: 'opencode',
    upstream: 'openai-chat',
    // https://opencode.ai/docs/cli/#environment-variables
    env: (home) => ({ XDG_CONFIG_HOME: join(home, 'xdg'), OPENCODE_DISABLE_MODELS_FETCH: '1', OPENCODE_DISABLE_AUTOUPDATE: '1' }),
    args: (prompt) => ['run', prompt],
    answer: (run) => run.stdout,
  },
];

/** The newest installed version of each agent. */
const newest = (name: AgentName): AgentSpec => installedAgents().filter((a) => a.name === name).at(-1)!;

describe('one-line setup, then the agent itself', () => {
  let rig: AgentRig;
  const pool = limit(2);

  beforeAll(async () => {
    rig = await startAgentRig();
  });
  afterAll(async () => {
    await rig?.close();
  });

  for (const c of CASES) {
    it.concurrent(
      `${c.script}.sh sets up ${c.agent}, which then answers through the gateway`,
      () =>
        pool(async () => {
          const agent = newest(c.agent);
          const group = `setup-${c.script}-${randomBytes(4).toString('hex')}`;
          const created = await createKeyWithLink(rig.gw.url, ADMIN_KEY, { name: group, group, models: [modelFor(c.upstream)] });
          const { home, cwd, remove } = runFolders();
          try {
            const setup = await runOneLiner(created.setup.commands[c.script].sh, { HOME: home, ...c.env(home) });
            expect(setup.status, setup.stderr).toBe(0);
            expect(setup.stdout + setup.stderr).not.toContain(created.key);

            const marker = `setup-check-${randomBytes(6).toString('hex')}`;
            const run = await runAgent(agent.command, [...agent.prefix, ...c.args(`Reply with ${marker}`, home)], { cwd, home, timeoutMs: RUN_TIMEOUT_MS, env: c.env(home) });
            const rows = await rig.rowsOf(group);
            const detail = `exit ${run.code}${run.timedOut ? ' (timed out)' : ''}\nstdout: ${run.stdout.slice(-1500)}\nstderr: ${run.stderr.slice(-1500)}\nrows: ${rows.map((r) => `${r.endpoint} ${r.status} ${r.model}`).join(', ')}`;
            expect(c.answer(run, home), detail).toContain(`echo: `);
            expect(c.answer(run, home), detail).toContain(marker);
            expect(rows.length, detail).toBeGreaterThan(0);
            for (const r of rows) expect(r.model, detail).toBe(modelFor(c.upstream));
          } finally {
            remove();
          }
        }),
      RUN_TIMEOUT_MS * 2,
    );
  }
});
