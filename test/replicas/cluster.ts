import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCli, stop } from '../helpers/cli.js';

/**
 * N real gateway processes, each `switchboard start --config FILE` on the same
 * config file (so the same database and counters), as an operator runs
 * replicas. A replica can be killed (SIGKILL: no flush, no goodbye) and
 * started again on its old port, as a process manager would.
 */
export interface Replica {
  index: number;
  url: string;
  port: number;
  child: ChildProcess;
  /** What the process printed so far (stdout and stderr). */
  output(): string;
}

export interface Cluster {
  replicas: Replica[];
  /** URLs of the replicas that are running. */
  urls(): string[];
  /** Sends a signal and waits for the process to exit. */
  kill(index: number, signal?: NodeJS.Signals): Promise<void>;
  /** Starts a stopped replica again on its port. */
  restart(index: number): Promise<Replica>;
  /** Stops every replica (SIGTERM, so they flush) and removes the config folder. */
  close(): Promise<void>;
}

export const ADMIN_KEY = 'sb-admin-replicas-000000000000000';
/**
 * How long a gateway process may take to listen. A start loads and compiles
 * the whole program (tsx) and migrates the database: about 2 s on a quiet
 * machine, ten times that on a busy one (tests of other files running at
 * once on few cores). Tests that start a process allow this much more time.
 */
export const START_MS = 60_000;
export const SECRET = 'replicas-secret-0000000000000000';

/** Writes `config` (server, admin key and secret filled in) and starts `replicas` processes on it. */
export async function startCluster(options: { replicas: number; config: Record<string, unknown> }): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-replicas-'));
  const file = join(dir, 'switchboard.yaml');
  const config = { server: { host: '127.0.0.1', port: 0 }, adminKey: ADMIN_KEY, secret: SECRET, ...options.config };
  // JSON is YAML: the CLI reads this file as any operator's.
  writeFileSync(file, JSON.stringify(config, null, 2));

  const running = new Map<number, Replica>();
  const start = async (index: number, port?: number): Promise<Replica> => {
    const args = ['--config', file, ...(port !== undefined ? ['--port', String(port)] : [])];
    const { child, url, output } = await startCli(args, {}, START_MS);
    const replica = { index, url, port: Number(new URL(url).port), child, output };
    running.set(index, replica);
    return replica;
  };

  // All at once, as compose or a process manager starts them: migrating and applying the config file take a lock.
  const started = await Promise.allSettled(Array.from({ length: options.replicas }, (_, i) => start(i)));
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await Promise.all([...running.values()].map((r) => stop(r.child, 'SIGKILL')));
    rmSync(dir, { recursive: true, force: true });
    throw failed.reason;
  }
  const replicas = started.map((s) => (s as PromiseFulfilledResult<Replica>).value);

  return {
    replicas,
    urls: () => [...running.values()].sort((a, b) => a.index - b.index).map((r) => r.url),
    async kill(index, signal = 'SIGKILL') {
      const replica = running.get(index);
      if (!replica) return;
      running.delete(index);
      await stop(replica.child, signal);
    },
    async restart(index) {
      const replica = await start(index, replicas[index].port);
      replicas[index] = replica;
      return replica;
    },
    async close() {
      await Promise.all([...running.values()].map((r) => stopWithin(r.child, 10_000)));
      running.clear();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** SIGTERM (the replica flushes its usage rows), then SIGKILL if it has not exited in `ms`. */
async function stopWithin(child: ChildProcess, ms: number): Promise<void> {
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  await stop(child, 'SIGTERM');
  clearTimeout(timer);
}
