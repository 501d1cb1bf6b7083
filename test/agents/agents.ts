// The agent programs under test, where their programs are, and how each is driven
// (drivers/). The installed packages come from the project's devDependencies, or,
// with SWITCHBOARD_AGENTS_DIR set (scripts/agents-latest.sh), from another
// install folder holding the newest published versions.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AgentName, AgentResult, AgentSpec, AgentTask } from './agent-types.js';
import { claudeCode } from './drivers/claude-code.js';
import { codex } from './drivers/codex.js';
import { geminiCli } from './drivers/gemini-cli.js';
import { opencode } from './drivers/opencode.js';

export type { AgentName, AgentResult, AgentSpec, AgentTask } from './agent-types.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The native program of packages whose `bin` is a placeholder until their install
 * script copies the platform's binary over it; the project runs no install scripts.
 * Claude Code ships `cli-wrapper.cjs`, which finds and starts that binary itself;
 * opencode's binary is in its platform package (`opencode-<os>-<arch>`).
 */
function nativeProgram(name: AgentName, packageDir: string): string | undefined {
  switch (name) {
    case 'claude-code': {
      const wrapper = join(packageDir, 'cli-wrapper.cjs');
      return existsSync(wrapper) ? wrapper : undefined;
    }
    case 'opencode': {
      const os = platform() === 'win32' ? 'windows' : platform();
      const pkg = createRequire(join(packageDir, 'package.json')).resolve(`opencode-${os}-${arch()}/package.json`);
      return join(dirname(pkg), 'bin', 'opencode');
    }
    case 'codex':
    case 'gemini-cli':
      return undefined;
    default:
      return name satisfies never;
  }
}

/** A package's program (its `bin` entry unless a native one is needed); JavaScript ones run under this Node. */
function specOf(name: AgentName, packageDir: string): AgentSpec {
  const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string; bin: string | Record<string, string> };
  const bin = nativeProgram(name, packageDir) ?? join(packageDir, typeof pkg.bin === 'string' ? pkg.bin : Object.values(pkg.bin)[0]!);
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
      specOf('opencode', join(modules, 'opencode-ai')),
    ];
  }
  const modules = join(ROOT, 'node_modules');
  return [
    specOf('claude-code', join(modules, 'claude-code-2.1.197')),
    specOf('claude-code', join(modules, 'claude-code-2.1.332')),
    specOf('codex', join(modules, '@openai/codex')),
    specOf('gemini-cli', join(modules, '@google/gemini-cli')),
    specOf('opencode', join(modules, 'opencode-ai')),
  ];
}

export function driveAgent(agent: AgentSpec, task: AgentTask): Promise<AgentResult> {
  switch (agent.name) {
    case 'claude-code':
      return claudeCode(agent, task);
    case 'codex':
      return codex(agent, task);
    case 'gemini-cli':
      return geminiCli(agent, task);
    case 'opencode':
      return opencode(agent, task);
    default:
      return agent.name satisfies never;
  }
}
