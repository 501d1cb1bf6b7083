import type { Store } from '../../store/store.js';
import { openSqliteStore } from './sqlite.js';

export interface OpenStoreOptions {
  log?: (message: string) => void;
  /** SQLite: switch an older file to incremental auto-vacuum at open (the gateway's start; see sqlite.ts). */
  enableAutoVacuum?: boolean;
}

/**
 * Opens the store named by `storage.url` and brings its schema up to date:
 * the scheme picks the database, `sqlite:<path>` or `postgres://…`
 * (`postgresql://` too).
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  switch (storageKind(url)) {
    case 'sqlite':
      return openSqliteStore(url, options);
    case 'postgres': {
      // Loaded only when asked for: pg adds a quarter of a second to every CLI command otherwise.
      const { openPostgresStore } = await import('./postgres.js');
      return openPostgresStore(url, { log: options.log });
    }
  }
}

/** Which database a storage URL names; throws a config error for any other scheme. */
export function storageKind(url: string): 'sqlite' | 'postgres' {
  if (url.startsWith('sqlite:')) return 'sqlite';
  if (/^postgres(ql)?:\/\//.test(url)) return 'postgres';
  throw new Error(`storage.url: unknown scheme in "${url.split(':')[0]}:…"; use sqlite:<path> or postgres://user@host:port/database`);
}
