import type { TierSplitRow } from './tier-split.js';
import type {
  AliasRecord,
  AuditPruneCutoffs,
  AuditQuery,
  AuditRecord,
  RouterRecord,
  CacheEntry,
  CachePurge,
  CacheStats,
  KeyRecord,
  LogPruneCutoffs,
  LogQuery,
  LogRecord,
  ModelRecord,
  UpstreamRecord,
  CredentialRecord,
  CredentialHealthRecord,
  RequestBodiesRecord,
  StoredResponseRecord,
  SignInRecord,
  SetupTokenRecord,
  PromptRecord,
  PromptVersionRecord,
  UsageQuery,
  UsageRow,
  WrittenRow,
  UserRecord,
  SessionRecord,
  KeyRequestRecord,
  KeyRequestState,
  SealedRecord,
  AlertFiringRecord,
  AlertDeliveryRecord,
  AlertFiguresQuery,
  AlertFigures,
} from './types.js';
import type { AlertRule } from '../config/alerts-schema.js';
import type { LogStats, LogStatsQuery } from './log-stats.js';
import type { LogPerformanceQuery, LogPerformanceRow } from './log-performance.js';

/**
 * The only way to the database. kysely-store.ts implements it once for
 * SQLite and PostgreSQL (and D1 later), with the same queries; every
 * implementation passes the conformance suite in test/store/. Every write to
 * keys, upstreams and models bumps a revision so other processes can see
 * that their in-memory snapshot is stale.
 */
