import { spawn, type ChildProcess } from 'node:child_process';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, ChildStats } from './child.js';
import { pinned } from './pin.js';

/**
 * The parent side: forks each server (fake upstream, bare proxy, Switchboard)
 * into its own Node process, as plain JavaScript once runCompiledChildren()
 * names where it is, else TypeScript through tsx, so none of them
 * shares an event loop with the load generator or with each other, started
 * under taskset when given CPUs (the node process replaces taskset, so every
 * thread it makes is pinned from the start). Every child is tracked and killed
 * on exit, error or Ctrl-C.
 */
export interface Child {
  name: string;
  url: string;
  pid: number;
  /** Processes that serve beside it (the Worker's wrangler host): their CPU per request is reported with its own. */
  companions?: Child[];
  /** CPU time and event-loop delay since the previous call. */
  stats(): Promise<ChildStats>;
  /** Asks the child to close cleanly; SIGKILL after `graceMs`. Resolves with its report. */
  stop(graceMs?: number): Promise<Record<string, unknown>>;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const live = new Set<ChildProcess>();
/** Where the children's plain JavaScript is (bench/compile-children.ts); without it they run through tsx. */
let compiled: string | undefined;

export function runCompiledChildren(dir: string | undefined): void {
  compiled = dir;
}

export async function startChild(
  name: string,
  file: string,
  args: string[] = [],
  options: { nodeArgs?: string[]; readyMs?: number; cpus?: string } = {},
): Promise<Child> {
  const script = compiled ? join(compiled, basename(file).replace(/\.ts$/, '.js')) : fileURLToPath(new URL(file, import.meta.url));
  const loader = compiled ? [] : ['--import', 'tsx'];
  const [command, ...rest] = pinned(options.cpus, process.execPath, [...loader, ...(options.nodeArgs ?? []), script, ...args]);
  // spawn with an 'ipc' stdio slot is fork() without its fixed command: the channel survives taskset's exec.
  const proc = spawn(command, rest, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  live.add(proc);
  proc.once('exit', () => live.delete(proc));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within ${options.readyMs ?? 20_000} ms`)), options.readyMs ?? 20_000);
    const onExit = (code: number | null) => reject(new Error(`${name} exited with code ${code} before it was ready`));
    proc.once('exit', onExit);
    proc.on('message', (message: ChildMessage) => {
      if (message.type !== 'ready') return;
      clearTimeout(timer);
      proc.off('exit', onExit);
      resolve(message.url);
    });
  }).catch((err: unknown) => {
    proc.kill('SIGKILL');
    throw err;
  });

  // A child that dies in the middle of a run would make every later figure a lie.
  const onCrash = (code: number | null, signal: NodeJS.Signals | null) => {
    console.error(`\n${name} (pid ${proc.pid}) exited unexpectedly (code ${code}, signal ${signal})`);
    killAll();
    process.exit(1);
  };
  proc.once('exit', onCrash);

  return {
    name,
    url,
    pid: proc.pid ?? -1,
    stats() {
      return new Promise((resolve) => {
        const onMessage = (message: ChildMessage) => {
          if (message.type !== 'stats') return;
          proc.off('message', onMessage);
          resolve(message.stats);
        };
        proc.on('message', onMessage);
        proc.send({ type: 'stats' });
      });
    },
    stop(graceMs = 10_000) {
      proc.off('exit', onCrash);
      if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve({});
      return new Promise((resolve) => {
        let report: Record<string, unknown> = {};
        const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
        proc.on('message', (message: ChildMessage) => {
          if (message.type === 'stopped') report = message.report;
        });
        proc.once('exit', () => {
          clearTimeout(timer);
          resolve(report);
        });
        proc.send({ type: 'stop' });
      });
    },
  };
}

/** Kills every child still running (by its own pid). Safe to call more than once. */
export function killAll(): void {
  for (const proc of live) proc.kill('SIGKILL');
  live.clear();
}

process.once('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}
