import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { storageKind } from '../../platform/node/open-store.js';
import { sqlitePath } from '../../platform/node/sqlite.js';

export const BACKUP_HELP = `switchboard backup <file> [--config PATH]

Copies the SQLite database named by storage.url into <file>, safely while the
gateway runs (SQLite's online backup: one consistent snapshot; the gateway
keeps writing meanwhile). The copy is checked (PRAGMA quick_check) and only
then given its name; an existing <file> is never overwritten, a missing
folder is made.

To restore: stop the gateway, put the copy in the database's place (removing
the old file's -wal and -shm files), start it.

With PostgreSQL storage, back up with pg_dump instead (docs/operations.md):
  pg_dump --format=custom --file=switchboard.dump "postgres://user@host:5432/db"`;

/** `switchboard backup <file>`: an online backup of the SQLite database; PostgreSQL is pointed to pg_dump. */
export async function backupCommand(storageUrl: string, target: string | undefined, log: (line: string) => void = console.log): Promise<void> {
  if (!target) throw new Error(`backup: name the file to write\n\n${BACKUP_HELP}`);
  if (storageKind(storageUrl) === 'postgres') {
    throw new Error(
      'backup: the storage is PostgreSQL, which this command does not copy; back it up with pg_dump, e.g.\n' +
        `  pg_dump --format=custom --file=switchboard.dump "${withoutPassword(storageUrl)}"\n` +
        'and restore with pg_restore (docs/operations.md)',
    );
  }
  const source = sqlitePath(storageUrl);
  const destination = resolve(target);
  if (source === ':memory:') throw new Error('backup: storage.url is an in-memory SQLite database; there is nothing on disk to copy');
  if (!existsSync(source)) throw new Error(`backup: ${source} does not exist (storage.url "${storageUrl}")`);
  if (destination === source) throw new Error('backup: the target is the database itself');
  if (existsSync(destination)) throw new Error(`backup: ${destination} exists; remove it or name another file`);

  const started = Date.now();
  // Written under a temporary name, renamed once checked: a file with the target's name is always a whole copy.
  const partial = `${destination}.partial`;
  mkdirSync(dirname(destination), { recursive: true });
  rmSync(partial, { force: true });
  const db = new Database(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    // After the first step (which only sizes the copy), every page in one step: a copy made a few pages at a
    // time starts over whenever the running gateway writes, which it does every second.
    await db.backup(partial, { progress: ({ totalPages }) => totalPages });
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  } finally {
    db.close();
  }
  const check = checkCopy(partial);
  if (check !== 'ok') {
    rmSync(partial, { force: true });
    throw new Error(`backup: the copy failed its check (${check}); nothing was written`);
  }
  renameSync(partial, destination);
  const bytes = statSync(destination).size;
  log(`backed up ${source} to ${destination} (${(bytes / 1024 / 1024).toFixed(1)} MiB) in ${Date.now() - started} ms`);
}

/** `ok`, or what PRAGMA quick_check found wrong with the copy. */
function checkCopy(path: string): string {
  const copy = new Database(path, { fileMustExist: true });
  try {
    const rows = copy.pragma('quick_check') as { quick_check: string }[];
    return rows.map((r) => r.quick_check).join('; ');
  } finally {
    copy.close();
  }
}

/** The URL with its password masked, for a message meant to be copied into a shell. */
function withoutPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}
