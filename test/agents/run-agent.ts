// Runs one agent program headless: a private HOME, an environment built from
// nothing (so no key or setting of the machine running the tests leaks in), no
// stdin, and a hard time limit. Anything the agent tries to reach besides the
// gateway goes to a proxy on a closed local port and fails at once.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface AgentRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** True when the run was killed for taking longer than its limit. */
  timedOut: boolean;
}

/**
 * Fresh folders for one run: the agent's HOME, and its working directory inside it
 * (agents treat a HOME as cwd differently). `remove()` deletes both once the run is
 * judged (an agent leaves megabytes of sessions, logs and caches behind).
 */
export function runFolders(): { home: string; cwd: string; remove(): void } {
  const home = mkdtempSync(join(tmpdir(), 'switchboard-agent-'));
  const cwd = join(home, 'work');
  mkdirSync(cwd);
  return { home, cwd, remove: () => rmSync(home, { recursive: true, force: true }) };
}

/** Port 9 (discard) has no listener here: connections to it are refused at once. */
const DEAD_PROXY = 'http://127.0.0.1:9';

export function runAgent(command: string, args: string[], opts: { cwd: string; home: string; env: Record<string, string>; timeoutMs: number }): Promise<AgentRun> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: opts.home,
    TMPDIR: opts.home,
    LANG: 'C.UTF-8',
    TERM: 'dumb',
    CI: 'true',
    NO_COLOR: '1',
    HTTP_PROXY: DEAD_PROXY,
    HTTPS_PROXY: DEAD_PROXY,
    http_proxy: DEAD_PROXY,
    https_proxy: DEAD_PROXY,
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
    ...opts.env,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // The agents start helpers of their own; killing the process group ends them too.
    const killGroup = (): void => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // The group is gone already.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, opts.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      killGroup(); // helpers the agent left behind
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}
