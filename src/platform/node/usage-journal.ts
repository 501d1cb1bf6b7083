import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Config } from '../../config/schema.js';
import { startedPart, type UsageJournal } from '../../usage/journal.js';
import { storageKind } from './open-store.js';
import { sqlitePath } from './sqlite.js';

/**
 * The usage journal on Node (usage/journal.ts): append-only files on local
 * disk, one folder per gateway process under the journal's root, so
 * processes sharing a data folder never write into each other's files.
 *
 * Each event is a line, written with write(2) and no fsync: once write
 * returns the kernel holds it, so a process killed with SIGKILL (or
 * crashing) loses nothing; a power cut or a kernel crash may lose the last
 * seconds (what the database's own commits promise is not repeated here, to
 * keep a request's cost at a few microseconds). A finished row is written at
 * once, before its answer's last byte can leave; the admissions of one turn
 * of the event loop are written together, at its end or with the turn's
 * first finished row, so under load one write carries many (a process
 * killed within that turn records those few requests as never sent).
 *
 * A line is `s` (admitted: the row's admission fields) or `f` (finished: the
 * whole row) followed by JSON.
 * The files are segments of about SEGMENT_BYTES: a segment is deleted once
 * every request it names has finished and every row it holds is in the
 * database (the recorder says so), so the journal holds what is in flight
 * and what waits to be written, no more. At a clean stop the folder goes.
 */
export interface FileJournal extends UsageJournal {
  /** This process's folder. */
  readonly dir: string;
  /** Requests started and not finished, and rows not yet written (tests, the stop's log line). */
  pending(): number;
  /** Tells other processes this folder's owner is alive (the lock's time; a job, every HEARTBEAT_MS). */
  heartbeat(): void;
  /** Closes the file; the folder is deleted when nothing in it is pending, else kept for the next start. */
  close(): void;
}

/** A segment is closed and a new one begun past this many bytes (about 1,500 requests). */
const SEGMENT_BYTES = 1 << 20;
/** How often a live process touches its lock file. */
export const HEARTBEAT_MS = 10_000;
/** A lock untouched for this long belongs to a process that is gone (on any host). */
const STALE_MS = 6 * HEARTBEAT_MS;
const LOCK = 'owner';
/** Folders this process writes (two gateways in one process, as in tests, are two owners). */
const ownFolders = new Set<string>();

interface Segment {
  path: string;
  fd: number | null;
  bytes: number;
  /** Requests of this segment not finished, plus finished rows in it not yet written. */
  open: number;
}

/**
 * Where the usage journal is kept (`storage.journal`), or undefined when it
 * is off: by default beside a SQLite file, and nowhere with PostgreSQL or a
 * database in memory unless the config asks.
 */
export function journalRoot(config: Config): string | undefined {
  const { enabled, dir } = config.storage.journal;
  if (enabled === false) return undefined;
  if (dir) return resolve(dir);
  const url = config.storage.url;
  if (storageKind(url) === 'sqlite' && sqlitePath(url) !== ':memory:') return `${sqlitePath(url)}.usage-journal`;
  return enabled ? resolve('./data/usage-journal') : undefined;
}

