import type { LogExportDestination, LogExportSettings } from '../config/log-export-schema.js';
import type { LogRecord, RequestBodiesRecord } from '../store/types.js';
import type { HttpClient } from '../providers/http.js';
import type { Sleep } from '../runtime/runtime.js';
import { deliver } from '../delivery/deliver.js';
import { bodiesEvent, requestEvent, type ExportEvent } from './export-line.js';
import { bulkRefusals, encodeBatch } from './formats.js';

/**
 * Log export (docs/observability.md): every request row the recorder wrote
 * (and its logged bodies, for destinations that want them) is queued per
 * destination, in this process's memory, and sent in batches by a job
 * (`log-export`, app/jobs.ts). Never on a request's path: rows arrive after
 * the recorder's write (`offer`), and sending is the job's. Each process
 * exports the rows it wrote itself, so replicas send each row once.
 *
 * Memory is bounded per destination (`maxQueuedRows`, `maxQueuedBytes`):
 * past either, the oldest events are dropped and counted. A batch the
 * destination refuses for good (a 4xx) is dropped and counted; one that
 * still fails after its tries goes back to the front of the queue, and the
 * destination pauses (doubling, up to a minute) before the next try.
 */
export interface LogExporter {
  /** Replaces the destinations; a destination whose settings did not change keeps its queue and figures. */
  configure(destinations: LogExportDestination[]): void;
  /** Queues the rows (and bodies) just written. Cheap and synchronous: called by the recorder after each write. */
  offer(rows: LogRecord[], bodies: RequestBodiesRecord[]): void;
  /** Sends every batch that is due (full, or its oldest event waited long enough): the job's round. */
  round(): Promise<void>;
  /** Sends what waits, due or not (at shutdown). */
  flush(): Promise<void>;
  stats(): ExportStats[];
}

/** Where a file destination writes: the Node platform's rotating file (platform/node/rotating-file.ts). */
export interface LineSink {
  /** Appends lines (each ending in `\n`). */
  write(text: string): Promise<void>;
  close(): Promise<void>;
}

export type OpenLineSink = (destination: Extract<LogExportDestination, { kind: 'file' }>) => LineSink;

export interface ExportStats {
  id: string;
  kind: LogExportDestination['kind'];
  enabled: boolean;
  /** Events waiting now. */
  queued: number;
  queuedBytes: number;
  sentEvents: number;
  sentBatches: number;
  /** Events dropped, by why: `overflow` (the queue was full), `refused` (the destination refused them for good). */
  dropped: { overflow: number; refused: number };
  /** Batches whose every try failed (they went back to the queue). */
  failedBatches: number;
  lastError: string | null;
  lastErrorAt: number | null;
  lastSentAt: number | null;
}

export interface ExporterDeps {
  http: HttpClient;
  sleep: Sleep;
  now: () => number;
  log: (message: string) => void;
  /** Opens a file destination's sink; absent where the platform has no files (Workers): such destinations are reported and skipped. */
  openFile?: OpenLineSink;
  /** Aborted when the gateway stops: sends end early. */
  signal?: AbortSignal;
}

interface Queued {
  event: ExportEvent;
  bytes: number;
  at: number;
}

interface Lane {
  dest: LogExportDestination;
  /** The settings as JSON, to tell whether a `configure` changed them. */
  fingerprint: string;
  queue: Queued[];
  queuedBytes: number;
  sink?: LineSink;
  /** After a failed batch: no try before this (epoch ms), and how many failed in a row. */
  pausedUntil: number;
  failures: number;
  stats: ExportStats;
}

/** The longest pause of a destination whose batches keep failing. */
const MAX_PAUSE_MS = 60_000;

