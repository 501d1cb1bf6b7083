import type { CacheEntry, KeyRecord, LogRecord, UpstreamRecord } from '../../src/store/types.js';

/** Records for the conformance suite, every field set; overrides change a few. */

export const HOUR = 3_600_000;
/** A fixed hour, far from any bucket edge questions: 2026-12-01T10:00Z. */
export const T0 = Date.UTC(2026, 11, 1, 10);

export function logRow(overrides: Partial<LogRecord> = {}): LogRecord {
  return {
    id: 'req_1',
    ts: T0 + 1000,
    keyId: 'key-a',
    group: 'team-a',
    protocol: 'openai-chat',
    endpoint: 'chat',
    model: 'gpt-test',
    alias: 'smart',
    upstreamModel: 'gpt-upstream',
    upstreamId: 'oai',
    credentialId: 'cred-1',
    stream: true,
    status: 200,
    outcome: 'ok',
    inputTokens: 100,
    outputTokens: 50,
    cacheReadTokens: 10,
    cacheWriteTokens: 5,
    reasoningTokens: 20,
    costUsd: 0.0125,
    latencyMs: 300,
    ttfbMs: 120,
    cacheStatus: 'MISS',
    error: null,
    metadata: { app: 'tests', nested: { n: 1, ok: true } },
    translation: 'openai-chat -> anthropic-messages',
    warnings: ['dropped logprobs'],
    usageEstimated: false,
    attempts: [{ upstream: 'oai', credential: 'cred-0', status: 429, error: 'rate limited', ms: 12 }],
    savedTokens: 0,
    units: null,
    prompt: 'weather',
    promptVersion: 3,
    router: 'auto',
    tier: 'small',
    tierReason: 'rule short',
    referenceCostUsd: 0.05,
    ...overrides,
  };
}

/** n rows with ids `${prefix}-0001`…, one per second from `from`. */
export function logRows(n: number, prefix: string, overrides: Partial<LogRecord> = {}, from = T0): LogRecord[] {
  return Array.from({ length: n }, (_, i) => logRow({ id: `${prefix}-${String(i).padStart(4, '0')}`, ts: from + i * 1000, ...overrides }));
}

export function keyRecord(overrides: Partial<KeyRecord> = {}): KeyRecord {
  return {
    id: 'key-a',
    name: 'alice',
    hash: 'hash-a',
    prefix: 'sk-sb-a',
    group: 'team-a',
    models: ['gpt-test', 'claude'],
    limits: { rpm: 60, tpm: 200_000 },
    budget: { usd: 50, period: 'month' },
    cache: { ttlSeconds: 300 },
    ipAllowlist: ['10.0.0.0/8'],
    responses: { store: true, retentionDays: 7 },
    prompts: ['weather'],
    source: 'admin',
    ownerId: null,
    createdAt: T0,
    revokedAt: null,
    ...overrides,
  };
}

export function upstreamRecord(overrides: Partial<Omit<UpstreamRecord, 'credentials'>> = {}): Omit<UpstreamRecord, 'credentials'> {
  return {
    id: 'oai',
    kind: 'openai',
    baseUrl: 'https://api.example.test/v1',
    strategy: 'weighted',
    speaks: ['chat', 'responses'],
    models: ['gpt-upstream'],
    headers: { 'x-org': 'acme' },
    timeouts: { connectMs: 1000, firstByteMs: 2000, idleMs: 3000 },
    enabled: true,
    ...overrides,
  };
}

export function cacheEntry(overrides: Partial<CacheEntry> = {}): CacheEntry {
  return {
    keyHash: 'ch-1',
    scope: 'key:key-a',
    keyId: 'key-a',
    customKey: null,
    model: 'gpt-test',
    protocol: 'openai-chat',
    stream: false,
    status: 200,
    contentType: 'application/json',
    body: '{"id":"x","choices":[]}',
    usage: { inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
    bytes: 100,
    createdAt: T0,
    expiresAt: T0 + HOUR,
    lastUsedAt: T0,
    hits: 0,
    ...overrides,
  };
}
