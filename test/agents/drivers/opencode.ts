// Drives opencode headless: `opencode run` with a provider of its own config
// speaking OpenAI Chat Completions (the AI SDK's OpenAI-compatible provider,
// built into opencode), so the Chat client shape has a real agent too.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentResult, AgentSpec, AgentTask } from '../agent-types.js';
import { runAgent } from '../run-agent.js';

export async function opencode(agent: AgentSpec, task: AgentTask): Promise<AgentResult> {
  const configDir = join(task.home, '.config', 'opencode');
  mkdirSync(configDir, { recursive: true });
  // https://opencode.ai/docs/config/ and https://opencode.ai/docs/providers/#custom-provider
  writeFileSync(
    join(configDir, 'opencode.json'),
    JSON.stringify({
      provider: {
        switchboard: {
          npm: '@ai-sdk/openai-compatible',
          name: 'Switchboard',
          options: { baseURL: `${task.gatewayUrl}/v1`, apiKey: task.key },
          models: { [task.model]: { name: task.model, tool_call: true } },
        },
      },
      // The title of the session is a side request on the small model: the same one here.
      model: `switchboard/${task.model}`,
      small_model: `switchboard/${task.model}`,
      autoupdate: false,
      share: 'disabled',
    }),
  );
  const run = await runAgent(agent.command, [...agent.prefix, 'run', task.prompt], {
    cwd: task.cwd,
    home: task.home,
    timeoutMs: task.timeoutMs,
    // https://opencode.ai/docs/cli/#environment-variables
    env: { OPENCODE_DISABLE_MODELS_FETCH: '1', OPENCODE_DISABLE_AUTOUPDATE: '1' },
  });
  return { run, answer: run.stdout };
}
