import type { Usage } from '../translate/ir.js';
import type { Units } from '../translate/ir.js';
import type { PromptSpec } from '../config/prompt-schema.js';
import type { AliasSelection, AliasTarget, RouterConfig, CacheChoice, KeyBudget, KeyResponses, KeyLimits, ModelKind, Strategy, Timeouts, UpstreamKind, UpstreamSettings } from '../config/schema.js';

/** Records as the rest of the gateway sees them; the Store maps them to rows. */

export interface UpstreamRecord {
  id: string;
  kind: UpstreamKind;
  baseUrl: string | null;
  strategy: Strategy;
  /** For `openai` upstreams: which of its API shapes it serves. */
  speaks: ('chat' | 'responses')[];
  models: string[];
  headers: Record<string, string>;
  timeouts: Timeouts;
  enabled: boolean;
  /** Settings only some kinds read (azure deployments, copilot / codex sign-in URLs, model sync); absent: none. */
  settings?: UpstreamSettings;
  credentials: CredentialRecord[];
}

export interface CredentialRecord {
  id: string;
  upstreamId: string;
  /** Encrypted with the gateway secret; decrypt with policy/secrets. */
  secretEnc: string;
  hint: string;
  label: string | null;
  weight: number;
  enabled: boolean;
}

export interface RouteRecord {
  upstream: string;
  model: string;
  /** Share of first tries when the model's routes are weighted. */
  weight?: number;
}

export type CredentialState = 'healthy' | 'cooling' | 'disabled';

/** A credential's health as last learned; absent means healthy. */
export interface CredentialHealthRecord {
  credentialId: string;
  state: CredentialState;
  reason: string | null;
  since: number;
  /** End of a cooldown (epoch ms). */
  until: number | null;
  setBy: 'gateway' | 'admin';
}

/** One try of a request at one upstream with one credential. */
export interface Attempt {
  upstream: string;
  credential: string | null;
  /** The upstream's HTTP status, or null when it did not answer. */
  status: number | null;
  /** Why it failed; null for the try that served the request. */
  error: string | null;
  ms: number;
}

export interface ModelRecord {
  id: string;
  routes: RouteRecord[];
  /** What it does, for the model lists; absent: read from the id (routing/model-kind.ts). */
  kind?: ModelKind;
}

/** A public name that sends each request to a tier by rules over the request (routing/tier-rules.ts): stored as the config declares it. */
export type RouterRecord = RouterConfig;

/** A public name that resolves to several models (routing/aliases.ts). */
export interface AliasRecord {
  id: string;
  select: AliasSelection;
  targets: AliasTarget[];
  /** Shown in the model lists. */
  listed: boolean;
}

export interface KeyRecord {
  id: string;
  name: string;
  hash: string;
  prefix: string;
  group: string;
  /** Public model ids this key may use; null means all. */
  models: string[] | null;
  limits: KeyLimits | null;
  budget: KeyBudget | null;
  /** Response cache choice for this key; absent or null: the model's or the global setting. */
  cache?: CacheChoice | null;
  /** CIDRs this key may be used from; absent or null: no list of its own. */
  ipAllowlist?: string[] | null;
  /** Stored Responses (store, retention); absent or null: served statelessly. */
  responses?: KeyResponses | null;
  /** Prompt templates this key may call (docs/prompts.md); absent or null: those whose model the key may use. */
  prompts?: string[] | null;
  /** Where the key came from: `config`, `admin` or `cli`. */
  source: string;
  /** The user who owns it (a member sees only their own keys); absent or null: the admins'. */
  ownerId?: string | null;
  createdAt: number;
  revokedAt: number | null;
}

/**
 * A stored Responses answer as the database holds it: who owns it, when it
 * goes, and its content (the Response object and the input items that made
 * it) sealed with the gateway secret (stored-responses/sealing.ts).
 */
export interface StoredResponseRecord {
  /** The id the client saw (`resp_…`); unique within a key. */
  id: string;
  keyId: string;
  model: string;
  createdAt: number;
  /** Epoch ms past which it is neither served nor kept (the key's retention). */
  expiresAt: number;
  sealed: string;
}

/**
 * A sign-in an admin started and has not finished (a Codex PKCE sign-in):
 * kept in the database so any replica can finish it.
 */
export interface SignInRecord {
  /** The flow's own id (the OAuth `state`). */
  id: string;
  upstreamId: string;
  /** What finishing needs (the PKCE verifier), sealed with the gateway secret. */
  sealed: string;
  /** Epoch ms past which it can no longer be finished. */
  expiresAt: number;
}

