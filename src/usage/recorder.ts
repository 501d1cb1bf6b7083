import type { Store } from '../store/store.js';
import type { LogRecord } from '../store/types.js';

export interface Recorder {
  /** Queues one request's row; never waits for the database. */
  record(row: LogRecord): void;
  /** Writes everything queued so far. */
  flush(): Promise<void>;
  /** Flushes and stops the timer. */
  close(): Promise<void>;
}

export interface RecorderOptions {
  /** Flush at least this often. */
  intervalMs?: number;
  /** Flush early once this many rows wait. */
  batchSize?: number;
  log?: (msg: string) => void;
}

/**
 * Batches request_log rows and writes them (with their hourly rollups) in
 * one transaction per batch, off the request's path. A failed write keeps
 * the rows and tries again on the next flush, so a database hiccup loses
 * nothing; the queue is capped so a dead database cannot eat all memory.
 */
export function createRecorder(store: Store, options: RecorderOptions = {}): Recorder {
  // Small batches, often: each write holds the event loop (SQLite is synchronous), so many
  // short writes with turns in between keep request latency flat where one big write would stall it.
  const intervalMs = options.intervalMs ?? 250;
  const batchSize = options.batchSize ?? 100;
  const maxQueued = batchSize * 200;
  const log = options.log ?? (() => {});
  let queue: LogRecord[] = [];
  let writing: Promise<void> = Promise.resolve();
  let dropped = 0;

  const flush = (): Promise<void> => {
    writing = writing.then(async () => {
      while (queue.length > 0) {
        const batch = queue.slice(0, batchSize);
        try {
          await store.logs.write(batch);
          queue = queue.slice(batch.length);
        } catch (err) {
          log(`usage recorder: write failed, will retry: ${String(err)}`);
          return;
        }
        // Let waiting requests run before the next batch.
        if (queue.length > 0) await new Promise((resolve) => setTimeout(resolve, 0));
      }
    });
    return writing;
  };

  const timer = setInterval(() => void flush(), intervalMs);
  (timer as { unref?: () => void }).unref?.();

  return {
    record(row) {
      if (queue.length >= maxQueued) {
        queue.shift();
        if (++dropped % 1000 === 1) log(`usage recorder: queue full, ${dropped} oldest rows dropped`);
      }
      queue.push(row);
      if (queue.length === batchSize) void flush();
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
  };
}
