// Drives Claude Code headless.
import type { AgentResult, AgentSpec, AgentTask } from '../agent-types.js';
import { runAgent } from '../run-agent.js';

/**
 * Claude Code: `claude -p` with JSON output. Every model tier (and the small
 * model of side requests such as titles) is pointed at the test's model, so
 * the whole run goes to one upstream.
 */
export async function claudeCode(agent: AgentSpec, task: AgentTask, options: { allowedTools?: string[]; env?: Record<string, string> } = {}): Promise<AgentResult> {
  // `--allowedTools`: tools that run without asking (headless, nothing else may ask), such as WebSearch.
  const allowed = options.allowedTools?.length ? ['--allowedTools', options.allowedTools.join(',')] : [];
  const run = await runAgent(agent.command, [...agent.prefix, '-p', task.prompt, '--output-format', 'json', '--model', task.model, ...allowed], {
    cwd: task.cwd,
    home: task.home,
    timeoutMs: task.timeoutMs,
    env: {
      ANTHROPIC_BASE_URL: task.gatewayUrl,
      ANTHROPIC_API_KEY: task.key,
      ANTHROPIC_SMALL_FAST_MODEL: task.model,
      ANTHROPIC_DEFAULT_HAIKU_MODEL: task.model,
      ANTHROPIC_DEFAULT_SONNET_MODEL: task.model,
      ANTHROPIC_DEFAULT_OPUS_MODEL: task.model,
      // https://docs.anthropic.com/en/docs/claude-code/settings#environment-variables
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_AUTOUPDATER: '1',
      DISABLE_TELEMETRY: '1',
      DISABLE_ERROR_REPORTING: '1',
      ...options.env,
    },
  });
  let answer = run.stdout;
  try {
    const out = JSON.parse(run.stdout) as { result?: unknown };
    if (typeof out.result === 'string') answer = out.result;
  } catch {
    // Not JSON: the raw output is the answer, and the test shows it.
  }
  return { run, answer };
}