/** A one-line agent setup link's token (Store['setupTokens']): what redeeming it gives, sealed. */
export interface SetupTokenRecord {
  /** The SHA-256 of the token (hex): a copy of the database does not hold the links themselves. */
  id: string;
  /** The client key's plaintext, sealed with the gateway secret (policy/secrets). */
  sealed: string;
  /** Epoch ms past which it is no longer served. */
  expiresAt: number;
}

/**
 * How a request ended, as stored in `request_log.outcome`; `interrupted`: the
 * gateway process stopped (killed, crashed) while the request was in flight,
 * recorded at its next start from its usage journal (usage/journal.ts).
 */
export type Outcome = 'ok' | 'error' | 'upstream_error' | 'incomplete' | 'interrupted';

/** A log row with when it was written (the writer's clock, ms). */
export interface WrittenRow {
  row: LogRecord;
  loggedAt: number;
}

export interface LogRecord extends Usage {
  id: string;
  ts: number;
  keyId: string | null;
  group: string | null;
  protocol: string;
  endpoint: string;
  /** The public model that served (an alias's target), or else the one asked for. */
  model: string | null;
  /** The alias the client asked for, when it asked for one; `model` is then the target tried last. */
  alias?: string | null;
  /**
   * The router the client asked for (`auto`; routing/tier-rules.ts); on a
   * classifier call's own row, the router it decided for (`tier` then null).
   */
  router?: string | null;
  /** The tier the router chose; `model` is then the tier's model (or its alias target) that served. */
  tier?: string | null;
  /** Why: `rule <name>`, `classifier said <tier>`, `default`, `classifier failed: …`; on a classifier call's row, `classifier for <request id>`. */
  tierReason?: string | null;
  /** What the request would have cost on the router's reference tier, at that tier's price, with the same tokens; null off a router or when unpriced. */
  referenceCostUsd?: number | null;
  upstreamModel: string | null;
  upstreamId: string | null;
  credentialId: string | null;
  stream: boolean;
  status: number;
  outcome: Outcome;
  costUsd: number | null;
  latencyMs: number;
  ttfbMs: number | null;
  cacheStatus: string | null;
  error: string | null;
  metadata: unknown;
  /** `client protocol -> upstream protocol` when the request was translated, else null. */
  translation: string | null;
  /** What translation could not carry across. */
  warnings: string[] | null;
  /** True when token figures are Switchboard's estimate, not the upstream's count. */
  usageEstimated: boolean;
  /** What endpoints billed by the unit used (images, audio seconds, characters, searches); absent or null: none. */
  units?: Units | null;
  /** Every try when more than one was made or the only one failed; else null. */
  attempts: Attempt[] | null;
  /** The prompt template the request ran (`POST /v1/prompts/{name}`) and its version; absent or null otherwise. */
  prompt?: string | null;
  promptVersion?: number | null;
  /** On a cache hit: the tokens the stored answer cost when it was made (its own token fields stay 0: nothing was spent). */
  savedTokens?: number;
  /**
   * The code of an error the gateway itself answered with (`SB_ERR_RATE_LIMITED`,
   * `SB_ERR_BUDGET_EXHAUSTED`…), for observers (metrics tell limit refusals
   * apart by it); not stored.
   */
  errorCode?: string;
}

/** A request's logged bodies, already redacted (policy/body-log.ts). */
export interface RequestBodiesRecord {
  requestId: string;
  /** `metadata`: JSON summaries of each body; `full`: the bodies as text. */
  mode: 'metadata' | 'full';
  requestBody: string | null;
  responseBody: string | null;
  requestTruncated: boolean;
  responseTruncated: boolean;
}

export interface LogQuery {
  keyId?: string;
  /** Only rows of keys this user owns (a member's view). */
  ownerId?: string;
  model?: string;
  status?: number;
  outcome?: Outcome;
  group?: string;
  upstreamId?: string;
  /** A cache status as recorded (`HIT`, `MISS`), or `none` for requests the cache did not see. */
  cacheStatus?: string;
  /** Text found in the request id, model, upstream model or error. */
  search?: string;
  from?: number;
  to?: number;
  limit: number;
  offset: number;
  /**
   * Only rows after this one in the list's order (newest first: an older
   * `ts`, or the same `ts` and a smaller `id`): keyset paging, whose cost
   * does not grow with the page's depth as an offset's does.
   */
  after?: { ts: number; id: string };
}

