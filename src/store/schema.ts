import type { Generated } from 'kysely';

/**
 * Table types for Kysely. One schema for every adapter (SQLite now,
 * PostgreSQL and D1 later): times are epoch milliseconds, lists and objects
 * are JSON text, booleans are 0/1 integers.
 */
export interface Database {
  upstreams: UpstreamsTable;
  credentials: CredentialsTable;
  models: ModelsTable;
  routes: RoutesTable;
  aliases: AliasesTable;
  routers: RoutersTable;
  api_keys: ApiKeysTable;
  request_log: RequestLogTable;
  usage_rollup: UsageRollupTable;
  settings: SettingsTable;
  response_cache: ResponseCacheTable;
  request_bodies: RequestBodiesTable;
  credential_health: CredentialHealthTable;
  stored_responses: StoredResponsesTable;
  sign_ins: SignInsTable;
  setup_tokens: SetupTokensTable;
  audit_log: AuditLogTable;
  users: UsersTable;
  sessions: SessionsTable;
  key_requests: KeyRequestsTable;
  alert_rules: AlertRulesTable;
  alert_webhooks: AlertWebhooksTable;
  alert_firings: AlertFiringsTable;
  alert_deliveries: AlertDeliveriesTable;
  log_export_destinations: LogExportDestinationsTable;
  prompts: PromptsTable;
  prompt_versions: PromptVersionsTable;
  prompt_usage_rollup: PromptUsageRollupTable;
}

export interface AlertRulesTable {
  id: string;
  /** JSON: the rule as the config writes it (config/alerts-schema.ts). */
  spec: string;
  updated_at: number;
}

export interface AlertWebhooksTable {
  id: string;
  /** The webhook as the config writes it, JSON sealed with the gateway secret (its URL and headers may be secrets). */
  spec_enc: string;
  updated_at: number;
}

export interface AlertFiringsTable {
  id: string;
  rule_id: string;
  /** What it fired for (`model=gpt-4o`, `credential=…`); empty for the whole gateway. */
  scope: string;
  kind: string;
  value: number;
  threshold: number;
  message: string;
  started_at: number;
  resolved_at: number | null;
  /** `rule_id` and `scope` while open, null once resolved: unique, so one open firing per rule and scope across replicas. */
  open_key: string | null;
}

export interface AlertDeliveriesTable {
  id: string;
  /** Null for a test message. */
  firing_id: string | null;
  webhook_id: string;
  /** `firing`, `resolved` or `test`. */
  event: string;
  ok: number;
  status: number | null;
  tries: number;
  error: string | null;
  at: number;
}

export interface LogExportDestinationsTable {
  id: string;
  /** The destination as the config writes it, JSON sealed with the gateway secret (it holds tokens). */
  spec_enc: string;
  updated_at: number;
}

export interface UpstreamsTable {
  id: string;
  kind: string;
  base_url: string | null;
  /** JSON: strategy, models, headers, timeouts. */
  options: string;
  enabled: number;
  created_at: number;
  updated_at: number;
}

export interface CredentialsTable {
  id: string;
  upstream_id: string;
  /** The credential, encrypted with the gateway secret (policy/secrets). */
  secret_enc: string;
  /** A masked form safe to show, e.g. `sk-…abcd`. */
  hint: string;
  label: string | null;
  weight: number;
  enabled: number;
  created_at: number;
  /** Place in the pool's order; null: after the placed ones, by creation. */
  position: number | null;
}

export interface ModelsTable {
  id: string;
  /** A `MODEL_KINDS` name, or null: read from the id. */
  kind: string | null;
  created_at: number;
  updated_at: number;
}

export interface AliasesTable {
  id: string;
  /** JSON: select, targets (model, weight, overrides), listed. */
  spec: string;
  created_at: number;
  updated_at: number;
}

