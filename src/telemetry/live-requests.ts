import type { RequestObserver } from './observer.js';
import type { Store } from '../store/store.js';
import type { LogRecord } from '../store/types.js';
import type { Runtime } from '../runtime/runtime.js';
import type { ChangeFeed } from '../store/change-feed.js';
import { createLiveRelay, type LiveRelay, type RelayCounts, type RelayedEvent } from './live-relay.js';
import { matches, startedView, type LiveFilter, type StartedView } from './live-view.js';

export type { LiveFilter } from './live-view.js';

/**
 * The live view of requests (`GET /admin/api/live`): server-sent events to
 * each watcher, as requests start and as they finish.
 *
 * - Started, first byte: heard from this process's requests (an observer),
 *   when the first upstream try goes out (the key, model and upstream are
 *   known by then) and when the first byte reaches the client. Other
 *   replicas' arrive over the change feed (live-relay.ts) while anyone there
 *   watches: lossy and bounded, so a request may show only once finished.
 * - Finished: this process's rows at once (the observer gets the finished
 *   row), those another replica relays as they end, and every replica's rows from the Store: one shared poller (the
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
  /**
   * A stream of events for one watcher, or null when MAX_WATCHERS already watch. Ends when the client
   * cancels it, or when `signal` (the watcher's request's) aborts: on Workers a client that leaves aborts
   * its request but may never cancel the stream.
   */
  watch(filter: LiveFilter, signal?: AbortSignal): ReadableStream<Uint8Array> | null;
  /** How many watch now. */
  watchers(): number;
  /**
   * One round of the shared poller and the heartbeats (a job, or each watcher's own request on Workers);
   * does nothing while nobody watches. Rounds asked for while one runs share it.
   */
  tick(): Promise<void>;
  /** Events relayed to other replicas: sent, dropped (a burst past the outbox) and failed (the feed refused them). */
  relayed(): RelayCounts;
  /** Ends every watcher's stream (the gateway stops). */
  close(): void;
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
/** Other replicas' requests in flight kept, at most; the oldest are forgotten past this. */
const REMOTE_LIMIT = 2_000;
/** Another replica's request whose end was never heard (the replica died, the message was lost) is forgotten after this. */
const REMOTE_TTL_MS = 15 * 60_000;

interface Watcher {
  filter: LiveFilter;
  controller: ReadableStreamDefaultController<Uint8Array>;
  lastSentAt: number;
}

export interface LiveRequestsDeps {
  logs: Pick<Store['logs'], 'written'>;
  now: Runtime['now'];
  log: Runtime['log'];
  /** Where other replicas' requests in flight come from and this one's go; none: this replica's only. */
  changes?: ChangeFeed;
  defer?: Runtime['defer'];
  /** The user who owns a key, for a member's watch (their keys only). */
  ownerOf?: (keyId: string) => string | undefined;
}

