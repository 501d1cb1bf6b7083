// The agent programs under test and how each is driven headless against the
// gateway. The installed packages come from the project's devDependencies, or,
// with SWITCHBOARD_AGENTS_DIR set (scripts/agents-latest.sh), from another
// install folder holding the newest published versions.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAgent, type AgentRun } from './run-agent.js';

export type AgentName = 'claude-code' | 'codex' | 'gemini-cli';

export interface AgentSpec {
  name: AgentName;
  version: string;
  /** The program to start and the arguments that come before the agent's own. */
  command: string;
  prefix: string[];
}

export interface AgentTask {
  gatewayUrl: string;
  key: string;
  model: string;
  prompt: string;
  /** The run's folder: HOME and working directory. */
  dir: string;
  timeoutMs: number;
}

export interface AgentResult {
  run: AgentRun;
  /** The agent's final answer as it reports it. */
  answer: string;
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Claude Code's `bin/claude.exe` is a placeholder until its install script copies
 * the platform's native binary over it; the project runs no install scripts, and
 * the package's own `cli-wrapper.cjs` finds and starts that binary instead.
 */
const PROGRAM_WITHOUT_INSTALL_SCRIPT: Partial<Record<AgentName, string>> = { 'claude-code': 'cli-wrapper.cjs' };

/** A package's program: its `bin` entry; JavaScript ones run under this Node. */
function specOf(name: AgentName, packageDir: string): AgentSpec {
  const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string; bin: string | Record<string, string> };
  const wrapper = PROGRAM_WITHOUT_INSTALL_SCRIPT[name];
  const bin =
    wrapper && existsSync(join(packageDir, wrapper))
      ? join(packageDir, wrapper)
      : join(packageDir, typeof pkg.bin === 'string' ? pkg.bin : Object.values(pkg.bin)[0]!);
  const isScript = /\.(c|m)?js$/.test(bin);
  return { name, version: pkg.version, command: isScript ? process.execPath : bin, prefix: isScript ? [bin] : [] };
}

/** The agents to test: the pinned devDependencies, or the install in SWITCHBOARD_AGENTS_DIR. */
export function installedAgents(): AgentSpec[] {
  const other = process.env.SWITCHBOARD_AGENTS_DIR;
  if (other) {
    const modules = join(other, 'node_modules');
    return [
      specOf('claude-code', join(modules, '@anthropic-ai/claude-code')),
      specOf('codex', join(modules, '@openai/codex')),
      specOf('gemini-cli', join(modules, '@google/gemini-cli')),
    ];
  }
  const modules = join(ROOT, 'node_modules');
  return [
    specOf('claude-code', join(modules, 'claude-code-2.1.197')),
    specOf('claude-code', join(modules, 'claude-code-2.1.332')),
    specOf('codex', join(modules, '@openai/codex')),
    specOf('gemini-cli', join(modules, '@google/gemini-cli')),
  ];
}

/**
 * Claude Code: `claude -p` with JSON output. Every model tier (and the small
 * model of side requests such as titles) is pointed at the test's model, so
 * the whole run goes to one upstream.
 */
async function claudeCode(agent: AgentSpec, task: AgentTask): Promise<AgentResult> {
  const run = await runAgent(agent.command, [...agent.prefix, '-p', task.prompt, '--output-format', 'json', '--model', task.model], {
    cwd: task.dir,
    home: task.dir,
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

/** Codex CLI: `codex exec` with a model provider in CODEX_HOME/config.toml speaking Responses. */
async function codex(agent: AgentSpec, task: AgentTask): Promise<AgentResult> {
  const codexHome = join(task.dir, '.codex');
  mkdirSync(codexHome, { recursive: true });
  // https://github.com/openai/codex/blob/main/docs/config.md (model_providers)
  writeFileSync(
    join(codexHome, 'config.toml'),
    [
      `model = "${task.model}"`,
      'model_provider = "switchboard"',
      'check_for_update_on_startup = false',
      '[model_providers.switchboard]',
      'name = "Switchboard"',
      `base_url = "${task.gatewayUrl}/v1"`,
      'env_key = "SWITCHBOARD_KEY"',
      'wire_api = "responses"',
      'request_max_retries = 0',
      'stream_max_retries = 0',
      '[analytics]',
      'enabled = false',
      '',
    ].join('\n'),
  );
  const args = [...agent.prefix, 'exec', '--skip-git-repo-check', '--dangerously-bypass-approvals-and-sandbox', '--output-last-message', join(task.dir, 'answer.txt'), task.prompt];
  const run = await runAgent(agent.command, args, {
    cwd: task.dir,
    home: task.dir,
    timeoutMs: task.timeoutMs,
    env: { CODEX_HOME: codexHome, SWITCHBOARD_KEY: task.key },
  });
  let answer = run.stdout;
  try {
    answer = readFileSync(join(task.dir, 'answer.txt'), 'utf8');
  } catch {
    // No final message written: stdout is what there is.
  }
  return { run, answer };
}

/** Gemini CLI: `gemini -p` with an API key and the gateway as its Gemini endpoint. */
async function geminiCli(agent: AgentSpec, task: AgentTask): Promise<AgentResult> {
  mkdirSync(join(task.dir, '.gemini'), { recursive: true });
  // https://github.com/google-gemini/gemini-cli/blob/main/docs/get-started/configuration.md
  writeFileSync(
    join(task.dir, '.gemini', 'settings.json'),
    JSON.stringify({
      security: { auth: { selectedType: 'gemini-api-key' } },
      privacy: { usageStatisticsEnabled: false },
      telemetry: { enabled: false },
      general: { disableAutoUpdate: true, disableUpdateNag: true },
    }),
  );
  const run = await runAgent(agent.command, [...agent.prefix, '-p', task.prompt, '-m', task.model, '--output-format', 'json'], {
    cwd: task.dir,
    home: task.dir,
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

export function driveAgent(agent: AgentSpec, task: AgentTask): Promise<AgentResult> {
  switch (agent.name) {
    case 'claude-code':
      return claudeCode(agent, task);
    case 'codex':
      return codex(agent, task);
    case 'gemini-cli':
      return geminiCli(agent, task);
    default:
      return agent.name satisfies never;
  }
}
