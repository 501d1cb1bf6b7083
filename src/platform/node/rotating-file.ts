import { mkdir, open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { LineSink } from '../../log-export/exporter.js';

export interface RotationSettings {
  path: string;
  /** Rotate before a write would take the file past this many bytes (a file holds at least one batch). */
  maxBytes: number;
  /** Rotate at the first write of a new UTC day. */
  daily: boolean;
  /** Rotated files kept; older ones are deleted. */
  keep: number;
}

/**
 * A log export `file` destination (log-export/exporter.ts): JSON lines
 * appended to `path`, rotated by size and by UTC day. A rotated file is
 * renamed `<path>.<UTC time of the rotation>` (sortable by name: the oldest
 * first), and past `keep` of them the oldest are deleted. Writes come one at
 * a time from the export job; each is one append of a whole batch.
 */
export function rotatingFile(settings: RotationSettings, now: () => number = Date.now): LineSink {
  let handle: FileHandle | undefined;
  let size = 0;
  /** The UTC day (YYYY-MM-DD) of the current file's first write, for daily rotation. */
  let day = '';

  const openCurrent = async () => {
    await mkdir(dirname(settings.path), { recursive: true });
    handle = await open(settings.path, 'a');
    const info = await stat(settings.path);
    size = info.size;
    // A file left by an earlier run belongs to the day it was last written.
    day = size > 0 ? utcDay(info.mtimeMs) : utcDay(now());
  };

  const rotate = async () => {
    await handle?.close();
    handle = undefined;
    const stamp = new Date(now()).toISOString().replace(/[-:]/g, '').replace('.', '');
    let target = `${settings.path}.${stamp}`;
    // Two rotations within one millisecond (a tiny maxBytes) still get names of their own.
    for (let n = 1; await exists(target); n++) target = `${settings.path}.${stamp}-${n}`;
    await rename(settings.path, target);
    await prune();
    await openCurrent();
  };

  const prune = async () => {
    const folder = dirname(settings.path);
    const prefix = `${basename(settings.path)}.`;
    const rotated = (await readdir(folder)).filter((name) => name.startsWith(prefix)).sort();
    for (const name of rotated.slice(0, Math.max(0, rotated.length - settings.keep))) await rm(join(folder, name), { force: true });
  };

  return {
    async write(text) {
      if (!handle) await openCurrent();
      const bytes = Buffer.byteLength(text);
      const newDay = settings.daily && size > 0 && utcDay(now()) !== day;
      if (size > 0 && (size + bytes > settings.maxBytes || newDay)) await rotate();
      await handle!.appendFile(text);
      if (size === 0) day = utcDay(now());
      size += bytes;
    },
    async close() {
      await handle?.close();
      handle = undefined;
    },
  };
}

function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