export function createLogExporter(settings: Pick<LogExportSettings, 'maxQueuedRows' | 'maxQueuedBytes'>, deps: ExporterDeps): LogExporter {
  let lanes = new Map<string, Lane>();

  const configure = (destinations: LogExportDestination[]) => {
    const next = new Map<string, Lane>();
    for (const dest of destinations) {
      const fingerprint = JSON.stringify(dest);
      const old = lanes.get(dest.id);
      if (old && old.fingerprint === fingerprint) {
        next.set(dest.id, old);
        continue;
      }
      // A changed destination starts afresh, but what waited for it is still its rows: kept.
      const lane: Lane = old
        ? { ...old, dest, fingerprint, sink: undefined, pausedUntil: 0, failures: 0, stats: { ...old.stats, kind: dest.kind, enabled: dest.enabled } }
        : {
            dest,
            fingerprint,
            queue: [],
            queuedBytes: 0,
            pausedUntil: 0,
            failures: 0,
            stats: emptyStats(dest),
          };
      if (old?.sink) void old.sink.close().catch(() => {});
      next.set(dest.id, lane);
    }
    for (const [id, old] of lanes) if (!next.has(id) && old.sink) void old.sink.close().catch(() => {});
    lanes = next;
  };

  const push = (lane: Lane, event: ExportEvent) => {
    const bytes = event.json.length;
    lane.queue.push({ event, bytes, at: deps.now() });
    lane.queuedBytes += bytes;
    trim(lane);
  };

  /** Drops the oldest events past the caps, counted. */
  const trim = (lane: Lane) => {
    let drop = 0;
    let bytes = lane.queuedBytes;
    while (lane.queue.length - drop > settings.maxQueuedRows || (bytes > settings.maxQueuedBytes && lane.queue.length - drop > 0)) {
      bytes -= lane.queue[drop]!.bytes;
      drop++;
    }
    if (drop === 0) return;
    lane.queue.splice(0, drop);
    lane.queuedBytes = bytes;
    lane.stats.dropped.overflow += drop;
  };

  const offer = (rows: LogRecord[], bodies: RequestBodiesRecord[]) => {
    const active = [...lanes.values()].filter((l) => l.dest.enabled);
    if (active.length === 0) return;
    // Made once, shared by every destination's queue.
    const rowEvents = rows.map(requestEvent);
    const withBodies = active.some((l) => l.dest.bodies) ? bodies.map((b) => bodiesEvent(b, deps.now())) : [];
    for (const lane of active) {
      for (const event of rowEvents) push(lane, event);
      if (lane.dest.bodies) for (const event of withBodies) push(lane, event);
    }
  };

  /** Takes the next batch off the front of the queue: up to maxRows events and maxBytes (at least one event). */
  const take = (lane: Lane): Queued[] => {
    let n = 0;
    let bytes = 0;
    while (n < lane.queue.length && n < lane.dest.batch.maxRows) {
      const next = lane.queue[n]!.bytes;
      if (n > 0 && bytes + next > lane.dest.batch.maxBytes) break;
      bytes += next;
      n++;
    }
    const batch = lane.queue.splice(0, n);
    lane.queuedBytes -= bytes;
    return batch;
  };

  const due = (lane: Lane, force: boolean): boolean => {
    if (!lane.dest.enabled || lane.queue.length === 0) return false;
    if (force) return true;
    if (deps.now() < lane.pausedUntil) return false;
    const { maxRows, maxBytes, maxWaitSeconds } = lane.dest.batch;
    return lane.queue.length >= maxRows || lane.queuedBytes >= maxBytes || deps.now() - lane.queue[0]!.at >= maxWaitSeconds * 1000;
  };

  const failed = (lane: Lane, error: string) => {
    lane.stats.lastError = error;
    lane.stats.lastErrorAt = deps.now();
  };

  /** Sends one batch; false when it failed (the lane pauses, the batch waits at the front). */
  const send = async (lane: Lane): Promise<boolean> => {
    const batch = take(lane);
    const events = batch.map((q) => q.event);
    const dest = lane.dest;
    let outcome: 'sent' | 'refused' | 'failed';
    let refusedItems = 0;
    if (dest.kind === 'file') {
      if (!deps.openFile) {
        failed(lane, 'this platform writes no files: a `file` destination works on the Node server only');
        outcome = 'refused';
      } else {
        try {
          lane.sink ??= deps.openFile(dest);
          await lane.sink.write(events.map((e) => `${e.json}\n`).join(''));
          outcome = 'sent';
        } catch (err) {
          failed(lane, `writing ${dest.path} failed: ${err instanceof Error ? err.message : String(err)}`);
          outcome = 'failed';
        }
      }
    } else {
      const result = await deliver({ http: deps.http, sleep: deps.sleep, signal: deps.signal }, encodeBatch(dest, events), { ...dest.retry, maxBackoffMs: 10_000 });
      if (result.kind === 'delivered') {
        outcome = 'sent';
        if (dest.kind === 'elastic') {
          const bulk = bulkRefusals(result.text);
          refusedItems = bulk.refused;
          if (bulk.first) failed(lane, `Elasticsearch refused ${bulk.refused} of ${events.length} documents; first: ${bulk.first}`);
        }
      } else {
        failed(lane, result.error);
        outcome = result.kind === 'refused' ? 'refused' : 'failed';
      }
    }
    switch (outcome) {
      case 'sent':
        lane.stats.sentEvents += events.length - refusedItems;
        lane.stats.dropped.refused += refusedItems;
        lane.stats.sentBatches++;
        lane.stats.lastSentAt = deps.now();
        lane.failures = 0;
        lane.pausedUntil = 0;
        return true;
      case 'refused':
        lane.stats.dropped.refused += events.length;
        return true;
      case 'failed': {
        lane.stats.failedBatches++;
        lane.queue.unshift(...batch);
        lane.queuedBytes += batch.reduce((sum, q) => sum + q.bytes, 0);
        trim(lane);
        lane.failures++;
        lane.pausedUntil = deps.now() + Math.min(dest.retry.backoffMs * 2 ** lane.failures, MAX_PAUSE_MS);
        return false;
      }
      default:
        return outcome satisfies never;
    }
  };

  /** One destination's round: its due batches one after another, until one fails or none is due. */
  const drain = async (lane: Lane, force: boolean) => {
    while (due(lane, force) && !deps.signal?.aborted) {
      if (!(await send(lane))) return;
    }
  };

  return {
    configure,
    offer,
    async round() {
      await Promise.all([...lanes.values()].map((lane) => drain(lane, false)));
    },
    async flush() {
      await Promise.all([...lanes.values()].map((lane) => drain(lane, true)));
    },
    stats: () => [...lanes.values()].map((l) => ({ ...l.stats, dropped: { ...l.stats.dropped }, queued: l.queue.length, queuedBytes: l.queuedBytes })),
  };
}

function emptyStats(dest: LogExportDestination): ExportStats {
  return {
    id: dest.id,
    kind: dest.kind,
    enabled: dest.enabled,
    queued: 0,
    queuedBytes: 0,
    sentEvents: 0,
    sentBatches: 0,
    dropped: { overflow: 0, refused: 0 },
    failedBatches: 0,
    lastError: null,
    lastErrorAt: null,
    lastSentAt: null,
  };
}
