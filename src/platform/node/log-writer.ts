import { Worker } from 'node:worker_threads';
import type { Store } from '../../store/store.js';
import type { LogRecord, RequestBodiesRecord } from '../../store/types.js';
import type { LogWriterAnswer, LogWriterData, LogWriterRequest } from './log-writer-messages.js';

type Write = Store['logs']['write'];

export interface LogWriter {
  /** `logs.write` on the thread; in process when the thread is gone or cannot start. */
  write: Write;
  /** Waits for the writes in flight, then ends the thread. */
  close(): Promise<void>;
  /** The thread while it runs (tests end it to see the writes carry on in process). */
  thread(): Worker | undefined;
}

interface Pending {
  rows: LogRecord[];
  bodies: RequestBodiesRecord[];
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * Request-log writes on a worker thread of their own (log-writer-worker.ts),
 * with its own connection to the SQLite file: a batch of the recorder holds
 * that thread, not the event loop answering requests (~2 ms per 100 rows).
 * The thread starts with the first write, so CLI commands, which write no
 * logs, never start one. When it dies or cannot start, that is logged once and
 * every write from then on (the ones it had not answered too: writes are
 * idempotent by request id) goes through `inProcess`, so no row is lost.
 */
export function offThreadLogWriter(path: string, inProcess: Write, log: (message: string) => void): LogWriter {
  let worker: Worker | undefined;
  let gone = false;
  let closing = false;
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const inFlight = new Set<Promise<void>>();

  /** The thread is gone: its unanswered writes and every later one run in process. */
  const fallBack = (why: string) => {
    if (!gone && !closing) log(`request log writer thread ${why}; writing request logs on the main thread from now on`);
    gone = true;
    worker = undefined;
    const orphans = [...pending.values()];
    pending.clear();
    for (const p of orphans) inProcess(p.rows, p.bodies).then(p.resolve, p.reject);
  };

  const start = (): Worker | undefined => {
    let started: Worker;
    try {
      const { entry, eval: isCode } = workerEntry();
      // A small young generation (1 MB; batches go as fast as with more): the thread only turns batches into
      // statements, and V8's default for an isolate (two 16 MB semi-spaces) would add some 30 MB of RSS for nothing.
      started = new Worker(entry, { eval: isCode, workerData: { path } satisfies LogWriterData, resourceLimits: { maxYoungGenerationSizeMb: 1 } });
    } catch (err) {
      fallBack(`could not start: ${String(err)}`);
      return undefined;
    }
    // Only a write in flight keeps the process alive (see `write`), never the idle thread.
    started.unref();
    started.on('message', (answer: LogWriterAnswer) => {
      const p = pending.get(answer.id);
      if (!p) return;
      pending.delete(answer.id);
      if (pending.size === 0) started.unref();
      if (answer.ok) p.resolve();
      else p.reject(Object.assign(new Error(answer.error.message), answer.error));
    });
    started.on('error', (err) => fallBack(`failed: ${String(err)}`));
    started.on('exit', (code) => fallBack(`stopped (exit code ${code})`));
    return started;
  };

  const post = (rows: LogRecord[], bodies: RequestBodiesRecord[]): Promise<void> => {
    if (gone) return inProcess(rows, bodies);
    worker ??= start();
    if (!worker) return inProcess(rows, bodies);
    const id = nextId++;
    try {
      worker.postMessage({ kind: 'write', id, rows, bodies } satisfies LogWriterRequest);
    } catch {
      // A value the thread cannot be sent (structured clone): this batch only goes in process.
      return inProcess(rows, bodies);
    }
    if (pending.size === 0) worker.ref();
    return new Promise<void>((resolve, reject) => pending.set(id, { rows, bodies, resolve, reject }));
  };

  return {
    write(rows, bodies = []) {
      if (rows.length === 0 && bodies.length === 0) return Promise.resolve();
      const done = post(rows, bodies);
      inFlight.add(done);
      const forget = () => void inFlight.delete(done);
      done.then(forget, forget);
      return done;
    },
    async close() {
      closing = true;
      await Promise.allSettled([...inFlight]);
      const running = worker;
      gone = true;
      worker = undefined;
      if (!running) return;
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
      // Awaited, so kept alive: a process whose last step is this close would otherwise end before it does.
      running.ref();
      running.postMessage({ kind: 'close' } satisfies LogWriterRequest);
      await exited;
    },
    thread: () => worker,
  };
}

/**
 * How the thread is started: from the compiled JavaScript beside this file
 * (dist/), or, when this module runs from its TypeScript source (tsx, vitest),
 * from a line that registers tsx in the thread and then imports the source
 * (Node 20 does not apply `--import` hooks to a worker's own entry file).
 */
function workerEntry(): { entry: URL | string; eval: boolean } {
  if (!import.meta.url.endsWith('.ts')) return { entry: new URL('./log-writer-worker.js', import.meta.url), eval: false };
  // Resolved here, where tsx is found from this file; the thread's code runs from no folder.
  const tsx = import.meta.resolve('tsx/esm/api');
  const source = new URL('./log-writer-worker.ts', import.meta.url).href;
  return { entry: `import(${JSON.stringify(tsx)}).then((tsx) => tsx.register()).then(() => import(${JSON.stringify(source)}))`, eval: true };
}
