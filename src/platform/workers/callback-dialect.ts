import {
  type CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';

/** What runs one compiled statement: D1 itself, or a stand-in that records or replays. */
export type RunStatement = (query: CompiledQuery) => Promise<QueryResult<unknown>>;

/**
 * A Kysely dialect that speaks SQLite's SQL and hands every statement to
 * `run`. D1 is SQLite behind an HTTP-like API with no connections and no
 * SQL transactions, so one function is the whole driver; the D1 batch and
 * the migrations generator use the same dialect with `run` recording
 * statements instead of executing them.
 */
export function callbackDialect(run: RunStatement): Dialect {
  return {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new CallbackDriver(run),
    createQueryCompiler: (): QueryCompiler => new SqliteQueryCompiler(),
    createIntrospector: (db: Kysely<unknown>): DatabaseIntrospector => new SqliteIntrospector(db),
  };
}

const NO_TRANSACTIONS =
  'D1 has no SQL transactions: writes that must land together go through the store\'s batch (D1 batch())';

class CallbackDriver implements Driver {
  private readonly connection: DatabaseConnection;

  constructor(run: RunStatement) {
    this.connection = {
      executeQuery: <R>(query: CompiledQuery) => run(query) as Promise<QueryResult<R>>,
      // eslint-disable-next-line require-yield
      async *streamQuery() {
        throw new Error('D1 does not stream query results');
      },
    };
  }

  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return this.connection;
  }
  async beginTransaction(): Promise<void> {
    throw new Error(NO_TRANSACTIONS);
  }
  async commitTransaction(): Promise<void> {
    throw new Error(NO_TRANSACTIONS);
  }
  async rollbackTransaction(): Promise<void> {
    throw new Error(NO_TRANSACTIONS);
  }
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {}
}
