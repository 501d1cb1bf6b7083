import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/**
 * Which CPUs each side of the bench runs on (Linux, taskset from util-linux).
 * The process under test (bare proxy or Switchboard, every thread) gets
 * BENCH_TARGET_CPUS (default 1); the load generators, the fake upstream and
 * the bench itself get BENCH_LOAD_CPUS (default 0). Without it, on two cores,
 * the scheduler lets the generator and the target take turns on both, and the
 * target's throughput measures how much the generator left it. Pinning is
 * skipped, with a note, when taskset is missing or there is only one core.
 */
export interface Pinning {
  target?: string;
  load?: string;
  /** The CPUs each process's threads were allowed on, read back from /proc once they ran. */
  actual?: Record<string, string>;
  /** Why the processes are not pinned, when they are not. */
  note?: string;
}

export function choosePinning(env: NodeJS.ProcessEnv = process.env): Pinning {
  if (env.BENCH_PIN === '0') return { note: 'not pinned (BENCH_PIN=0)' };
  if (process.platform !== 'linux') return { note: `not pinned (taskset is Linux-only; this is ${process.platform})` };
  if (cpus().length < 2) return { note: 'not pinned (one core: generator, upstream and target share it)' };
  if (spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status !== 0) return { note: 'not pinned (taskset not found; it is in util-linux)' };
  return { target: env.BENCH_TARGET_CPUS || '1', load: env.BENCH_LOAD_CPUS || '0' };
}

/** The command line that runs `command` on `cpuList` from its first instruction (all its threads inherit it). */
export function pinned(cpuList: string | undefined, command: string, args: string[]): string[] {
  return cpuList ? ['taskset', '-c', cpuList, command, ...args] : [command, ...args];
}

/** Moves a running process, every thread of it, to `cpuList`. */
export function pinProcess(pid: number, cpuList: string): void {
  execFileSync('taskset', ['-a', '-p', '-c', cpuList, String(pid)], { stdio: 'ignore' });
}

/** The CPUs a process's threads may run on, read back from /proc (their union, e.g. "1" or "0-1"). */
export function affinity(pid: number): string | undefined {
  try {
    const lists = readdirSync(`/proc/${pid}/task`).map((tid) => /^Cpus_allowed_list:\s*(\S+)/m.exec(readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8'))?.[1]);
    return [...new Set(lists.filter(Boolean))].join(' ');
  } catch {
    return undefined; // not Linux, or gone
  }
}
