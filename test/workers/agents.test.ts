// The real agent programs (Claude Code, Codex CLI over HTTP and over its WebSocket,
// Gemini CLI, opencode), headless, through the suite's gateway: the same streamed
// tool loop test/agents runs on Node (test/fakes/agent-scenario.ts: the fake answers
// the first turn with a call to the agent's file-reading tool and the turn carrying
// its result with the file's token). Each agent runs twice: on the upstream that
// speaks its own shape (passed through) and on one that does not (translated). A run
// passes when the final answer holds the token and the run's rows, read over the
// admin API by its own key, are ok, streamed and carry the upstream's token figures.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../src/store/types.js';
import { expectedUsage, upstreamProtocolOf, usageOf } from '../agents/agent-gateway.js';
import { driveAgent, installedAgents, type AgentName, type AgentResult, type AgentSpec } from '../agents/agents.js';
import { codex } from '../agents/drivers/codex.js';
import { limit } from '../agents/pool.js';
import { runFolders } from '../agents/run-agent.js';
import { agentPrompt } from '../fakes/agent-scenario.js';
import { admin, target } from './client.js';
import { AGENT_KEYS } from './suite.js';

type Model = 'gpt-pass' | 'claude-pass' | 'gemini-pass';

/** The model whose upstream speaks each agent's shape. */
const NATIVE: Record<AgentName, Model> = { 'claude-code': 'claude-pass', codex: 'gpt-pass', 'gemini-cli': 'gemini-pass', opencode: 'gpt-pass' };

/**
 * The translated run of each agent: chosen so the runs together cross six
 * different translations rather than repeat one (the two Claude Code versions
 * take different ones; so do Codex over HTTP and over its socket).
 */
function translatedModel(agent: AgentName, variant: number): Model {
  switch (agent) {
    case 'claude-code':
      return variant === 0 ? 'gpt-pass' : 'gemini-pass';
    case 'codex':
      return variant === 0 ? 'claude-pass' : 'gemini-pass';
    case 'gemini-cli':
      return 'gpt-pass';
    case 'opencode':
      return 'claude-pass';
    default:
      return agent satisfies never;
  }
}

interface Case {
  agent: AgentSpec;
  websockets: boolean;
  model: Model;
  translated: boolean;
  key: { name: string; key: string };
}

function cases(): Case[] {
  const out: Omit<Case, 'key'>[] = [];
  const seen = new Map<AgentName, number>();
  for (const agent of installedAgents()) {
    const transports = agent.name === 'codex' ? [false, true] : [false];
    for (const websockets of transports) {
      const variant = seen.get(agent.name) ?? 0;
      seen.set(agent.name, variant + 1);
      out.push({ agent, websockets, model: NATIVE[agent.name], translated: false });
      out.push({ agent, websockets, model: translatedModel(agent.name, variant), translated: true });
    }
  }
  if (out.length > AGENT_KEYS.length) throw new Error(`${out.length} runs but suite.ts has ${AGENT_KEYS.length} agent keys`);
  return out.map((c, i) => ({ ...c, key: AGENT_KEYS[i]! }));
}

/** At most this many agents run at once: the machines have two cores, and the gateway runs beside them. */
const POOL = 3;
const RUN_TIMEOUT_MS = 90_000;
/** Rows land as each request ends; the run's rows are complete once two reads this far apart agree. */
const SETTLE_MS = 400;

/** A row as GET /admin/api/logs gives it: the stored record, as JSON. */
type Row = LogRecord;

/** The run's rows, oldest first, over the admin API. */
async function rowsOf(keyName: string): Promise<Row[]> {
  const read = async (): Promise<Row[]> => {
    const page = await admin('GET', `/logs?key=${encodeURIComponent(keyName)}&limit=100`);
    if (page.status !== 200) throw new Error(`GET /logs?key=${keyName}: ${page.status} ${JSON.stringify(page.body)}`);
    return (page.body.data as Row[]).reverse();
  };
  let rows = await read();
  const until = Date.now() + 10_000;
  for (;;) {
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const again = await read();
    if ((again.length === rows.length && again.length > 0) || Date.now() > until) return again;
    rows = again;
  }
}

function report(result: AgentResult, rows: Row[]): string {
  const row = (r: Row) => `${r.endpoint} ${r.status} ${r.outcome} ${r.stream ? 'stream' : 'whole'} ${r.translation ?? 'pass-through'}${r.error ? ` ${r.error}` : ''}`;
  return [
    `exit ${result.run.code}${result.run.timedOut ? ' (timed out)' : ''}`,
    `answer: ${result.answer.slice(0, 600)}`,
    `stderr: ${result.run.stderr.slice(-1500)}`,
    `rows:\n  ${rows.map(row).join('\n  ')}`,
  ].join('\n');
}

describe('real agents through the gateway', () => {
  const pool = limit(POOL);

  for (const c of cases()) {
    const how = c.translated ? 'translated' : 'passed through';
    const title = `${c.agent.name} ${c.agent.version}${c.websockets ? ' over its WebSocket' : ''} on ${c.model} (${how}): reads the file with its own tool and answers with its token`;
    it.concurrent(
      title,
      () =>
        pool(async () => {
          const { home, cwd, remove } = runFolders();
          const token = `agent-token-${randomBytes(8).toString('hex')}`;
          const file = join(cwd, 'note.txt');
          writeFileSync(file, `${token}\n`);
          const task = { gatewayUrl: target().url, key: c.key.key, model: c.model, prompt: agentPrompt(file), home, cwd, timeoutMs: RUN_TIMEOUT_MS };
          const result = await (c.websockets ? codex(c.agent, task, { websockets: true }) : driveAgent(c.agent, task)).finally(remove);
          const rows = await rowsOf(c.key.name);
          const detail = report(result, rows);
          if (process.env.SWITCHBOARD_AGENTS_VERBOSE) console.log(`${title}\n${detail}`);

          expect(result.answer, detail).toContain(token);
          if (c.websockets) {
            expect(result.run.stderr, detail).toMatch(/connected to Responses WebSocket status=101/);
            expect(result.run.stderr, detail).not.toMatch(/Falling back from WebSockets/);
          }
          for (const r of rows) expect(r.outcome, detail).toBe('ok');
          // Both steps of the tool loop, streamed, each with the upstream's own token figures.
          const generated = rows.filter((r) => r.endpoint !== 'count_tokens' && r.endpoint !== 'models');
          expect(generated.filter((r) => r.stream).length, detail).toBeGreaterThanOrEqual(2);
          for (const r of generated) {
            expect(r.translation !== null, `${detail}\nrow ${r.id}`).toBe(c.translated);
            expect(usageOf(r), `${detail}\nrow ${r.id}`).toEqual(expectedUsage(upstreamProtocolOf(r)));
          }
        }),
      RUN_TIMEOUT_MS * 4,
    );
  }
});
