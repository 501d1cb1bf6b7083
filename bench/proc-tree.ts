import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time of a process tree read from /proc (Linux): for processes that
 * are not Node children of the bench (wrangler and its workerd), whose CPU
 * cannot be asked over IPC. utime + stime of every thread, in clock ticks.
 */
export const TICK_MICROS = 1e6 / clockTicks();

function clockTicks(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

interface Proc {
  pid: number;
  ppid: number;
  name: string;
  /** The command line, arguments separated by spaces. */
  args: string;
  cpuMicros: number;
}

function readProc(pid: number): Proc | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The name is in parentheses and may hold spaces; the fields after it are space-separated.
    const close = stat.lastIndexOf(')');
    const name = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    // After the name: state(3) ppid(4) ... utime(14) stime(15), numbered from 1 with pid and name first.
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    return { pid, ppid: Number(fields[1]), name, args, cpuMicros: (Number(fields[11]) + Number(fields[12])) * TICK_MICROS };
  } catch {
    return undefined; // it exited while we looked
  }
}

/** The root and every process below it, as they are now. */
export function processTree(root: number): Proc[] {
  const all = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map((entry) => readProc(Number(entry)))
    .filter((p): p is Proc => p !== undefined);
  const children = new Map<number, Proc[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const out: Proc[] = [];
  const visit = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      out.push(child);
      visit(child.pid);
    }
  };
  const self = all.find((p) => p.pid === root);
  if (self) out.push(self);
  visit(root);
  return out;
}