/** Routers (`auto`): the whole declaration (tiers, rules, classifier) is one JSON document. */
export interface RoutersTable {
  id: string;
  spec: string;
  created_at: number;
  updated_at: number;
}

export interface RoutesTable {
  model_id: string;
  position: number;
  upstream_id: string;
  upstream_model: string;
  /** Share of traffic when the model's routes are weighted; null keeps strict order. */
  weight: number | null;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  key_hash: string;
  key_prefix: string;
  group_name: string;
  /** JSON array of public model ids, or null for all. */
  models: string | null;
  limits: string | null;
  budget: string | null;
  /** JSON: true, false or {ttlSeconds}; null: not set on the key. */
  cache: string | null;
  /** JSON array of CIDRs the key may be used from; null: no list of its own. */
  ip_allowlist: string | null;
  /** JSON {store, retentionDays}; null: Responses served statelessly. */
  responses: string | null;
  /** JSON array of prompt template names the key may call; null: those whose model it may use. */
  prompts?: string | null;
  source: string;
  /** The user who owns it; null: the admins'. */
  owner_id: string | null;
  created_at: number;
  revoked_at: number | null;
}

export interface RequestLogTable {
  id: string;
  ts: number;
  key_id: string | null;
  group_name: string | null;
  protocol: string;
  endpoint: string;
  model: string | null;
  /** The alias the client asked for, or null. */
  alias: string | null;
  /** The router asked for (or, on a classifier call's row, decided for), its tier and why; null off a router. */
  router: string | null;
  tier: string | null;
  tier_reason: string | null;
  /** What the request would have cost on the router's reference tier. */
  reference_cost_usd: number | null;
  upstream_model: string | null;
  upstream_id: string | null;
  credential_id: string | null;
  stream: number;
  status: number;
  outcome: string;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  cost_usd: number | null;
  latency_ms: number;
  ttfb_ms: number | null;
  cache_status: string | null;
  error: string | null;
  metadata: string | null;
  translation: string | null;
  /** JSON array of strings. */
  warnings: string | null;
  usage_estimated: number;
  /** On a cache hit, the tokens the stored answer cost when it was made; 0 otherwise. */
  saved_tokens: number;
  /** JSON array of attempts (routing/attempts), when more than one try was made or the try failed. */
  attempts: string | null;
  /** JSON object of the units an endpoint billed by the unit used (usage/units.ts); null for none. */
  units: string | null;
  /** When the row was written, by the writer's clock (ms); null for rows older than the column. Read by the live view. */
  logged_at: number | null;
  /** The prompt template (`POST /v1/prompts/{name}`) and version the request ran; null otherwise. */
  prompt?: string | null;
  prompt_version?: number | null;
}

export interface UsageRollupTable {
  hour: number;
  key_id: string;
  group_name: string;
  model: string;
  upstream_id: string;
  requests: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  latency_ms_sum: number;
  ttfb_ms_sum: number;
  /** Sum of the priced requests' costs, USD. */
  cost_usd: number;
  /** Requests whose cost is unknown (their model has no price): cost_usd leaves them out. */
  unpriced_requests: number;
  /** Units of endpoints billed by the unit (usage/units.ts). */
  images: number;
  audio_seconds: number;
  characters: number;
  searches: number;
  /** Web searches the gateway ran for hosted tools. */
  web_searches: number;
}

/** What the gateway last learned about a credential: healthy, cooling until a time, or disabled. */
export interface CredentialHealthTable {
  credential_id: string;
  state: string;
  reason: string | null;
  since: number;
  until: number | null;
  /** `gateway` (learned from traffic or a probe) or `admin` (set by hand; probes leave it alone). */
  set_by: string;
}

/** The response cache: answers as the client received them, keyed on the normalized request. */
export interface ResponseCacheTable {
  key_hash: string;
  /** `key:<id>` or `group:<name>`. */
  scope: string;
  key_id: string | null;
  custom_key: string | null;
  model: string;
  protocol: string;
  stream: number;
  status: number;
  content_type: string;
  body: string;
  /** JSON Usage. */
  usage: string;
  bytes: number;
  created_at: number;
  expires_at: number;
  last_used_at: number;
  hits: number;
}

