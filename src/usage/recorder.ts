import type { Store } from '../store/store.js';
import type { Sleep } from '../runtime/runtime.js';
import type { LogRecord, RequestBodiesRecord } from '../store/types.js';
import type { UsageJournal } from './journal.js';

export interface Recorder {
  /** The request is admitted: noted in the journal (when there is one), so a process that dies before `record` leaves it recorded as interrupted. */
  started(row: LogRecord): void;
  /** Queues one request's row (in the journal first, when there is one); never waits for the database, never drops a row. */
  record(row: LogRecord): void;
  /**
   * True while more rows wait than the queue's cap (the database has been
   * away or slow for a while): new requests are refused (503) until the
   * backlog is written, so memory stays bounded and no row is dropped.
   */
  backlogged(): boolean;
  /**
   * Queues one request's logged bodies as a builder, run by the batch just
   * before it writes, so redacting and summarizing stay off the request path.
   */
  recordBodies(build: () => RequestBodiesRecord): void;
  /** Writes everything queued so far: run by the recorder's job (app/jobs.ts), early for a full batch, and at shutdown. */
  flush(): Promise<void>;
  /** What waits to be written and what was lost, read by metrics at scrape time. */
  stats(): RecorderStats;
  /** Calls `listener` after every write with its duration in seconds, its rows and whether it landed (metrics). */
  watchWrites(listener: WriteListener): void;
  /**
   * Calls `listener` with the rows and bodies of every write that landed
   * (log export, log-export/exporter.ts). It runs on the recorder's flush,
   * never on a request's path, and must be quick: it only queues.
   */
  watchRows(listener: RowsListener): void;
}

export type RowsListener = (rows: LogRecord[], bodies: RequestBodiesRecord[]) => void;

export interface RecorderStats {
  queuedRows: number;
  queuedBodies: number;
  /** Logged bodies dropped because their queue was full (the database was away too long), and rows or bodies the database refused on their own. */
  dropped: number;
}

export type WriteListener = (seconds: number, rows: number, ok: boolean) => void;

export interface RecorderOptions {
  /** Flush early once this many rows wait. */
  batchSize?: number;
  log?: (msg: string) => void;
  /** Gives the runtime a turn between batches (the platform's `sleep`). */
  sleep: Sleep;
  /**
   * Called after each row (or logged body) is queued, with a write of what
   * is queued now that waits for no other write. Workers hand it to the
   * request's `waitUntil` (one write per request, within its lifetime, and
   * no request waiting on another's I/O, which workerd cancels as hung);
   * Node leaves it out and flushes from a job.
   */
  whenRecorded?: (writeNow: () => Promise<void>) => void;
  /** Where each row is noted before it is queued, and told when it is written (Node with a file store: platform/node/usage-journal.ts). */
  journal?: UsageJournal;
  /** How many rows may wait before new requests are refused (default: 200 batches). */
  maxQueued?: number;
}

/**
 * Batches request_log rows and writes them (with their hourly rollups) in
 * one transaction per batch, off the request's path. A failed write keeps
 * the rows and tries again on the next flush, so a database hiccup loses
 * nothing. Past the queue's cap no row is dropped: `backlogged()` turns new
 * requests away until the database has caught up, so a dead database
 * cannot eat all memory (the rows of the refused requests, small and
 * token-free, still wait their turn).
 */
/** How many flushes a row the database refuses on its own is tried in before it is dropped. */
const MAX_STRIKES = 3;

