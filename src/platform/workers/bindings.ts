/**
 * The parts of the Workers runtime the Workers platform uses, typed here
 * rather than through @cloudflare/workers-types, whose global declarations
 * clash with Node's in a project that builds both targets. Each is the
 * subset of the real interface we call; the names match the real ones.
 */

export interface D1Result<T = Record<string, unknown>> {
  results: T[];
  success: boolean;
  meta: { changes?: number; last_row_id?: number; rows_read?: number; rows_written?: number; duration?: number };
}

export interface D1PreparedStatement {
  bind(...values: unknown[]): D1PreparedStatement;
  all<T = Record<string, unknown>>(): Promise<D1Result<T>>;
  run<T = Record<string, unknown>>(): Promise<D1Result<T>>;
  first<T = Record<string, unknown>>(column?: string): Promise<T | null>;
  raw<T = unknown[]>(options?: { columnNames?: boolean }): Promise<T[]>;
}

export interface D1Database {
  prepare(query: string): D1PreparedStatement;
  /** Runs the statements in order as one implicit transaction: all land or none does. */
  batch<T = Record<string, unknown>>(statements: D1PreparedStatement[]): Promise<D1Result<T>[]>;
  exec(query: string): Promise<{ count: number; duration: number }>;
}

export interface DurableObjectId {
  toString(): string;
}

export interface DurableObjectStub {
  fetch(input: Request | string, init?: RequestInit): Promise<Response>;
}

export interface DurableObjectNamespace {
  idFromName(name: string): DurableObjectId;
  get(id: DurableObjectId): DurableObjectStub;
}

export interface DurableObjectStorage {
  get<T = unknown>(key: string): Promise<T | undefined>;
  get<T = unknown>(keys: string[]): Promise<Map<string, T>>;
  put<T>(key: string, value: T): Promise<void>;
  put<T>(entries: Record<string, T>): Promise<void>;
  delete(key: string | string[]): Promise<boolean | number>;
  list<T = unknown>(options?: { prefix?: string; limit?: number }): Promise<Map<string, T>>;
  setAlarm(scheduledTime: number | Date): Promise<void>;
  getAlarm(): Promise<number | null>;
  deleteAll(): Promise<void>;
}

export interface DurableObjectState {
  id: DurableObjectId;
  storage: DurableObjectStorage;
  blockConcurrencyWhile<T>(callback: () => Promise<T>): Promise<T>;
  waitUntil(promise: Promise<unknown>): void;
}

export interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
  passThroughOnException(): void;
}

export interface ScheduledController {
  scheduledTime: number;
  cron: string;
  noRetry(): void;
}

/** The static-assets binding (the built dashboard). */
export interface Fetcher {
  fetch(input: Request | string, init?: RequestInit): Promise<Response>;
}

/** The Worker's bindings, named as in wrangler.jsonc. */
export interface WorkerEnv {
  /** The database: every record, the config applied to it (store/). */
  DB: D1Database;
  /** Rate-limit and budget counters, one object per bucket (counters-object.ts). */
  COUNTERS: DurableObjectNamespace;
  /** The built dashboard (web/dist). */
  ASSETS?: Fetcher;
  /** The YAML config file's text (a var or a secret); `${NAME}` in it is filled from this env. */
  SWITCHBOARD_CONFIG?: string;
  /** Other vars and secrets the config names (`${NAME}`), the admin key and the encryption secret among them. */
  [name: string]: unknown;
}
