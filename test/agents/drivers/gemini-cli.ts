// Drives the Gemini CLI headless.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentResult, AgentSpec, AgentTask } from '../agent-types.js';
import { runAgent } from '../run-agent.js';

/** Gemini CLI: `gemini -p` with an API key and the gateway as its Gemini endpoint. */
export async function geminiCli(agent: AgentSpec, task: AgentTask): Promise<AgentResult> {
  mkdirSync(join(task.home, '.gemini'), { recursive: true });
  // https://github.com/google-gemini/gemini-cli/blob/main/docs/get-started/configuration.md
  writeFileSync(
    join(task.home, '.gemini', 'settings.json'),
    JSON.stringify({
      security: { auth: { selectedType: 'gemini-api-key' } },
      privacy: { usageStatisticsEnabled: false },
      telemetry: { enabled: false },
      general: { disableAutoUpdate: true, disableUpdateNag: true },
    }),
  );
  const run = await runAgent(agent.command, [...agent.prefix, '-p', task.prompt, '-m', task.model, '--output-format', 'json'], {
    cwd: task.cwd,
    home: task.home,
    timeoutMs: task.timeoutMs,
    env: { GEMINI_API_KEY: task.key, GOOGLE_GEMINI_BASE_URL: task.gatewayUrl, GEMINI_CLI_TRUST_WORKSPACE: 'true' },
  });
  let answer = run.stdout;
  try {
    const out = JSON.parse(run.stdout) as { response?: unknown };
    if (typeof out.response === 'string') answer = out.response;
  } catch {
    // Not JSON: the raw output is the answer.
  }
  return { run, answer };
}