export function createRecorder(store: Store, options: RecorderOptions): Recorder {
  // Small batches, often: where a write runs on the event loop (SQLite in process: `:memory:`, or after the
  // Node log writer thread failed), many short writes with turns in between keep request latency flat
  // where one big write would stall it; on a SQLite file the writes run on their own thread (platform/node/log-writer.ts).
  const batchSize = options.batchSize ?? 100;
  const maxQueued = options.maxQueued ?? batchSize * 200;
  const journal = options.journal;
  const log = options.log ?? (() => {});
  let queue: LogRecord[] = [];
  let bodies: (() => RequestBodiesRecord)[] = [];
  // Bodies can be large (up to 2 × 256 KB each): fewer per batch, fewer held.
  const bodiesPerBatch = 20;
  const maxQueuedBodies = 1000;
  let writing: Promise<void> = Promise.resolve();
  let dropped = 0;
  const writeListeners: WriteListener[] = [];
  const rowsListeners: RowsListener[] = [];
  /** One write of rows (and bodies), timed for the listeners; the clock is the runtime's monotonic one, not the (movable) gateway clock. */
  const write = async (rows: LogRecord[], built: RequestBodiesRecord[]): Promise<void> => {
    const started = performance.now();
    let ok = false;
    try {
      await store.logs.write(rows, built);
      ok = true;
      if (journal && rows.length > 0) journal.written(rows.map((row) => row.id));
      for (const listener of rowsListeners) {
        try {
          listener(rows, built);
        } catch (err) {
          log(`usage recorder: a listener of written rows failed: ${String(err)}`);
        }
      }
    } finally {
      const seconds = (performance.now() - started) / 1000;
      for (const listener of writeListeners) listener(seconds, rows.length, ok);
    }
  };

  /** How many times a row or body was refused when written alone (see `writeAlone`). */
  const strikes = new WeakMap<object, number>();

  /**
   * After a batch failed: writes its rows and bodies one at a time. When none
   * goes in, the database is away: everything is kept for the next flush
   * (undefined). When some go in, the database is there and refuses the
   * others for what they hold (a value it cannot store): each gets
   * MAX_STRIKES such tries over later flushes (a database that flickers
   * meanwhile costs nothing), then is dropped and logged, so one bad row can
   * never hold back every row after it. Returns what is to be tried again.
   */
  const writeAlone = async (rows: LogRecord[], built: RequestBodiesRecord[], err: unknown) => {
    const refusedRows: LogRecord[] = [];
    const refusedBodies: RequestBodiesRecord[] = [];
    let landed = 0;
    for (const row of rows) await write([row], []).then(() => landed++, () => refusedRows.push(row));
    for (const body of built) await write([], [body]).then(() => landed++, () => refusedBodies.push(body));
    if (landed === 0) return undefined;
    /** Whether `item` may be tried again; the last refusal drops it, logged. */
    const triesLeft = (item: object, what: string, requestId: string): boolean => {
      const count = (strikes.get(item) ?? 0) + 1;
      strikes.set(item, count);
      if (count < MAX_STRIKES) return true;
      dropped++;
      // The journal lets go of it too: replayed at the next start, it would only be refused again.
      if (journal && what === 'the row') journal.written([requestId]);
      log(`usage recorder: the database refused ${what} of request ${requestId} ${MAX_STRIKES} times on their own; dropped: ${String(err)}`);
      return false;
    };
    return {
      rows: refusedRows.filter((row) => triesLeft(row, 'the row', row.id)),
      bodies: refusedBodies.filter((body) => triesLeft(body, 'the logged bodies', body.requestId)).map((body) => () => body),
    };
  };

  const flush = (): Promise<void> => {
    writing = writing.then(async () => {
      while (queue.length > 0 || bodies.length > 0) {
        const batch = queue.slice(0, batchSize);
        const builders = bodies.slice(0, bodiesPerBatch);
        const built = buildBodies(builders, log);
        try {
          await write(batch, built);
          queue = queue.slice(batch.length);
          bodies = bodies.slice(builders.length);
        } catch (err) {
          // Alone, a refused row cannot tell a database that is away from one that refuses it: it waits for company.
          const again = batch.length + built.length > 1 ? await writeAlone(batch, built, err) : undefined;
          if (!again) {
            const knownRefused = batch.length === 1 && strikes.has(batch[0]);
            if (!knownRefused) log(`usage recorder: write failed, will retry: ${String(err)}`);
            return;
          }
          // What went in alone is written; what was refused waits at the back of the queue for the next flush.
          queue = [...queue.slice(batch.length), ...again.rows];
          bodies = [...bodies.slice(builders.length), ...again.bodies];
          return;
        }
        // Let waiting requests run before the next batch.
        if (queue.length > 0 || bodies.length > 0) await options.sleep(0);
      }
    });
    return writing;
  };

  /**
   * Takes what is queued and writes it in a write of its own, not chained
   * behind another: rows a concurrent write took are that write's. A failed
   * write puts its rows back for the next one.
   */
  const writeNow = async (): Promise<void> => {
    // Rows and bodies queued in the same turn as the call go in the same write.
    await Promise.resolve();
    const rows = queue.splice(0, batchSize);
    const builders = bodies.splice(0, bodiesPerBatch);
    if (rows.length === 0 && builders.length === 0) return;
    try {
      await write(rows, buildBodies(builders, log));
    } catch (err) {
      queue.unshift(...rows);
      bodies.unshift(...builders);
      log(`usage recorder: write failed, will retry with the next request's: ${String(err)}`);
    }
  };

  let saidBacklogged = false;
  return {
    started(row) {
      journal?.started(row);
    },
    record(row) {
      journal?.finished(row);
      queue.push(row);
      if (options.whenRecorded) options.whenRecorded(writeNow);
      else if (queue.length === batchSize) void flush();
    },
    recordBodies(build) {
      if (bodies.length >= maxQueuedBodies) {
        bodies.shift();
        if (++dropped % 1000 === 1) log(`usage recorder: body queue full, oldest bodies dropped`);
      }
      bodies.push(build);
      options.whenRecorded?.(writeNow);
    },
    backlogged() {
      const behind = queue.length >= maxQueued;
      if (behind !== saidBacklogged) {
        saidBacklogged = behind;
        log(
          behind
            ? `usage recorder: ${queue.length} rows wait to be written (the database is away or slow); new requests are refused until they are`
            : 'usage recorder: the backlog of rows is written; taking requests again',
        );
      }
      return behind;
    },
    flush,
    stats: () => ({ queuedRows: queue.length, queuedBodies: bodies.length, dropped }),
    watchWrites(listener) {
      writeListeners.push(listener);
    },
    watchRows(listener) {
      rowsListeners.push(listener);
    },
  };
}

/** Runs the builders; one that throws loses its bodies (logged), never the batch. */
function buildBodies(builders: (() => RequestBodiesRecord)[], log: (msg: string) => void): RequestBodiesRecord[] {
  const out: RequestBodiesRecord[] = [];
  for (const build of builders) {
    try {
      out.push(build());
    } catch (err) {
      log(`usage recorder: request bodies not logged: ${String(err)}`);
    }
  }
  return out;
}