/** Opens a new journal folder for this process under `root` (call `staleJournals` first to replay the dead ones). */
export function openUsageJournal(root: string, log: (message: string) => void): FileJournal {
  mkdirSync(root, { recursive: true });
  const dir = join(root, `${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(dir);
  writeFileSync(join(dir, LOCK), `${process.pid} ${hostname()}\n`);
  ownFolders.add(dir);

  let seq = 0;
  const segments: Segment[] = [];
  const newSegment = (): Segment => {
    const path = join(dir, `${String(++seq).padStart(6, '0')}.jsonl`);
    const segment = { path, fd: openSync(path, 'a'), bytes: 0, open: 0 };
    segments.push(segment);
    return segment;
  };
  let current = newSegment();
  /** Where each pending request's latest line is. */
  const where = new Map<string, Segment>();
  let failing = false;

  /** Deletes every closed segment with nothing pending. */
  const sweep = () => {
    for (let i = segments.length - 1; i >= 0; i--) {
      const segment = segments[i];
      if (segment === current || segment.open > 0) continue;
      segments.splice(i, 1);
      try {
        unlinkSync(segment.path);
      } catch (err) {
        log(`usage journal: could not delete ${segment.path}: ${String(err)}`);
      }
    }
  };

  /** Admission lines not yet written, and their requests. */
  let held = '';
  let heldIds: string[] = [];
  let flushQueued = false;

  const append = (text: string): boolean => {
    try {
      if (current.fd === null) return false;
      current.bytes += writeSync(current.fd, text);
      if (failing) log('usage journal: writing again');
      failing = false;
      return true;
    } catch (err) {
      // A full or broken disk must not fail requests: their rows still go to the database, only unguarded.
      if (!failing) log(`usage journal: cannot write ${current.path} (requests are served, but a crash now would lose their rows): ${String(err)}`);
      failing = true;
      return false;
    }
  };

  const rotateIfFull = () => {
    if (current.bytes < SEGMENT_BYTES) return;
    if (current.fd !== null) closeSync(current.fd);
    current.fd = null;
    current = newSegment();
    sweep();
  };

  /** Writes the held admissions, with `line` after them in the same write; tracks them in the segment written to. */
  const writeHeld = (line = ''): boolean => {
    const ids = heldIds;
    const text = held + line;
    held = '';
    heldIds = [];
    if (!append(text)) return false;
    for (const id of ids) where.set(id, current);
    current.open += ids.length;
    return true;
  };

  /** The request's previous line no longer holds its segment. */
  const release = (id: string) => {
    const segment = where.get(id);
    if (!segment) return;
    where.delete(id);
    segment.open--;
  };

  return {
    dir,
    started(row) {
      held += `s${JSON.stringify(startedPart(row))}\n`;
      heldIds.push(row.id);
      if (flushQueued) return;
      flushQueued = true;
      setImmediate(() => {
        flushQueued = false;
        if (heldIds.length === 0) return;
        writeHeld();
        rotateIfFull();
      });
    },
    finished(row) {
      const written = writeHeld(`f${JSON.stringify(row)}\n`);
      release(row.id);
      if (!written) return;
      current.open++;
      where.set(row.id, current);
      rotateIfFull();
    },
    written(ids) {
      for (const id of ids) release(id);
      sweep();
    },
    pending: () => where.size,
    heartbeat() {
      const now = new Date();
      utimesSync(join(dir, LOCK), now, now);
    },
    close() {
      if (heldIds.length > 0) writeHeld();
      if (current.fd !== null) closeSync(current.fd);
      current.fd = null;
      ownFolders.delete(dir);
      if (where.size === 0) rmSync(dir, { recursive: true, force: true });
      else {
        // The lock goes too: the next start replays this folder at once.
        unlinkSync(join(dir, LOCK));
        log(`usage journal: ${where.size} request(s) not written or not finished are kept in ${dir} for the next start`);
      }
    },
  };
}

/**
 * The folders under `root` whose process is gone: no lock, a lock naming a
 * process of this host that no longer runs, or a lock no one has touched
 * for STALE_MS (a process on another host, or one killed before it ever
 * touched it and whose host name changed: a container started again).
 */
export function staleJournals(root: string, now = Date.now()): string[] {
  if (!existsSync(root)) return [];
  const stale: string[] = [];
  for (const name of readdirSync(root).sort()) {
    const dir = join(root, name);
    if (ownFolders.has(dir) || !statSync(dir).isDirectory()) continue;
    if (!ownerAlive(join(dir, LOCK), now)) stale.push(dir);
  }
  return stale;
}

function ownerAlive(lock: string, now: number): boolean {
  let text: string;
  let touched: number;
  try {
    text = readFileSync(lock, 'utf8');
    touched = statSync(lock).mtimeMs;
  } catch {
    return false;
  }
  const [pid, host] = text.trim().split(' ');
  if (host === hostname()) {
    // This process holds no such folder (ownFolders), so a lock with its own pid is an earlier process's.
    if (Number(pid) === process.pid) return false;
    return processRuns(Number(pid));
  }
  return now - touched < STALE_MS;
}

function processRuns(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
