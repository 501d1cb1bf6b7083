import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database as Schema } from '../../store/schema.js';
import { transactionBatch } from '../../store/batch.js';
import { DEFAULT_MAX_PARAMS } from '../../store/chunks.js';
import { kyselyLogStore } from '../../store/kysely-log-store.js';
import { connectionPragmas, withStatementCache } from './sqlite-connection.js';
import type { LogWriterAnswer, LogWriterData, LogWriterRequest } from './log-writer-messages.js';

/**
 * The log writer's thread (log-writer.ts): its own connection to the
 * gateway's SQLite file and the same request-log store as the main thread's,
 * serving the recorder's `logs.write` batches so their synchronous SQLite
 * work is off the event loop that answers requests. No migrations: the main
 * thread ran them before this thread was started.
 */
const port = parentPort;
if (!port) throw new Error('log-writer-worker.ts runs as a worker thread (log-writer.ts starts it)');

const { path } = workerData as LogWriterData;
const sqlite = new Database(path, { fileMustExist: true });
connectionPragmas(sqlite);
const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
const logs = kyselyLogStore(db, transactionBatch(db), DEFAULT_MAX_PARAMS);
const writing = new Set<Promise<void>>();

port.on('message', (request: LogWriterRequest) => {
  if (request.kind === 'close') {
    void close();
    return;
  }
  const done = logs.write(request.rows, request.bodies).then(
    () => answer({ id: request.id, ok: true }),
    (err: unknown) => answer({ id: request.id, ok: false, error: describe(err) }),
  );
  writing.add(done);
  void done.finally(() => writing.delete(done));
});

function answer(message: LogWriterAnswer): void {
  port!.postMessage(message);
}

/** Ends the thread once the writes it took are answered: the connection closes, then the port, and nothing else keeps it alive. */
async function close(): Promise<void> {
  await Promise.allSettled([...writing]);
  await db.destroy();
  port!.close();
}

/** What the main thread rebuilds the error from: the recorder logs its name and message, the log store reads its code and constraint. */
function describe(err: unknown): Extract<LogWriterAnswer, { ok: false }>['error'] {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err) };
  const { code, constraint } = err as { code?: unknown; constraint?: unknown };
  return {
    name: err.name,
    message: err.message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof constraint === 'string' ? { constraint } : {}),
  };
}
