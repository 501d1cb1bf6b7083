import type { ChangeFeed } from '../store/change-feed.js';
import type { LogRecord } from '../store/types.js';
import type { Runtime } from '../runtime/runtime.js';
import type { StartedView } from './live-view.js';

/**
 * Carries the live view's events between replicas over the change feed's
 * messages (Redis pub/sub with many replicas), so a request in flight on one
 * replica shows on every replica's live view while it runs.
 *
 * - Only while another replica watches: a replica with watchers says so
 *   (`watching`) every round of its live job, and the others send their
 *   events only until PRESENCE_MS after the last time they heard it. A
 *   replica that starts watching asks for what is in flight (`fresh`), and
 *   each other replica answers with its requests in flight.
 * - Never on the request's path: `offer` pushes into an outbox and returns.
 *   One message is on its way at a time, carrying up to BATCH_LIMIT events;
 *   what a burst adds meanwhile waits in the outbox, bounded by OUTBOX_LIMIT,
 *   past which events are dropped and counted, never queued without limit. A
 *   failed send is counted and logged (at most every LOG_EVERY_MS), never thrown.
 * - Lossy by design: a lost start or first byte only leaves a row out of the
 *   view until its finished row is read from the Store, which has them all.
 */
export interface LiveRelay {
  /** Sends an event of this replica's to the replicas that watch; nothing when none does. */
  offer(event: RelayedEvent): void;
  /** Called each round of the live job while this replica has watchers; `fresh` asks the others for what they have in flight. */
  announce(fresh: boolean): void;
  /** Whether another replica watches now. */
  othersWatch(): boolean;
  /** Events sent, dropped (outbox full) and failed (the feed refused them), since the start. */
  counts(): RelayCounts;
  close(): void;
}

export interface RelayCounts {
  sent: number;
  dropped: number;
  failed: number;
}

export type RelayedEvent =
  | { type: 'started'; view: StartedView }
  | { type: 'first-byte'; id: string; at: number }
  | { type: 'finished'; row: Readonly<LogRecord> };

/** What the relay hands to this replica's live view from the others. */
export interface RelayListener {
  /** Events another replica sent. */
  events(events: readonly RelayedEvent[]): void;
  /** Another replica started watching and asks for this replica's requests in flight. */
  snapshotAsked(): void;
}

/** The change-feed topic the events travel on. */
export const LIVE_TOPIC = 'live';
/** How long a replica counts as watching after it last said so (it says so every second). */
export const PRESENCE_MS = 3_000;
/** Events waiting to be sent, at most; past it a burst's events are dropped and counted. */
export const OUTBOX_LIMIT = 1_000;
/** Events in one message. */
export const BATCH_LIMIT = 100;
/** A failing feed is logged this seldom at most. */
const LOG_EVERY_MS = 60_000;

type Message = { from: string; kind: 'events'; events: RelayedEvent[] } | { from: string; kind: 'watching'; fresh: boolean };

export function createLiveRelay(deps: { changes: ChangeFeed; now: Runtime['now']; log: Runtime['log']; defer: Runtime['defer'] }, listener: RelayListener): LiveRelay {
  /** Who this replica is on the feed: its own messages come back to it and are skipped. */
  const self = crypto.randomUUID();
  const outbox: RelayedEvent[] = [];
  const counts: RelayCounts = { sent: 0, dropped: 0, failed: 0 };
  let watchedUntil = 0;
  let sending = false;
  let loggedAt = -Infinity;

  /** Sends the next batch if none is on its way; the next one follows when it settles. */
  const pump = () => {
    if (sending || outbox.length === 0) return;
    const batch = outbox.splice(0, BATCH_LIMIT);
    sending = true;
    let sent: Promise<void>;
    try {
      sent = deps.changes.send(LIVE_TOPIC, JSON.stringify({ from: self, kind: 'events', events: batch } satisfies Message));
    } catch (err) {
      sent = Promise.reject(err);
    }
    // Through defer, never floating (on Workers a promise left floating when its request ends never settles).
    deps.defer(
      sent.then(
        () => {
          counts.sent += batch.length;
        },
        (err: unknown) => {
          counts.failed += batch.length;
          noteFailure(`sending ${batch.length} live events to the other replicas failed: ${String(err)}`);
        },
      ).finally(() => {
        sending = false;
        pump();
      }),
    );
  };

  const noteFailure = (message: string) => {
    const now = deps.now();
    if (now - loggedAt < LOG_EVERY_MS) return;
    loggedAt = now;
    deps.log(`live: ${message} (so far ${counts.failed} failed, ${counts.dropped} dropped)`, 'warn');
  };

  const stopListening = deps.changes.listen(LIVE_TOPIC, (text) => {
    const message = parse(text);
    if (!message || message.from === self) return;
    if (message.kind === 'watching') {
      watchedUntil = deps.now() + PRESENCE_MS;
      if (message.fresh) listener.snapshotAsked();
    } else listener.events(message.events);
  });

  const relay: LiveRelay = {
    offer(event) {
      if (deps.now() >= watchedUntil) return;
      if (outbox.length >= OUTBOX_LIMIT) {
        counts.dropped += 1;
        noteFailure(`more than ${OUTBOX_LIMIT} live events waited to be sent; the newest are dropped`);
        return;
      }
      outbox.push(event);
      pump();
    },
    announce(fresh) {
      let said: Promise<void>;
      try {
        said = deps.changes.send(LIVE_TOPIC, JSON.stringify({ from: self, kind: 'watching', fresh } satisfies Message));
      } catch (err) {
        said = Promise.reject(err);
      }
      deps.defer(said.catch((err: unknown) => noteFailure(`telling the other replicas this one watches failed: ${String(err)}`)));
    },
    othersWatch: () => deps.now() < watchedUntil,
    counts: () => ({ ...counts }),
    close() {
      stopListening();
      outbox.length = 0;
    },
  };
  return relay;
}

/** A message of the feed, or undefined for anything else (another version's, a stray publish). */
function parse(text: string): Message | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const m = value as Partial<Message> & Record<string, unknown>;
  if (typeof m.from !== 'string') return undefined;
  if (m.kind === 'watching') return { from: m.from, kind: 'watching', fresh: m.fresh === true };
  if (m.kind === 'events' && Array.isArray(m.events)) {
    const events = (m.events as unknown[]).filter(isEvent);
    return { from: m.from, kind: 'events', events };
  }
  return undefined;
}

function isEvent(e: unknown): e is RelayedEvent {
  if (typeof e !== 'object' || e === null) return false;
  const { type } = e as { type?: unknown };
  if (type === 'started') return typeof (e as { view?: { id?: unknown } }).view?.id === 'string';
  if (type === 'first-byte') return typeof (e as { id?: unknown }).id === 'string';
  if (type === 'finished') return typeof (e as { row?: { id?: unknown } }).row?.id === 'string';
  return false;
}