export function createLiveRequests(deps: LiveRequestsDeps): LiveRequests {
  const watchers = new Set<Watcher>();
  const ownerOf = deps.ownerOf ?? (() => undefined);
  /** This process's requests in flight, by id: the same row objects the exchanges fill in. */
  const inFlight = new Map<string, Readonly<LogRecord>>();
  /** Those of them whose first try went out (shown as started), with when their first byte went out once it has. */
  const started = new Map<string, number | undefined>();
  /** Other replicas' requests in flight, heard while this one watches, with when each was heard. */
  const remote = new Map<string, { view: StartedView; heardAt: number }>();
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

  /** Sends to every watcher whose filter takes the request; encodes only when one does. */
  const broadcast = (event: 'started' | 'first-byte' | 'finished', of: Readonly<StartedView> | Readonly<LogRecord>, data: () => unknown) => {
    let bytes: Uint8Array | undefined;
    for (const watcher of watchers) {
      if (!matches(watcher.filter, of, event === 'finished', ownerOf)) continue;
      bytes ??= frame(event, data());
      send(watcher, bytes);
    }
  };

  const finish = (row: Readonly<LogRecord>) => {
    remote.delete(row.id);
    if (sent.has(row.id)) return;
    noteSent(row.id);
    broadcast('finished', row, () => row);
  };

  /** What another replica relayed: shown to the watchers here as its own would be. */
  const heard = (events: readonly RelayedEvent[]) => {
    if (watchers.size === 0) return;
    const now = deps.now();
    for (const event of events) {
      if (event.type === 'started') {
        if (remote.has(event.view.id) || sent.has(event.view.id)) continue;
        remote.set(event.view.id, { view: event.view, heardAt: now });
        if (remote.size > REMOTE_LIMIT) remote.delete(remote.keys().next().value as string);
        broadcast('started', event.view, () => event.view);
      } else if (event.type === 'first-byte') {
        const known = remote.get(event.id);
        if (!known || known.view.firstByteAt !== undefined) continue;
        known.view = { ...known.view, firstByteAt: event.at };
        broadcast('first-byte', known.view, () => ({ id: event.id, at: event.at }));
      } else finish(event.row);
    }
  };

  /** This replica's started requests, as views: for a new watcher here, or another replica that starts watching. */
  const startedViews = (): StartedView[] =>
    [...started].flatMap(([id, firstByteAt]) => {
      const row = inFlight.get(id);
      return row ? [startedView(row, firstByteAt)] : [];
    });

  const relay: LiveRelay | undefined =
    deps.changes && deps.defer
      ? createLiveRelay(
          { changes: deps.changes, now: deps.now, log: deps.log, defer: deps.defer },
          {
            events: heard,
            snapshotAsked() {
              for (const view of startedViews().slice(-SNAPSHOT_LIMIT)) relay?.offer({ type: 'started', view });
            },
          },
        )
      : undefined;

  const observer: RequestObserver = {
    start(row) {
      inFlight.set(row.id, row);
      return {
        tryStarting() {
          if (started.has(row.id) || !inFlight.has(row.id)) return undefined;
          started.set(row.id, undefined);
          if (watchers.size > 0 || relay?.othersWatch()) {
            const view = startedView(row);
            broadcast('started', view, () => view);
            relay?.offer({ type: 'started', view });
          }
          return undefined;
        },
        attempt() {},
        firstByte(at) {
          if (!started.has(row.id) || started.get(row.id) !== undefined) return;
          started.set(row.id, at);
          if (watchers.size > 0) broadcast('first-byte', row, () => ({ id: row.id, at }));
          relay?.offer({ type: 'first-byte', id: row.id, at });
        },
        finish(done) {
          inFlight.delete(row.id);
          // Only a request the others may have seen start is relayed at its end; the rest reach them from the Store.
          if (started.delete(row.id)) relay?.offer({ type: 'finished', row: done });
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

  /** One round: the poller, the presence the others hear, the heartbeats. */
  const round = async () => {
    if (watchers.size === 0) {
      resetPoller();
      return;
    }
    // Every round: the others keep sending while they hear it (PRESENCE_MS).
    relay?.announce(false);
    for (const [id, { heardAt }] of remote) if (deps.now() - heardAt > REMOTE_TTL_MS) remote.delete(id);
    await poll();
    const now = deps.now();
    const ping = encoder.encode(': keep-alive\n\n');
    for (const watcher of watchers) if (now - watcher.lastSentAt >= HEARTBEAT_MS) send(watcher, ping);
  };
  let ticking: Promise<void> | undefined;

  return {
    observer,
    watch(filter, signal) {
      if (watchers.size >= MAX_WATCHERS || signal?.aborted) return null;
      let watcher: Watcher | undefined;
      const leave = () => {
        // The client left: its watcher goes at once, and the poller stops with the last one.
        if (watcher) watchers.delete(watcher);
        if (watchers.size === 0) resetPoller();
      };
      return new ReadableStream<Uint8Array>(
        {
          start(controller) {
            watcher = { filter, controller, lastSentAt: deps.now() };
            watchers.add(watcher);
            signal?.addEventListener(
              'abort',
              () => {
                leave();
                try {
                  controller.close();
                } catch {
                  // Already closed or cancelled.
                }
              },
              { once: true },
            );
            // The first watcher here asks the other replicas for what they have in flight; it arrives as `started` events.
            if (watchers.size === 1) relay?.announce(true);
            // What this process and the others it heard from have in flight now; the rest arrives as it happens.
            const now = [...startedViews(), ...[...remote.values()].map((r) => r.view)].filter((view) => matches(filter, view, false, ownerOf)).slice(-SNAPSHOT_LIMIT);
            controller.enqueue(frame('hello', { inFlight: now, heartbeatMs: HEARTBEAT_MS }));
          },
          cancel: leave,
        },
        new ByteLengthQueuingStrategy({ highWaterMark: WATCHER_BUFFER_BYTES }),
      );
    },
    watchers: () => watchers.size,
    relayed: () => relay?.counts() ?? { sent: 0, dropped: 0, failed: 0 },
    tick() {
      ticking ??= round().finally(() => {
        ticking = undefined;
      });
      return ticking;
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
      relay?.close();
    },
  };

  function resetPoller() {
    cursor = undefined;
    seen.clear();
    // Without watchers nothing keeps the others' requests current: a next first watcher asks for them afresh.
    remote.clear();
  }
}
