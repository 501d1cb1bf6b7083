/**
 * What the admin API answers, as the page reads it. Fields other parts of
 * the gateway are still growing (health, counters, weights, attempts) are
 * optional: a section shows when the API sends them.
 */

export interface Page<T> {
  data: T[];
  hasMore?: boolean;
}

export interface Figures {
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  tokens: number;
  costUsd: number | null;
  errorRate: number | null;
  cacheHits: number;
  cacheLookups: number;
  cacheHitRatio: number | null;
  latencyP50: number | null;
  latencyP95: number | null;
}

export interface TopRow {
  value: string;
  name?: string | null;
  requests: number;
  errors: number;
  tokens: number;
  costUsd: number | null;
}

export interface Overview {
  from: number;
  to: number;
  bucketMs: number;
  totals: Figures;
  series: (Figures & { bucket: number })[];
  top: { key: TopRow[]; group: TopRow[]; model: TopRow[]; upstream: TopRow[] };
}

export interface KeyLimits {
  rpm?: number;
  tpm?: number;
  concurrent?: number;
  [other: string]: unknown;
}

export interface KeyBudget {
  usd?: number;
  tokens?: number;
  period: 'day' | 'week' | 'month' | 'total';
}

export interface Key {
  id: string;
  name: string;
  prefix: string;
  group: string;
  models: string[] | null;
  limits: KeyLimits | null;
  budget: KeyBudget | null;
  /** Present when the gateway has the response cache / IP allowlists. */
  cache?: boolean | { ttlSeconds: number } | null;
  ipAllowlist?: string[] | null;
  responses?: { store: boolean; retentionDays: number } | null;
  source: string;
  createdAt: number;
  revokedAt: number | null;
}

export interface UsageRow {
  value: string;
  name?: string | null;
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number | null;
  latencyMsAvg: number;
}

export interface UsageReport {
  rows: UsageRow[];
  totals: Omit<UsageRow, 'value' | 'latencyMsAvg'>;
}

export interface CredentialHealth {
  state?: string;
  reason?: string | null;
  since?: number | null;
  until?: number | null;
  [other: string]: unknown;
}

export interface Credential {
  id: string;
  hint: string;
  label: string | null;
  weight: number;
  enabled: boolean;
  state?: string;
  reason?: string | null;
  since?: number | null;
  health?: CredentialHealth;
  counters?: Record<string, number | null>;
  [other: string]: unknown;
}

export interface Upstream {
  id: string;
  kind: string;
  baseUrl: string | null;
  strategy: string;
  speaks?: string[];
  models: string[];
  headers: Record<string, string>;
  timeouts: { connectMs: number; firstByteMs: number; idleMs: number };
  enabled: boolean;
  credentials: Credential[];
}

export interface Route {
  upstream: string;
  model: string;
  weight?: number;
}

export interface Model {
  id: string;
  routes: Route[];
}

export interface Attempt {
  upstream: string;
  credential: string | null;
  status: number | null;
  error: string | null;
  ms: number;
}

export interface LogRow {
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
  outcome: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  costUsd: number | null;
  latencyMs: number;
  ttfbMs: number | null;
  cacheStatus: string | null;
  error: string | null;
  metadata: unknown;
  translation?: string | null;
  warnings?: string[] | null;
  usageEstimated?: boolean;
  attempts?: Attempt[] | null;
  [other: string]: unknown;
}