/** A request's logged bodies (policy/body-log.ts), already redacted. */
export interface RequestBodiesTable {
  request_id: string;
  /** `metadata` (JSON summaries) or `full` (the bodies as text). */
  mode: string;
  request_body: string | null;
  response_body: string | null;
  request_truncated: number;
  response_truncated: number;
  /** Both bodies' UTF-8 bytes, for the byte budget of retention (logs.bodiesMaxBytes). */
  bytes: number;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export type Generatedless<T> = { [K in keyof T]: T[K] extends Generated<infer U> ? U : T[K] };

/** Stored Responses answers (key field `responses`), pruned at `expires_at`. */
export interface StoredResponsesTable {
  key_id: string;
  id: string;
  model: string;
  created_at: number;
  expires_at: number;
  /** JSON {response, input}, sealed with the gateway secret (policy/secrets). */
  data_enc: string;
}

/** Started sign-ins (Store['signIns']), finished through any replica. */
export interface SignInsTable {
  id: string;
  upstream_id: string;
  /** Sealed with the gateway secret (policy/secrets). */
  data_enc: string;
  expires_at: number;
}

/** One-line agent setup links (Store['setupTokens']), each served once. */
export interface SetupTokensTable {
  /** SHA-256 of the token, hex. */
  id: string;
  /** The client key, sealed with the gateway secret (policy/secrets). */
  data_enc: string;
  expires_at: number;
}

/** The audit log (Store['audit']): admin API writes and dashboard sign-ins. */
export interface AuditLogTable {
  id: string;
  at: number;
  /** `admin-key`, `user` or `anonymous`. */
  actor_kind: string;
  /** The user's id and name when actor_kind is `user`. */
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  target: string | null;
  /** JSON text, secrets masked. */
  summary: string | null;
  address: string | null;
  status: number;
  outcome: string;
}

/** People who sign in to the dashboard (Store['users']). */
export interface UsersTable {
  id: string;
  name: string;
  /** `admin` or `member`. */
  role: string;
  /** `pbkdf2-sha256$<iterations>$<salt>$<hash>` (policy/passwords.ts). */
  password_hash: string;
  disabled: number;
  /** JSON UserCaps. */
  caps: string;
  created_at: number;
  updated_at: number;
}

/** Signed-in sessions (Store['sessions']): the token's hash only. */
export interface SessionsTable {
  /** SHA-256 of the session token, hex. */
  id: string;
  user_id: string;
  created_at: number;
  expires_at: number;
}

/** A member's asks for a key beyond their caps (Store['keyRequests']). */
export interface KeyRequestsTable {
  id: string;
  user_id: string;
  /** JSON KeyRequestSpec. */
  spec: string;
  reason: string;
  state: string;
  note: string | null;
  decided_by: string | null;
  decided_at: number | null;
  key_id: string | null;
  claimed_at: number | null;
  created_at: number;
}

/** Prompt templates (docs/prompts.md): the name and the version clients are served. */
export interface PromptsTable {
  name: string;
  published_version: number;
  created_at: number;
  updated_at: number;
}

/** Every saved version of a template; never changed once written. */
export interface PromptVersionsTable {
  name: string;
  version: number;
  /** JSON PromptSpec: model, system, messages, parameters, variables (a JSON Schema). */
  spec: string;
  created_at: number;
}

/** Hourly sums per template version (the usage report's `by=prompt`), written with the log rows. */
export interface PromptUsageRollupTable {
  hour: number;
  prompt: string;
  version: number;
  requests: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  latency_ms_sum: number;
  ttfb_ms_sum: number;
  cost_usd: number;
  unpriced_requests: number;
}
