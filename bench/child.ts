import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * The child side of a bench process: start a server, tell the parent its URL
 * over IPC, and stop cleanly when asked (so `--cpu-prof` can write its file)
 * or when the parent goes away.
 */
export interface Served {
  url: string;
  close(): Promise<unknown>;
  /** Extra facts for the parent, sent with the stop acknowledgement. */
  report?: () => Promise<Record<string, unknown>>;
}

/** Since the previous `stats` message: CPU time of the whole process (all threads) and event-loop stalls. */
export interface ChildStats {
  cpuMicros: number;
  /** CPU time since the process started. */
  cpuTotalMicros: number;
  loopDelayMs: { p50: number; p99: number; max: number };
}

export type ParentMessage = { type: 'stop' } | { type: 'stats' };
export type ChildMessage =
  | { type: 'ready'; url: string }
  | { type: 'stats'; stats: ChildStats }
  | { type: 'stopped'; report: Record<string, unknown> };

const LOOP_RESOLUTION_MS = 10;

export function runAsChild(start: () => Promise<Served>): void {
  if (!process.send) throw new Error('run this file through bench/run.ts (it needs an IPC channel)');
  // A 10 ms timer: at 1 ms it would wake the process under test a thousand times a second.
  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  loop.enable();
  let cpu = process.cpuUsage();
  const stats = (): ChildStats => {
    const used = process.cpuUsage(cpu);
    cpu = process.cpuUsage();
    const ms = (ns: number) => Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS); // less the timer's own interval
    const loopDelayMs = { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max) };
    loop.reset();
    return { cpuMicros: used.user + used.system, cpuTotalMicros: cpu.user + cpu.system, loopDelayMs };
  };
  const send = (message: ChildMessage) => new Promise<void>((resolve) => process.send?.(message, undefined, {}, () => resolve()));
  // The parent died or closed the channel (maybe while this process was still loading): nothing is left to serve.
  process.on('disconnect', () => process.exit(0));
  if (!process.connected) process.exit(0);
  start().then(
    (served) => {
      if (!process.connected) process.exit(0);
      process.on('message', (message: ParentMessage) => {
        if (message?.type === 'stats') return void send({ type: 'stats', stats: stats() });
        if (message?.type !== 'stop') return;
        void (async () => {
          await served.close();
          const report = served.report ? await served.report() : {};
          await send({ type: 'stopped', report });
          process.exit(0);
        })().catch((err: unknown) => {
          console.error(err);
          process.exit(1);
        });
      });
      void send({ type: 'ready', url: served.url });
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
