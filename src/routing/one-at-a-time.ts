/**
 * Makes an async task run one at a time. A call while no run is waiting
 * queues one run after the current one; calls while that run still waits
 * share it. So every call is answered by a run that started after it was
 * made (it sees what was written before the call), runs never overlap (an
 * older result never lands after a newer one), and a burst of calls costs at
 * most two runs.
 */
export function oneAtATime(task: () => Promise<void>): () => Promise<void> {
  let tail: Promise<void> = Promise.resolve();
  let waiting: Promise<void> | undefined;
  return () => {
    if (waiting) return waiting;
    const run = tail
      .catch(() => {})
      .then(() => {
        waiting = undefined;
        return task();
      });
    waiting = run;
    tail = run;
    return run;
  };
}
