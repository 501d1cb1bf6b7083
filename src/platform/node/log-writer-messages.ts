import type { LogRecord, RequestBodiesRecord } from '../../store/types.js';

/** What the log writer's thread is started with. */
export interface LogWriterData {
  /** The SQLite file, already migrated. */
  path: string;
}

/** From the main thread: one `logs.write`, or the end (after the last write's answer). */
export type LogWriterRequest = { kind: 'write'; id: number; rows: LogRecord[]; bodies: RequestBodiesRecord[] } | { kind: 'close' };

/** From the thread: how write `id` went. */
export type LogWriterAnswer =
  | { id: number; ok: true }
  | { id: number; ok: false; error: { name: string; message: string; code?: string; constraint?: string } };
