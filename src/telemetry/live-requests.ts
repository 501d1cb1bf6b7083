import type { RequestObserver } from './observer.js';
import type { Store } from '../store/store.js';
import type { LogRecord } from '../store/types.js';
import type { Runtime } from '../runtime/runtime.js';

/**
 * The live view of requests (`GET /admin/api/live`): server-sent events to
 * each watcher, as requests start and as they finish.
 *
 * - Started: heard from this process's requests (an observer), when the
 *   first upstream try goes out (the key, model and upstream are known by
 *   then). Requests in flight on other replicas live only in their memory and
 *   are not shown until their row is written.
 * - Finished: this process's rows at once (the observer gets the finished
 *   row), and every replica's rows from the Store: one shared poller (the
 *   `live-requests` job, only while someone watches) reads the rows written
 *   since it last looked (`request_log.logged_at`), at most POLL_LIMIT a
 *   round, re-reading OVERLAP_MS back for batches that committed late; rows
 *   already sent are skipped.
 * Each watcher's events wait in its stream's own queue, bounded by
 * WATCHER_BUFFER_BYTES: a watcher that falls that far behind gets a `dropped`
 * event and its stream ends. Every event is encoded once for every watcher.
 */
export interface LiveRequests {
  observer: RequestObserver;
  /** A stream of events for one watcher, or null when MAX_WATCHERS already watch. Ends when the client cancels it. */
  watch(filter: LiveFilter): ReadableStream<Uint8Array> | null;
  /** How many watch now. */
  watchers(): number;
  /** One round of the shared poller and the heartbeats (a job); does nothing while nobody watches. */
  tick(): Promise<void>;
  /** Ends every watcher's stream (the gateway stops). */
  close(): void;
}

/** What a watcher asked to see; each part left out matches everything. */
export interface LiveFilter {
  keyId?: string;
  /** The model asked for: a row's model or its alias. */
  model?: string;
  upstreamId?: string;
  /** An exact status (`429`), or a class (`5` for 5xx). Requests in flight have none: a status filter shows finished rows only. */
  status?: { exact: number } | { class: number };
}

/** Watchers at once, across every admin: each costs a stream and a share of every round's fan-out. */
export const MAX_WATCHERS = 32;
/** What one watcher may have waiting unread before it is dropped. */
export const WATCHER_BUFFER_BYTES = 512 * 1024;
/** Rows read from the Store in one round, whatever the traffic: the view is then a sample, and says so (`gap`). */
export const POLL_LIMIT = 200;
/** How far back each round reads again, for writes stamped before a round but committed after it. */
export const OVERLAP_MS = 5_000;
/** A comment line this often keeps proxies from closing a quiet stream. */
export const HEARTBEAT_MS = 15_000;
/** Requests in flight sent to a watcher when it connects. */
const SNAPSHOT_LIMIT = 100;
/** Ids of finished rows already sent, so the poller skips them; the oldest are forgotten past this. */
const SENT_LIMIT = 10_000;

interface Watcher {
  filter: LiveFilter;
  controller: ReadableStreamDefaultController<Uint8Array>;
  lastSentAt: number;
}

