import { readFileSync } from 'node:fs';

/**
 * Resident memory of another process, from /proc/<pid>/status (Linux): what
 * the operating system charges it, heap, buffers and native memory alike.
 */
export function rssMb(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : NaN;
  } catch {
    return NaN; // not Linux, or the process is gone
  }
}

/**
 * Samples a process's RSS every `everyMs` until stopped; `stop()` gives the
 * peak and the last sample, MB, and every sample read (a failed read is left
 * out). The timer does not keep the bench alive.
 */
export function sampleRss(pid: number, everyMs = 100): { stop(): { peakMb: number; lastMb: number; samples: number[] } } {
  let peak = NaN;
  let last = NaN;
  const samples: number[] = [];
  const sample = () => {
    last = rssMb(pid);
    if (!Number.isNaN(last)) samples.push(last);
    // NaN (a failed read) never becomes the peak; the first number does.
    if (!Number.isNaN(last) && !(last <= peak)) peak = last;
  };
  sample();
  const timer = setInterval(sample, everyMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { peakMb: peak, lastMb: last, samples };
    },
  };
}