export interface Store {
  upstreams: {
    list(): Promise<UpstreamRecord[]>;
    put(upstream: Omit<UpstreamRecord, 'credentials'>): Promise<void>;
    delete(id: string): Promise<boolean>;
    putCredential(credential: CredentialRecord): Promise<void>;
    deleteCredential(upstreamId: string, credentialId: string): Promise<boolean>;
    /** Puts a pool's credentials in this order (the round-robin sequence and retry order); ids must be the pool's. */
    orderCredentials(upstreamId: string, ids: string[]): Promise<void>;
    /** Replaces the sealed values of existing credentials, all or none (secret rotation). */
    resealCredentials(updates: { id: string; secretEnc: string }[]): Promise<void>;
    /**
     * Replaces the stored form of upstreams' `settings.proxy` (sealing a plain one, secret rotation) without a
     * revision bump: the URL it stands for is the same. An upstream whose stored proxy is no longer `from`
     * (written meanwhile) or that is gone is left as it is.
     */
    resealProxies(updates: { id: string; from: string; to: string }[]): Promise<void>;
  };
  /** What health checks learned about credentials; kept apart so config re-application leaves it alone. */
  health: {
    list(): Promise<CredentialHealthRecord[]>;
    put(health: CredentialHealthRecord): Promise<void>;
  };
  models: {
    list(): Promise<ModelRecord[]>;
    put(model: ModelRecord): Promise<void>;
    delete(id: string): Promise<boolean>;
  };
  /** Public names that resolve to several models (routing/aliases.ts). */
  aliases: {
    list(): Promise<AliasRecord[]>;
    put(alias: AliasRecord): Promise<void>;
    delete(id: string): Promise<boolean>;
  };
  /** Public names that send each request to a tier (routing/tier-rules.ts). */
  routers: {
    list(): Promise<RouterRecord[]>;
    put(router: RouterRecord): Promise<void>;
    delete(id: string): Promise<boolean>;
  };
  /** Prompt templates: every save a new version, one of them published (docs/prompts.md). */
  prompts: {
    /** Every template at its published version, by name. */
    list(): Promise<PromptRecord[]>;
    /** A template's saved versions, newest first; empty when there is no such template. */
    versions(name: string): Promise<PromptVersionRecord[]>;
    /** Saves `spec` as the template's next version and publishes it (creating the template); returns that version. */
    save(name: string, spec: PromptVersionRecord['spec'], at: number): Promise<PromptVersionRecord>;
    /** Publishes a saved version again (a rollback); false when the template or version does not exist. */
    publish(name: string, version: number, at: number): Promise<boolean>;
    /** Deletes the template with every version; false when it did not exist. */
    delete(name: string): Promise<boolean>;
  };
  keys: {
    list(): Promise<KeyRecord[]>;
    /** The key with this hash, revoked or not; for a key the snapshot does not know yet. */
    byHash(hash: string): Promise<KeyRecord | undefined>;
    put(key: KeyRecord): Promise<void>;
    revoke(id: string, at: number): Promise<boolean>;
  };
  logs: {
    /**
     * Writes log rows, their hourly rollups and any logged bodies together.
     * Idempotent by request id: a row already stored is skipped and not
     * added to the rollups again, so a retried batch never counts twice.
     */
    write(rows: LogRecord[], bodies?: RequestBodiesRecord[]): Promise<void>;
    get(id: string): Promise<LogRecord | undefined>;
    /** The request's logged bodies, when body logging was on for it. */
    bodies(requestId: string): Promise<RequestBodiesRecord | undefined>;
    query(query: LogQuery): Promise<{ data: LogRecord[]; hasMore: boolean }>;
    /**
     * The rows written at or after `since` (ms, by each writer's clock), the
     * last written first, at most `limit`; without `since`, the last written.
     * For the live view, which reads what every replica wrote.
     */
    written(since: number | undefined, limit: number): Promise<WrittenRow[]>;
    /** Sums, latency percentiles and top lists over a range, for the dashboard's overview. */
    stats(query: LogStatsQuery): Promise<LogStats>;
    /** Streamed, successful, uncached rows with their time to first token, newest first, at most `limit`; for the performance view. */
    performance(query: LogPerformanceQuery): Promise<{ rows: LogPerformanceRow[]; sampled: boolean }>;
    /** Requests to routers by router and tier over a range, with what they cost and would have cost on the reference tier. */
    tierSplit(range: { from: number; to: number }): Promise<TierSplitRow[]>;
    /**
     * Deletes the rows past the cutoffs' age or count with their bodies, then
     * the bodies past their age or byte budget, oldest first, in slices. The
     * hourly rollups stay: usage totals outlive the rows. Returns how many went.
     */
    prune(cutoffs: LogPruneCutoffs): Promise<{ rows: number; bodies: number }>;
  };
  usage: {
    query(query: UsageQuery): Promise<UsageRow[]>;
  };
  /** The response cache; read only for requests the cache is on for. */
  cache: {
    /** The live entry under a key hash, counted as a hit; undefined when absent or expired. */
    hit(keyHash: string, now: number): Promise<CacheEntry | undefined>;
    /** Stores an entry, replacing any under the same key hash. */
    put(entry: CacheEntry): Promise<void>;
    /** Deletes the entries matching every given filter (none: all); returns how many. */
    purge(filter: CachePurge): Promise<number>;
    /** Deletes expired entries, then the least recently used until the rest fit in maxBytes. */
    sweep(now: number, maxBytes: number): Promise<{ expired: number; evicted: number }>;
    stats(): Promise<CacheStats>;
  };
  /** Stored Responses answers of keys that opted in; every call names the owning key. */
  responses: {
    /** Stores an answer, replacing any of the same key and id. */
    put(record: StoredResponseRecord): Promise<void>;
    /** The key's live answer under that id; undefined when absent, another key's or expired. */
    get(keyId: string, id: string, now: number): Promise<StoredResponseRecord | undefined>;
    delete(keyId: string, id: string): Promise<boolean>;
    /** Deletes answers past their retention; returns how many. */
    prune(now: number): Promise<number>;
  };
  /** Sign-ins an admin started (Codex PKCE), so any replica can finish them. */
  signIns: {
    /** Stores a started sign-in and deletes the expired ones. */
    put(record: SignInRecord, now: number): Promise<void>;
    /** The sign-in under that id; undefined when absent or expired. */
    get(id: string, now: number): Promise<SignInRecord | undefined>;
    /** Removes it (finished); false when it was already gone, e.g. finished through another replica. */
    delete(id: string): Promise<boolean>;
  };
  /** One-line agent setup links (policy/setup-tokens.ts): minted with a key, served once by any replica. */
  setupTokens: {
    /** Stores a new token and deletes the expired ones. */
    put(record: SetupTokenRecord, now: number): Promise<void>;
    /**
     * The live token under that id, removed in the same call; undefined when
     * absent, expired or taken by a concurrent call (only the call whose
     * delete removed the row gets it, so a token is served once across replicas).
     */
    take(id: string, now: number): Promise<SetupTokenRecord | undefined>;
  };
  /** The audit log: admin API writes and dashboard sign-ins (admin/audit-trail.ts). */
  audit: {
    write(records: AuditRecord[]): Promise<void>;
    /** Newest first, filtered and paged. */
    query(query: AuditQuery): Promise<{ data: AuditRecord[]; hasMore: boolean }>;
    /** Deletes the rows past the cutoffs' age or count, oldest first, in slices; returns how many went. */
    prune(cutoffs: AuditPruneCutoffs): Promise<number>;
  };
  /** People who sign in to the dashboard (admin/users.ts). */
  users: {
    list(): Promise<UserRecord[]>;
    get(id: string): Promise<UserRecord | undefined>;
    byName(name: string): Promise<UserRecord | undefined>;
    put(user: UserRecord): Promise<void>;
    delete(id: string): Promise<boolean>;
  };
  /** Signed-in sessions by the token's hash, shared by every replica (admin/sessions.ts). */
  sessions: {
    /** Stores a new session and deletes the expired ones. */
    put(record: SessionRecord, now: number): Promise<void>;
    /** The live session under that hash; undefined when absent, expired or revoked. */
    get(id: string, now: number): Promise<SessionRecord | undefined>;
    delete(id: string): Promise<boolean>;
    /** Ends every session of a user (disabled, deleted, password changed); returns how many. */
    deleteForUser(userId: string): Promise<number>;
  };
  /** Members' asks for a key beyond their caps (admin/key-requests.ts). */
  keyRequests: {
    /** Newest first. */
    list(filter: { userId?: string; state?: KeyRequestState }): Promise<KeyRequestRecord[]>;
    get(id: string): Promise<KeyRequestRecord | undefined>;
    put(record: KeyRequestRecord): Promise<void>;
    /** Approves or rejects a pending request; false when it was no longer pending (decided elsewhere first). */
    decide(
      id: string,
      decision: { state: 'approved' | 'rejected'; note: string | null; decidedBy: string; decidedAt: number; keyId: string | null },
    ): Promise<boolean>;
    /** Marks an approved request's key as fetched; true only for the one call that did (the secret is shown once). */
    claim(id: string, at: number): Promise<boolean>;
  };
  /** Alert rules, webhooks, firings and deliveries (alerts/, docs/alerts.md). */
  alerts: {
    rules: {
      list(): Promise<AlertRule[]>;
      put(rule: AlertRule, at: number): Promise<void>;
      delete(id: string): Promise<boolean>;
    };
    webhooks: {
      list(): Promise<SealedRecord[]>;
      put(webhook: SealedRecord): Promise<void>;
      delete(id: string): Promise<boolean>;
    };
    /**
     * Opens a firing unless one of the same rule and scope is open; true when
     * this call opened it (of replicas evaluating at once, exactly one call
     * wins, and only its caller sends the message).
     */
    open(firing: AlertFiringRecord): Promise<boolean>;
    /** Resolves an open firing; true when this call resolved it (one caller sends the resolved message). */
    resolve(id: string, at: number): Promise<boolean>;
    openFirings(): Promise<AlertFiringRecord[]>;
    /** The latest firings, open or resolved, newest first. */
    recentFirings(limit: number): Promise<AlertFiringRecord[]>;
    /** Notes a delivery, and forgets firings and deliveries older than `keepSince` (resolved ones only). */
    recordDelivery(delivery: AlertDeliveryRecord, keepSince: number): Promise<void>;
    recentDeliveries(limit: number): Promise<AlertDeliveryRecord[]>;
    /** Request-log figures over a window (requests, errors, refusals, p95 latency). */
    figures(query: AlertFiguresQuery): Promise<AlertFigures[]>;
  };
  /** Where request rows are exported (log-export/, docs/observability.md). */
  logExports: {
    list(): Promise<SealedRecord[]>;
    put(destination: SealedRecord): Promise<void>;
    delete(id: string): Promise<boolean>;
  };
  settings: {
    get(key: string): Promise<string | undefined>;
    /** Bumps the revision: settings are shared by every process. */
    set(key: string, value: string): Promise<void>;
    /** A counter bumped by every write other processes must see: keys, upstreams, models, settings. */
    revision(): Promise<number>;
  };
  /**
   * Runs `work` while no other process on this database runs work under the
   * same name (PostgreSQL: an advisory lock), for a read-then-write sequence
   * of Store calls that two replicas must not interleave.
   */
  exclusive<T>(name: string, work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
