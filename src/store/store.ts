import type {
  KeyRecord,
  LogQuery,
  LogRecord,
  ModelRecord,
  UpstreamRecord,
  CredentialRecord,
  UsageQuery,
  UsageRow,
} from './types.js';

/**
 * The only way to the database. SQLite implements it now (kysely-store.ts over
 * a SQLite dialect); PostgreSQL and D1 implement it with the same queries.
 * Every write bumps a revision so other processes can see that their
 * in-memory snapshot is stale.
 */
export interface Store {
  upstreams: {
    list(): Promise<UpstreamRecord[]>;
    put(upstream: Omit<UpstreamRecord, 'credentials'>): Promise<void>;
    delete(id: string): Promise<boolean>;
    putCredential(credential: CredentialRecord): Promise<void>;
    deleteCredential(upstreamId: string, credentialId: string): Promise<boolean>;
  };
  models: {
    list(): Promise<ModelRecord[]>;
    put(model: ModelRecord): Promise<void>;
    delete(id: string): Promise<boolean>;
  };
  keys: {
    list(): Promise<KeyRecord[]>;
    put(key: KeyRecord): Promise<void>;
    revoke(id: string, at: number): Promise<boolean>;
  };
  logs: {
    /** Writes log rows and their hourly rollups in one transaction. */
    write(rows: LogRecord[]): Promise<void>;
    query(query: LogQuery): Promise<{ data: LogRecord[]; hasMore: boolean }>;
  };
  usage: {
    query(query: UsageQuery): Promise<UsageRow[]>;
  };
  settings: {
    get(key: string): Promise<string | undefined>;
    set(key: string, value: string): Promise<void>;
    /** A counter bumped by every write to keys, upstreams and models. */
    revision(): Promise<number>;
  };
  close(): Promise<void>;
}
