// The Codex CLI over the Responses WebSocket: the same tool loop as agents.test.ts, with
// the provider saying it speaks WebSockets (`supports_websockets = true`), so Codex opens
// GET /v1/responses and sends each turn as a response.create frame: a warm-up
// (generate: false), then turns that carry only their new items chained by
// previous_response_id with store: false, which the socket's memory of its last response
// turns back into the whole conversation for the upstream. Every upstream kind.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentPrompt } from '../fakes/agent-scenario.js';
import { expectedUsage, modelFor, startAgentRig, upstreamProtocolOf, UPSTREAM_KINDS, type AgentRig } from './agent-gateway.js';
import { installedAgents, type AgentSpec } from './agents.js';
import { limit } from './pool.js';
import { runAgent, runFolders } from './run-agent.js';

const POOL = 3;
const RUN_TIMEOUT_MS = 90_000;

/** `codex exec` on a provider that speaks Responses over WebSockets; Codex's own log says which transport it used. */
async function codexOverSocket(agent: AgentSpec, gatewayUrl: string, key: string, model: string, prompt: string, home: string, cwd: string) {
  const codexHome = join(home, '.codex');
  mkdirSync(codexHome, { recursive: true });
  // https://github.com/openai/codex/blob/main/docs/config.md (model_providers; supports_websockets)
  writeFileSync(
    join(codexHome, 'config.toml'),
    [
      `model = "${model}"`,
      'model_provider = "switchboard"',
      'check_for_update_on_startup = false',
      '[model_providers.switchboard]',
      'name = "Switchboard"',
      `base_url = "${gatewayUrl}/v1"`,
      'env_key = "SWITCHBOARD_KEY"',
      'wire_api = "responses"',
      'supports_websockets = true',
      'request_max_retries = 0',
      'stream_max_retries = 0',
      '[analytics]',
      'enabled = false',
      '',
    ].join('\n'),
  );
  const answerFile = join(home, 'answer.txt');
  const args = [...agent.prefix, 'exec', '--skip-git-repo-check', '--dangerously-bypass-approvals-and-sandbox', '--output-last-message', answerFile, prompt];
  const run = await runAgent(agent.command, args, {
    cwd,
    home,
    timeoutMs: RUN_TIMEOUT_MS,
    // codex_api logs the socket's handshake (responses_websocket.rs: "successfully connected to Responses WebSocket").
    env: { CODEX_HOME: codexHome, SWITCHBOARD_KEY: key, RUST_LOG: 'codex_api=info' },
  });
  let answer = run.stdout;
  try {
    answer = readFileSync(answerFile, 'utf8');
  } catch {
    // No final message written: stdout is what there is.
  }
  return { run, answer };
}

const codex = installedAgents().find((a) => a.name === 'codex');

describe.skipIf(!codex)('the Codex CLI over the Responses WebSocket, on every upstream kind', () => {
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
      `codex ${codex?.version} on ${upstream}: the tool loop over one socket, no fallback to HTTP, one row with the upstream's tokens per turn`,
      () =>
        pool(async () => {
          const { home, cwd, remove } = runFolders();
          const token = `agent-token-${randomBytes(8).toString('hex')}`;
          const file = join(cwd, 'note.txt');
          writeFileSync(file, `${token}\n`);
          const { key, group } = rig.newKey();
          const { run, answer } = await codexOverSocket(codex!, rig.gw.url, key, modelFor(upstream), agentPrompt(file), home, cwd).finally(remove);
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
            expect({ inputTokens: r.inputTokens, cacheReadTokens: r.cacheReadTokens, cacheWriteTokens: r.cacheWriteTokens, outputTokens: r.outputTokens, reasoningTokens: r.reasoningTokens }, detail).toEqual(
              expectedUsage(upstreamProtocolOf(r)),
            );
          }
        }),
      RUN_TIMEOUT_MS * 4,
    );
  }
});
