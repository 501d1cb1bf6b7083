import type { KeyBudget, KeyLimits, Timeouts, UpstreamKind } from '../config/schema.js';

/** Records as the rest of the gateway sees them; the Store maps them to rows. */

export interface UpstreamRecord {
  id: string;
  kind: UpstreamKind;
  baseUrl: string | null;
  strategy: 'round-robin';
  /** For `openai` upstreams: which of its API shapes it serves. */
  speaks: ('chat' | 'responses')[];
  models: string[];
  headers: Record<string, string>;
  timeouts: Timeouts;
  enabled: boolean;
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
}

export interface ModelRecord {
  id: string;
  routes: RouteRecord[];
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
  /** Where the key came from: `config`, `admin` or `cli`. */
  source: string;
  createdAt: number;
  revokedAt: number | null;
}

/** How a request ended, as stored in `request_log.outcome`. */
export type Outcome = 'ok' | 'error' | 'upstream_error' | 'incomplete';

export interface Usage {
  /** Input tokens not read from a cache. */
  inputTokens: number;
  /** All output tokens, reasoning included. */
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** The part of outputTokens spent on reasoning. */
  reasoningTokens: number;
}

export const ZERO_USAGE: Usage = Object.freeze({
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
});

export interface LogRecord extends Usage {
  id: string;
  ts: number;
  keyId: string | null;
  group: string | null;
  protocol: string;
  endpoint: string;
  model: string | null;
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
}

export interface LogQuery {
  keyId?: string;
  model?: string;
  status?: number;
  outcome?: Outcome;
  from?: number;
  to?: number;
  limit: number;
  offset: number;
}

export type UsageDimension = 'key' | 'group' | 'model' | 'upstream';

export interface UsageQuery {
  by: UsageDimension;
  from: number;
  to: number;
  interval?: 'hour' | 'day';
}

export interface UsageRow extends Usage {
  /** The value of the grouped dimension (key id, group, model or upstream id). */
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
}
