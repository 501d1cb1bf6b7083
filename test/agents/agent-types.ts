// What the agent tests know of an agent program and of one run of it.
import type { AgentRun } from './run-agent.js';

export type AgentName = 'claude-code' | 'codex' | 'gemini-cli' | 'opencode';

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
  /** The agent's private HOME (its settings go here). */
  home: string;
  /** Its working directory. */
  cwd: string;
  timeoutMs: number;
}

export interface AgentResult {
  run: AgentRun;
  /** The agent's final answer as it reports it. */
  answer: string;
}
