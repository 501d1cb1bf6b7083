// Drives the Codex CLI headless.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentResult, AgentSpec, AgentTask } from '../agent-types.js';
import { runAgent } from '../run-agent.js';

/**
 * Codex CLI: `codex exec` with a model provider in CODEX_HOME/config.toml speaking Responses.
 * With `websockets`, the provider says it speaks the Responses WebSocket, and Codex's own log
 * says which transport it used.
 */
export async function codex(agent: AgentSpec, task: AgentTask, options: { websockets?: boolean; webSearch?: boolean } = {}): Promise<AgentResult> {
  const codexHome = join(task.home, '.codex');
  mkdirSync(codexHome, { recursive: true });
  // https://github.com/openai/codex/blob/main/docs/config.md (model_providers; supports_websockets)
  writeFileSync(
    join(codexHome, 'config.toml'),
    [
      `model = "${task.model}"`,
      'model_provider = "switchboard"',
      'check_for_update_on_startup = false',
      // The hosted `web_search` tool on every request (docs/config.md of the Codex repository: `web_search = "live"`).
      ...(options.webSearch ? ['web_search = "live"'] : []),
      '[model_providers.switchboard]',
      'name = "Switchboard"',
      `base_url = "${task.gatewayUrl}/v1"`,
      'env_key = "SWITCHBOARD_KEY"',
      'wire_api = "responses"',
      ...(options.websockets ? ['supports_websockets = true'] : []),
      'request_max_retries = 0',
      'stream_max_retries = 0',
      '[analytics]',
      'enabled = false',
      '',
    ].join('\n'),
  );
  const args = [...agent.prefix, 'exec', '--skip-git-repo-check', '--dangerously-bypass-approvals-and-sandbox', '--output-last-message', join(task.home, 'answer.txt'), task.prompt];
  const run = await runAgent(agent.command, args, {
    cwd: task.cwd,
    home: task.home,
    timeoutMs: task.timeoutMs,
    env: {
      CODEX_HOME: codexHome,
      SWITCHBOARD_KEY: task.key,
      // codex_api logs the socket's handshake (responses_websocket.rs: "successfully connected to Responses WebSocket").
      ...(options.websockets ? { RUST_LOG: 'codex_api=info' } : {}),
    },
  });
  let answer = run.stdout;
  try {
    answer = readFileSync(join(task.home, 'answer.txt'), 'utf8');
  } catch {
    // No final message written: stdout is what there is.
  }
  return { run, answer };
}
