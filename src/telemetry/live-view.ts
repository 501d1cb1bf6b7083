import type { LogRecord } from '../store/types.js';

/** What a started request shows: who asked for what, where it went; no usage yet. */
export interface StartedView {
  id: string;
  ts: number;
  keyId: string | null;
  group: string | null;
  protocol: LogRecord['protocol'];
  endpoint: LogRecord['endpoint'];
  model: LogRecord['model'];
  alias: string | null;
  upstreamId: string | null;
  upstreamModel: string | null;
  stream: boolean;
  /** When its first byte reached the client, once it has. */
  firstByteAt?: number;
}

/** What a watcher asked to see; each part left out matches everything. */
export interface LiveFilter {
  keyId?: string;
  /** The model asked for: a row's model or its alias. */
  model?: string;
  upstreamId?: string;
  /** An exact status (`429`), or a class (`5` for 5xx). Requests in flight have none: a status filter shows finished rows only. */
  status?: { exact: number } | { class: number };
  /** A member's user id: only requests of the keys they own (an admin: unset, every key). */
  ownerId?: string;
}

export function startedView(row: Readonly<LogRecord>, firstByteAt?: number): StartedView {
  return {
    id: row.id,
    ts: row.ts,
    keyId: row.keyId,
    group: row.group,
    protocol: row.protocol,
    endpoint: row.endpoint,
    model: row.model,
    alias: row.alias ?? null,
    upstreamId: row.upstreamId,
    upstreamModel: row.upstreamModel,
    stream: row.stream,
    ...(firstByteAt === undefined ? {} : { firstByteAt }),
  };
}

/** What a filter reads of a request: a started view, or a finished row (which has a status). */
type Matched = Pick<StartedView, 'keyId' | 'model' | 'upstreamId'> & { alias?: string | null; status?: number };

/** Whether a watcher's filter takes a request; `ownerOf` names a key's owner (for a member's filter). */
export function matches(filter: LiveFilter, row: Readonly<Matched>, finished: boolean, ownerOf: (keyId: string) => string | undefined): boolean {
  if (filter.keyId !== undefined && row.keyId !== filter.keyId) return false;
  if (filter.ownerId !== undefined && (row.keyId === null || ownerOf(row.keyId) !== filter.ownerId)) return false;
  if (filter.model !== undefined && row.model !== filter.model && row.alias !== filter.model) return false;
  if (filter.upstreamId !== undefined && row.upstreamId !== filter.upstreamId) return false;
  if (filter.status !== undefined) {
    if (!finished || row.status === undefined) return false;
    if ('exact' in filter.status ? row.status !== filter.status.exact : Math.floor(row.status / 100) !== filter.status.class) return false;
  }
  return true;
}
