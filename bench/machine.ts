import { cpus, loadavg } from 'node:os';

/** What the machine was doing around the bench: other work on a 2-core box skews every figure. */
export interface MachineLoad {
  /** Share of all cores busy (any process) over the sampling window, 0..1. */
  busy: number;
  loadavg1m: number;
}

/** Busy and total CPU time of all cores since boot, in ms. */
export function ticks(): { busy: number; all: number } {
  let busy = 0;
  let all = 0;
  for (const { times } of cpus()) {
    const total = times.user + times.nice + times.sys + times.irq + times.idle;
    all += total;
    busy += total - times.idle;
  }
  return { busy, all };
}

export async function machineLoad(windowMs = 1000): Promise<MachineLoad> {
  const a = ticks();
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  const b = ticks();
  return { busy: (b.busy - a.busy) / Math.max(1, b.all - a.all), loadavg1m: loadavg()[0] ?? 0 };
}

/**
 * Share of the machine's CPU used by processes other than ours between two
 * readings: machine busy time less the CPU time of the bench's own processes.
 */
export function foreignShare(a: ReturnType<typeof ticks>, b: ReturnType<typeof ticks>, oursMicros: number): number {
  const all = Math.max(1, b.all - a.all);
  return Math.max(0, (b.busy - a.busy - oursMicros / 1000) / all);
}