/** What a log prune deletes; each part may be left out. */
export interface LogPruneCutoffs {
  /** Rows older than this (epoch ms), with their bodies. */
  before?: number;
  /** The oldest rows past this many, with their bodies. */
  maxRows?: number;
  /** The bodies of rows older than this (epoch ms). */
  bodiesBefore?: number;
  /** The oldest bodies past this many bytes in all. */
  bodiesMaxBytes?: number;
}

export type UsageDimension = 'key' | 'group' | 'model' | 'upstream' | 'prompt';

export interface UsageQuery {
  by: UsageDimension;
  /** Only usage of keys this user owns (a member's view). */
  ownerId?: string;
  from: number;
  to: number;
  interval?: 'hour' | 'day';
}

export interface UsageRow extends Usage {
  /** The value of the grouped dimension (key id, group, model, upstream id or prompt template name). */
  value: string;
  /** Start of the hour or day bucket, epoch ms, when an interval was asked for. */
  bucket?: number;
  requests: number;
  errors: number;
  latencyMsAvg: number;
  ttfbMsAvg: number;
  /** Cost of the priced requests, USD; null when none was priced. */
  costUsd: number | null;
  /** Requests with no known cost; when above 0 and costUsd is a number, it is a partial total. */
  unpricedRequests: number;
  /** Units used by endpoints billed by the unit (usage/units.ts), summed. */
  images: number;
  audioSeconds: number;
  characters: number;
  searches: number;
  /** Web searches the gateway ran for hosted tools. */
  webSearches: number;
}

/** One stored answer of the response cache, exactly as the client received it. */
export interface CacheEntry {
  /** SHA-256 of the normalized request (or the client's own cache key) with its scope. */
  keyHash: string;
  /** `key:<id>` or `group:<name>`: who may read it. */
  scope: string;
  /** The key whose request made the entry. */
  keyId: string | null;
  /** The client's `x-switchboard-cache-key`, when it named the entry. */
  customKey: string | null;
  model: string;
  protocol: string;
  stream: boolean;
  status: number;
  contentType: string;
  body: string;
  /** What the answer cost to make, reported as saved on each hit. */
  usage: Usage;
  bytes: number;
  createdAt: number;
  expiresAt: number;
  lastUsedAt: number;
  hits: number;
}

/** Which entries a purge removes; every given filter must match, none given removes all. */
export interface CachePurge {
  model?: string;
  keyId?: string;
  customKey?: string;
}

export interface CacheStats {
  entries: number;
  bytes: number;
  hits: number;
}

/** Who made an audited change (admin/principal.ts's principal, as stored). */
export type AuditActor =
  | { kind: 'admin-key' }
  | { kind: 'user'; userId: string; name: string }
  /** A failed sign-in: nobody was recognised. */
  | { kind: 'anonymous' };

/** How an audited call ended: `denied` (401, 403), `rejected` (another 4xx: invalid, unknown id, conflict), `error` (5xx). */
export type AuditOutcome = 'ok' | 'denied' | 'rejected' | 'error';

/** One row of the audit log (Store['audit']): an admin API write, or a sign-in to the dashboard. */
export interface AuditRecord {
  id: string;
  /** Epoch ms. */
  at: number;
  actor: AuditActor;
  /** `METHOD /route/{param}` as in the OpenAPI document, or `sign-in`, `sign-in.failed`, `sign-out`. */
  action: string;
  /** The changed thing's id (the route's path parameters joined by `/`, or the created id); null when the call names none. */
  target: string | null;
  /** The request's query and body as JSON text, secrets masked and cut to a few KB; null when there were none. */
  summary: string | null;
  /** The caller's address as read (security.trustProxy); null when unknown. */
  address: string | null;
  /** The HTTP status answered. */
  status: number;
  outcome: AuditOutcome;
}

export interface AuditQuery {
  /** `admin-key`, or a user's id or name. */
  actor?: string;
  /** Text found in the action, ignoring case (`DELETE`, `/upstreams`, `sign-in`). */
  action?: string;
  /** The target id, or its start (`openai` finds `openai/cred_1`). */
  target?: string;
  outcome?: AuditOutcome;
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
  limit: number;
  offset: number;
}

export interface AuditPruneCutoffs {
  /** Rows older than this (epoch ms). */
  before?: number;
  /** The oldest rows past this many. */
  maxRows?: number;
}

