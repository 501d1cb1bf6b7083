import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  Kysely,
  type QueryResult,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';

/**
 * A read-only Kysely handle on a SQLite file whose queries run in a worker
 * thread, on a connection of their own. better-sqlite3 answers synchronously:
 * on the gateway's own connection, an admin read over a long request log (the
 * overview's scans, a log search, an export page) would hold the event loop,
 * and every request in flight with it, for as long as SQLite works. In the
 * worker, the event loop only waits for the rows' copy. WAL lets this
 * connection read while the gateway's connection writes; each statement
 * sees what was committed when it started.
 *
 * The worker starts on the first query and stops when the handle is
 * destroyed. It keeps the process alive only while a query is out.
 */
export function sqliteReader<DB>(path: string): Kysely<DB> {
  return new Kysely<DB>({ dialect: readerDialect(path) });
}

function readerDialect(path: string): Dialect {
  return {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new ReaderDriver(path),
    createIntrospector: (db) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  };
}

/**
 * The worker's code, plain CommonJS (an `eval` worker), so it runs the same
 * from src/ through tsx, from dist/, and under the test runner. Statements
 * are prepared once and kept, as the gateway's own connection does.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
const statements = new Map();
parentPort.on('message', ({ id, sql, parameters }) => {
  try {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      if (statements.size >= 64) statements.delete(statements.keys().next().value);
      statements.set(sql, statement);
    }
    if (!statement.reader) throw new Error('the read-only connection runs queries that return rows only');
    parentPort.postMessage({ id, rows: statement.all(parameters) });
  } catch (err) {
    parentPort.postMessage({ id, error: { message: err && err.message, code: err && err.code } });
  }
});
`;

type Reply = { id: number; rows: unknown[]; error?: undefined } | { id: number; error: { message?: string; code?: string } };

class ReaderDriver implements Driver {
  #worker: Worker | undefined;
  #waiting = new Map<number, { resolve: (rows: unknown[]) => void; reject: (err: Error) => void }>();
  #next = 1;
  #failed: Error | undefined;

  constructor(private readonly path: string) {}

  async init(): Promise<void> {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path: this.path, driver } });
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const waiting = this.#waiting.get(reply.id);
      if (!waiting) return;
      this.#settled(reply.id);
      if (reply.error) waiting.reject(Object.assign(new Error(reply.error.message ?? 'query failed'), { code: reply.error.code }));
      else waiting.resolve(reply.rows);
    });
    // A worker that dies (the file could not be opened) fails what waits on it and every query after.
    const fail = (err: Error) => {
      this.#failed = err;
      for (const [id, waiting] of this.#waiting) {
        this.#settled(id);
        waiting.reject(err);
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the SQLite reader thread stopped (exit code ${code})`)));
    this.#worker = worker;
  }

  run(sql: string, parameters: readonly unknown[]): Promise<unknown[]> {
    const worker = this.#worker;
    if (this.#failed || !worker) return Promise.reject(this.#failed ?? new Error('the SQLite reader is not started'));
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      // Kept alive while a query is out, so a CLI awaiting one does not exit under it.
      if (this.#waiting.size === 0) worker.ref();
      this.#waiting.set(id, { resolve, reject });
      worker.postMessage({ id, sql, parameters });
    });
  }

  #settled(id: number): void {
    this.#waiting.delete(id);
    if (this.#waiting.size === 0) this.#worker?.unref();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    // The worker runs one statement at a time in order; callers need not wait for each other here.
    return new ReaderConnection(this);
  }

  async beginTransaction(): Promise<void> {
    throw new Error('the SQLite reader has no transactions');
  }
  async commitTransaction(): Promise<void> {}
  async rollbackTransaction(): Promise<void> {}
  async releaseConnection(): Promise<void> {}

  async destroy(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    this.#failed ??= new Error('the SQLite reader is closed');
    if (worker) await worker.terminate();
  }
}

class ReaderConnection implements DatabaseConnection {
  constructor(private readonly driver: ReaderDriver) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    return { rows: (await this.driver.run(compiled.sql, compiled.parameters)) as R[] };
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('the SQLite reader does not stream');
  }
}