export function createLiveRequests(deps: { logs: Pick<Store['logs'], 'written'>; now: Runtime['now']; log: Runtime['log'] }): LiveRequests {
  const watchers = new Set<Watcher>();
  /** This process's requests in flight, by id: the same row objects the exchanges fill in. */
  const inFlight = new Map<string, Readonly<LogRecord>>();
  /** Those of them whose first try went out (shown as started). */
  const started = new Set<string>();
  /** Finished rows already sent, oldest first. */
  const sent = new Set<string>();
  /** The newest `logged_at` the poller has seen; undefined until its first round with a watcher. */
  let cursor: number | undefined;
  /** Rows read in the overlap, by id, with when they were written (to forget them once past it). */
  const seen = new Map<string, number>();
  const encoder = new TextEncoder();

  const noteSent = (id: string) => {
    sent.add(id);
    if (sent.size > SENT_LIMIT) sent.delete(sent.values().next().value as string);
  };

  const drop = (watcher: Watcher, reason: string) => {
    watchers.delete(watcher);
    try {
      watcher.controller.enqueue(frame('dropped', { reason }));
      watcher.controller.close();
    } catch {
      // Already closed or cancelled.
    }
  };

  const frame = (event: string, data: unknown) => encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);

  const send = (watcher: Watcher, bytes: Uint8Array) => {
    try {
      watcher.controller.enqueue(bytes);
    } catch {
      watchers.delete(watcher);
      return;
    }
    watcher.lastSentAt = deps.now();
    if ((watcher.controller.desiredSize ?? 0) < 0) drop(watcher, `more than ${WATCHER_BUFFER_BYTES} bytes waited unread`);
  };

  /** Sends to every watcher whose filter takes the row; encodes only when one does. */
  const broadcast = (event: 'started' | 'finished', row: Readonly<LogRecord>, finished: boolean) => {
    let bytes: Uint8Array | undefined;
    for (const watcher of watchers) {
      if (!matches(watcher.filter, row, finished)) continue;
      bytes ??= frame(event, event === 'started' ? startedView(row) : row);
      send(watcher, bytes);
    }
  };

  const finish = (row: Readonly<LogRecord>) => {
    if (sent.has(row.id)) return;
    noteSent(row.id);
    broadcast('finished', row, true);
  };

  const observer: RequestObserver = {
    start(row) {
      inFlight.set(row.id, row);
      return {
        tryStarting() {
          if (started.has(row.id) || !inFlight.has(row.id)) return undefined;
          started.add(row.id);
          if (watchers.size > 0) broadcast('started', row, false);
          return undefined;
        },
        attempt() {},
        firstByte() {},
        finish(done) {
          inFlight.delete(row.id);
          started.delete(row.id);
          if (watchers.size > 0) finish(done);
        },
      };
    },
  };

  const poll = async () => {
    if (cursor === undefined) {
      // The first round reads only where the log stands: a watcher sees what finishes from now on.
      const [last] = await deps.logs.written(undefined, 1);
      cursor = last?.loggedAt ?? 0;
      return;
    }
    const since = cursor - OVERLAP_MS;
    const rows = await deps.logs.written(since, POLL_LIMIT);
    const fresh = rows.filter(({ row }) => !seen.has(row.id));
    for (const { row, loggedAt } of rows) {
      seen.set(row.id, loggedAt);
      if (loggedAt > cursor) cursor = loggedAt;
    }
    for (const [id, at] of seen) if (at < cursor - OVERLAP_MS) seen.delete(id);
    // A full round whose oldest row is new may have left older ones unread: the watchers are told.
    const oldest = rows.at(-1);
    if (rows.length === POLL_LIMIT && oldest && fresh.includes(oldest)) {
      const bytes = frame('gap', { reason: `more than ${POLL_LIMIT} rows were written in one round; some were not shown (the request log has them all)` });
      for (const watcher of watchers) send(watcher, bytes);
    }
    // Oldest first, as they happened.
    for (let i = fresh.length - 1; i >= 0; i--) finish(fresh[i].row);
  };

  return {
    observer,
    watch(filter) {
      if (watchers.size >= MAX_WATCHERS) return null;
      let watcher: Watcher | undefined;
      return new ReadableStream<Uint8Array>(
        {
          start(controller) {
            watcher = { filter, controller, lastSentAt: deps.now() };
            watchers.add(watcher);
            // What this process has in flight now; the rest arrives as it happens.
            const now = [...inFlight.values()].filter((row) => started.has(row.id) && matches(filter, row, false)).slice(-SNAPSHOT_LIMIT);
            controller.enqueue(frame('hello', { inFlight: now.map(startedView), heartbeatMs: HEARTBEAT_MS }));
          },
          cancel() {
            // The client left: its watcher goes at once, and the poller stops with the last one.
            if (watcher) watchers.delete(watcher);
            if (watchers.size === 0) resetPoller();
          },
        },
        new ByteLengthQueuingStrategy({ highWaterMark: WATCHER_BUFFER_BYTES }),
      );
    },
    watchers: () => watchers.size,
    async tick() {
      if (watchers.size === 0) {
        resetPoller();
        return;
      }
      await poll();
      const now = deps.now();
      const ping = encoder.encode(': keep-alive\n\n');
      for (const watcher of watchers) if (now - watcher.lastSentAt >= HEARTBEAT_MS) send(watcher, ping);
    },
    close() {
      for (const watcher of [...watchers]) {
        watchers.delete(watcher);
        try {
          watcher.controller.close();
        } catch {
          // Already closed.
        }
      }
      resetPoller();
    },
  };

  function resetPoller() {
    cursor = undefined;
    seen.clear();
  }
}

/** What a started request shows: who asked for what, where it went; no usage yet. */
function startedView(row: Readonly<LogRecord>) {
  return {
    id: row.id,
    ts: row.ts,
    keyId: row.keyId,
    group: row.group,
    protocol: row.protocol,
    endpoint: row.endpoint,
    model: row.model,
    alias: row.alias ?? null,
    upstreamId: row.upstreamId,
    upstreamModel: row.upstreamModel,
    stream: row.stream,
  };
}

function matches(filter: LiveFilter, row: Readonly<LogRecord>, finished: boolean): boolean {
  if (filter.keyId !== undefined && row.keyId !== filter.keyId) return false;
  if (filter.model !== undefined && row.model !== filter.model && row.alias !== filter.model) return false;
  if (filter.upstreamId !== undefined && row.upstreamId !== filter.upstreamId) return false;
  if (filter.status !== undefined) {
    if (!finished) return false;
    if ('exact' in filter.status ? row.status !== filter.status.exact : Math.floor(row.status / 100) !== filter.status.class) return false;
  }
  return true;
}