/** What an admin lets a member's own keys have (docs/users.md); null: no cap of that kind. */
export interface UserCaps {
  /** Public model ids the member's keys may list. */
  models: string[] | null;
  /** Upstream ids: the member's keys may list only models whose every route goes to one of these. */
  upstreams: string[] | null;
  /** The group the member's keys are counted under; null: any group. */
  group: string | null;
  /** Most requests / tokens per minute a key of theirs may have. */
  rpm: number | null;
  tpm: number | null;
  /** Most budget a key of theirs may have, per this period. */
  budget: KeyBudget | null;
  /** Most keys (not revoked) they may hold at once. */
  maxKeys: number | null;
}

export type UserRole = 'admin' | 'member';

export interface UserRecord {
  id: string;
  name: string;
  role: UserRole;
  /** `pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>` (policy/passwords.ts). */
  passwordHash: string;
  disabled: boolean;
  caps: UserCaps;
  createdAt: number;
  updatedAt: number;
}

/** A signed-in session; the cookie holds the token, the database only its SHA-256. */
export interface SessionRecord {
  /** SHA-256 of the session token, hex. */
  id: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
}

export type KeyRequestState = 'pending' | 'approved' | 'rejected';

/** What a member asked a key to have beyond their caps. */
export interface KeyRequestSpec {
  name: string;
  group?: string;
  models?: string[];
  limits?: KeyLimits;
  budget?: KeyBudget;
}

export interface KeyRequestRecord {
  id: string;
  userId: string;
  spec: KeyRequestSpec;
  reason: string;
  state: KeyRequestState;
  note: string | null;
  /** `admin-key` or `user:<name>` (admin/principal.ts). */
  decidedBy: string | null;
  decidedAt: number | null;
  /** The key made on approval. */
  keyId: string | null;
  /** When the member fetched the key's secret (once). */
  claimedAt: number | null;
  createdAt: number;
}

/** A record kept sealed with the gateway secret (an alert webhook, a log export destination: they hold URLs and tokens). */
export interface SealedRecord {
  id: string;
  /** The config's JSON of it, sealed (policy/secrets.ts). */
  sealed: string;
  updatedAt: number;
}

/** One firing of an alert rule for one scope (alerts/), open until it resolves. */
export interface AlertFiringRecord {
  id: string;
  ruleId: string;
  /** What it fired for: `model=gpt-4o`, `upstream=oai`, `credential=…`; empty for the whole window or gateway. */
  scope: string;
  kind: string;
  /** The figure that crossed the threshold, when it fired. */
  value: number;
  threshold: number;
  message: string;
  startedAt: number;
  resolvedAt: number | null;
}

/** One message sent (or not) to one webhook. */
export interface AlertDeliveryRecord {
  id: string;
  /** Null for a test message. */
  firingId: string | null;
  webhookId: string;
  event: 'firing' | 'resolved' | 'test';
  ok: boolean;
  /** The webhook's last HTTP status; null when it never answered. */
  status: number | null;
  tries: number;
  error: string | null;
  at: number;
}

export type AlertDimensionColumn = 'model' | 'upstream' | 'key' | 'group';

/** The request log over a window, for the alert rules that read it. */
export interface AlertFiguresQuery {
  from: number;
  to: number;
  /** One row per value of this (its requests only); absent: one row for the whole window. */
  by?: AlertDimensionColumn;
  model?: string;
  upstreamId?: string;
  keyId?: string;
  /** A group, with its narrowings (`team-a` covers `team-a/<sub>`). */
  group?: string;
  /** Compute the p95 latency (a window function over the rows); else null. */
  latency: boolean;
}

export interface AlertFigures {
  /** The dimension's value; '' when not split (or a row without one). */
  value: string;
  requests: number;
  /** Requests whose outcome was not `ok`. */
  errors: number;
  /** Requests the gateway itself refused with 429 (rate limits and budgets: no upstream was tried). */
  refusals: number;
  /** Nearest-rank p95 of the whole request's latency, ms. */
  latencyP95: number | null;
}

/** One saved version of a prompt template (docs/prompts.md). */
export interface PromptVersionRecord {
  name: string;
  version: number;
  spec: PromptSpec;
  createdAt: number;
}

/** A template as served: its published version, and the newest saved one. */
export interface PromptRecord extends PromptVersionRecord {
  latestVersion: number;
  updatedAt: number;
}
