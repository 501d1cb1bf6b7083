import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import { queryTierSplit } from './tier-split.js';
import type { Batch } from './batch.js';
import type { Database, RequestBodiesTable, RequestLogTable } from './schema.js';
import type { Store } from './store.js';
import type { LogRecord, RequestBodiesRecord } from './types.js';
import { addToRollups } from './kysely-usage-store.js';
import { addToPromptRollups } from './prompt-rollups.js';
import { queryLogStats } from './log-stats.js';
import { queryLogPerformance } from './log-performance.js';
import { chunks, rowChunks } from './chunks.js';
import { compiledInserts } from './compiled-inserts.js';
import { usedUnits, type Units } from '../translate/ir.js';

/** Rows deleted per prune step, so pruning a long history never holds the writers back for long. */
const PRUNE_SLICE = 500;
/** Tries of one write when other writers keep storing some of its rows first; each lost try means another writer's batch landed. */
const WRITE_TRIES = 20;

/** The platform's part in a prune (KyselyStoreOptions). */
export interface RetentionHooks {
  reclaimSpace?: () => Promise<void>;
  pauseBetweenSlices?: () => Promise<void>;
}

/**
 * The request log (Store['logs']), written once in Kysely for every dialect.
 * Writes are idempotent by request id: a batch written twice (a retry after
 * a write whose answer was lost, or two writers holding the same rows)
 * inserts each row once and adds it to the rollups once.
 */
export function kyselyLogStore(
  db: Kysely<Database>,
  batch: Batch,
  maxParams: number,
  retention: RetentionHooks = {},
  /** Where the long reads go (query, stats): KyselyStoreOptions.reader. */
  reader: Kysely<Database> = db,
): Store['logs'] {
  const { reclaimSpace, pauseBetweenSlices = async () => {} } = retention;
  const slices = { batch, pause: pauseBetweenSlices };
  const insertRows = compiledInserts();
  return {
    /**
     * The rows already stored are read first; the batch then inserts the
     * others and adds exactly those to the rollups, so its writes depend on
     * nothing they return (D1 sends a batch's statements all at once). The
     * inserts have no ON CONFLICT: a row another writer stored in between
     * fails the whole batch, and the write starts again from the read.
     */
    async write(records, bodies = []) {
      if (records.length === 0 && bodies.length === 0) return;
      // One order (by id) for every writer: two batches holding some of the same rows then wait for each other on PostgreSQL, never deadlock.
      const rows = uniqueById(records.map(wholeNumbers), (r) => r.id);
      // Stamped at the write (not when the request began), so the live view finds rows by when they landed.
      const loggedAt = Date.now();
      const bodyRows = uniqueById(bodies, (b) => b.requestId);
      for (let tries = 1; ; tries++) {
        const stored = new Set<string>();
        for (const ids of chunks(rows.map((r) => r.id), maxParams)) {
          for (const { id } of await db.selectFrom('request_log').select('id').where('id', 'in', ids).execute()) stored.add(id);
        }
        const fresh = rows.filter((r) => !stored.has(r.id));
        try {
          await batch(async (trx) => {
            for (const b of bodyRows) await trx.insertInto('request_bodies').values(toBodiesRow(b)).onConflict((oc) => oc.doNothing()).execute();
            for (const chunk of rowChunks(fresh.map((r) => toLogRow(r, loggedAt)), maxParams))
              await insertRows(trx, 'request_log', chunk, (rows) => trx.insertInto('request_log').values(rows).compile());
            await addToRollups(trx, fresh, maxParams, insertRows);
            await addToPromptRollups(trx, fresh, maxParams, insertRows);
          });
          return;
        } catch (err) {
          if (tries >= WRITE_TRIES || !isStoredAlready(err)) throw err;
        }
      }
    },

    async query(q) {
      let query = reader.selectFrom('request_log').selectAll();
      if (q.keyId !== undefined) query = query.where('key_id', '=', q.keyId);
      if (q.ownerId !== undefined) {
        const ownerId = q.ownerId;
        query = query.where('key_id', 'in', (eb) => eb.selectFrom('api_keys').select('id').where('owner_id', '=', ownerId));
      }
      if (q.model !== undefined) query = query.where('model', '=', q.model);
      if (q.status !== undefined) query = query.where('status', '=', q.status);
      if (q.outcome !== undefined) query = query.where('outcome', '=', q.outcome);
      if (q.from !== undefined) query = query.where('ts', '>=', q.from);
      const after = q.after;
      // One upper bound on ts, the tighter: SQLite ranges its ts index on one of two, maybe the looser, and would then
      // step over every row already paged.
      if (q.to !== undefined && !(after !== undefined && after.ts < q.to)) query = query.where('ts', '<', q.to);
      if (after !== undefined)
        query = query.where('ts', '<=', after.ts).where((eb) => eb.or([eb('ts', '<', after.ts), eb('id', '<', after.id)]));
      if (q.group !== undefined) query = query.where('group_name', '=', q.group);
      if (q.upstreamId !== undefined) query = query.where('upstream_id', '=', q.upstreamId);
      if (q.cacheStatus === 'none') query = query.where('cache_status', 'is', null);
      else if (q.cacheStatus !== undefined) query = query.where('cache_status', '=', q.cacheStatus);
      if (q.search) {
        // "Contains, ignoring case" as: taking the text out changes the column. Not LIKE: D1 refuses
        // a pattern over 50 bytes, and the user's % and _ would need escaping. replace() and lower()
        // mean the same on SQLite and PostgreSQL; an empty search matches every row, as before.
        const contains = (column: string) => sql<boolean>`replace(lower(${sql.ref(column)}), lower(${q.search}), '') <> lower(${sql.ref(column)})`;
        query = query.where((eb) => eb.or(['id', 'model', 'alias', 'router', 'tier', 'upstream_model', 'error'].map(contains)));
      }
      const rows = await query.orderBy('ts', 'desc').orderBy('id', 'desc').limit(q.limit + 1).offset(q.offset).execute();
      return { data: rows.slice(0, q.limit).map(fromLogRow), hasMore: rows.length > q.limit };
    },

    stats: (q) => queryLogStats(reader, q),

    performance: (q) => queryLogPerformance(reader, q),

    async written(since, limit) {
      let query = reader.selectFrom('request_log').selectAll();
      query = since === undefined ? query.where('logged_at', 'is not', null) : query.where('logged_at', '>=', since);
      const rows = await query.orderBy('logged_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
      return rows.map((r) => ({ row: fromLogRow(r), loggedAt: Number(r.logged_at) }));
    },

    tierSplit: (range) => queryTierSplit(reader, range),

    async get(id) {
      const row = await db.selectFrom('request_log').selectAll().where('id', '=', id).executeTakeFirst();
      return row && fromLogRow(row);
    },

    async bodies(requestId) {
      const row = await db.selectFrom('request_bodies').selectAll().where('request_id', '=', requestId).executeTakeFirst();
      if (!row) return undefined;
      return {
        requestId: row.request_id,
        mode: row.mode as RequestBodiesRecord['mode'],
        requestBody: row.request_body,
        responseBody: row.response_body,
        requestTruncated: row.request_truncated === 1,
        responseTruncated: row.response_truncated === 1,
      };
    },

    /**
     * Age first, then size: rows past `before`, then the oldest past `maxRows`; then the bodies past
     * `bodiesBefore`, then the oldest past `bodiesMaxBytes`. Every delete goes a slice at a time,
     * oldest first, so a prune of a long history never holds the database for long; the space
     * freed is given back to the file system where the platform can (`reclaimSpace`).
     */
    async prune({ before, maxRows, bodiesBefore, bodiesMaxBytes }) {
      const pruned = { rows: 0, bodies: 0 };
      const add = (removed: { rows: number; bodies: number }) => {
        pruned.rows += removed.rows;
        pruned.bodies += removed.bodies;
      };
      if (before !== undefined) add(await deleteRows(db, slices, { ts: before }));
      if (maxRows !== undefined) {
        // The newest row past the count: it and every older one go.
        const edge = await db.selectFrom('request_log').select(['ts', 'id']).orderBy('ts', 'desc').orderBy('id', 'desc').offset(maxRows).limit(1).executeTakeFirst();
        if (edge) add(await deleteRows(db, slices, { ts: Number(edge.ts), id: edge.id }));
      }
      if (bodiesBefore !== undefined) pruned.bodies += await deleteBodies(db, slices, { ts: bodiesBefore });
      if (bodiesMaxBytes !== undefined) {
        const edge = await bodiesPastBudget(db, bodiesMaxBytes);
        if (edge) pruned.bodies += await deleteBodies(db, slices, edge);
      }
      if ((pruned.rows > 0 || pruned.bodies > 0) && reclaimSpace) await reclaimSpace();
      return pruned;
    },
  };
}

/**
 * Where a prune stops: rows older than `ts`; with an `id`, also the rows of
 * that very millisecond up to that id (rows are ordered by time, then id).
 */
interface Edge {
  ts: number;
  id?: string;
}

/** How a delete goes a slice at a time: each slice's statements together, a pause between slices. */
interface Slices {
  batch: Batch;
  pause: () => Promise<void>;
}

function atOrBefore(eb: ExpressionBuilder<Database, 'request_log'>, edge: Edge) {
  const older = eb('request_log.ts', '<', edge.ts);
  if (edge.id === undefined) return older;
  return eb.or([older, eb.and([eb('request_log.ts', '=', edge.ts), eb('request_log.id', '<=', edge.id)])]);
}

/** Deletes the rows up to the edge with their bodies, oldest first, one slice per batch. */
async function deleteRows(db: Kysely<Database>, { batch, pause }: Slices, edge: Edge): Promise<{ rows: number; bodies: number }> {
  let rows = 0;
  let bodies = 0;
  for (;;) {
    // The slice ends at its last row, read first: both deletes below then name the same rows whatever
    // other writers and pruners do meanwhile, and depend on nothing they return.
    const last = await db
      .selectFrom('request_log')
      .select(['ts', 'id'])
      .where((eb) => atOrBefore(eb, edge))
      .orderBy('ts')
      .orderBy('id')
      .offset(PRUNE_SLICE - 1)
      .limit(1)
      .executeTakeFirst();
    const slice: Edge = last ? { ts: Number(last.ts), id: last.id } : edge;
    // Each slice's rows go with their bodies, in one batch: a body never outlives its row.
    const removed = await batch(async (trx) => {
      const gone = await trx
        .deleteFrom('request_bodies')
        .where('request_id', 'in', (eb) => eb.selectFrom('request_log').select('request_log.id').where((e) => atOrBefore(e, slice)))
        .executeTakeFirst();
      const res = await trx
        .deleteFrom('request_log')
        .where((eb) => atOrBefore(eb, slice))
        .executeTakeFirst();
      return { rows: Number(res.numDeletedRows), bodies: Number(gone.numDeletedRows) };
    });
    rows += removed.rows;
    bodies += removed.bodies;
    if (!last) return { rows, bodies };
    await pause();
  }
}

/** Deletes the logged bodies of the rows up to the edge, oldest first, a slice at a time; the rows stay. */
async function deleteBodies(db: Kysely<Database>, { pause }: Slices, edge: Edge): Promise<number> {
  let bodies = 0;
  for (;;) {
    const res = await db
      .deleteFrom('request_bodies')
      .where('request_id', 'in', (eb) =>
        eb
          .selectFrom('request_log')
          .innerJoin('request_bodies', 'request_bodies.request_id', 'request_log.id')
          .select('request_log.id')
          .where((e) => atOrBefore(e, edge))
          .orderBy('request_log.ts')
          .orderBy('request_log.id')
          .limit(PRUNE_SLICE),
      )
      .executeTakeFirst();
    const removed = Number(res.numDeletedRows);
    bodies += removed;
    if (removed < PRUNE_SLICE) return bodies;
    await pause();
  }
}

/** The newest row whose bodies, summed newest first, no longer fit in `maxBytes`: it and every older body go. */
async function bodiesPastBudget(db: Kysely<Database>, maxBytes: number): Promise<Edge | undefined> {
  const row = await db
    .selectFrom((inner) =>
      inner
        .selectFrom('request_bodies')
        .innerJoin('request_log', 'request_log.id', 'request_bodies.request_id')
        .select((e) => [
          'request_log.ts',
          'request_log.id',
          e.fn
            .sum<number>('request_bodies.bytes')
            .over((ob) => ob.orderBy('request_log.ts', 'desc').orderBy('request_log.id', 'desc'))
            .as('running'),
        ])
        .as('ranked'),
    )
    .select(['ranked.ts', 'ranked.id'])
    .where('ranked.running', '>', maxBytes)
    .orderBy('ranked.ts', 'desc')
    .orderBy('ranked.id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && { ts: Number(row.ts), id: row.id };
}

/** A row of the batch was stored by another writer after the batch read which were (primary key of request_log). */
function isStoredAlready(err: unknown): boolean {
  const e = err as { code?: unknown; constraint?: unknown; message?: unknown };
  if (e.code === '23505') return e.constraint === 'request_log_pkey';
  return typeof e.message === 'string' && e.message.includes('UNIQUE constraint failed: request_log.id');
}

/** The first of each id, sorted by id. */
function uniqueById<T>(items: T[], idOf: (item: T) => string): T[] {
  const byId = new Map<string, T>();
  for (const item of items) if (!byId.has(idOf(item))) byId.set(idOf(item), item);
  return [...byId.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, item]) => item);
}

/**
 * Integer columns get whole numbers. Token counts come from upstreams; a
 * fraction would be stored as it is by SQLite but refused by PostgreSQL,
 * and one refused row would hold back its whole batch on every retry.
 */
function wholeNumbers(r: LogRecord): LogRecord {
  const whole = (n: number) => (Number.isFinite(n) ? Math.round(n) : 0);
  return {
    ...r,
    inputTokens: whole(r.inputTokens),
    outputTokens: whole(r.outputTokens),
    cacheReadTokens: whole(r.cacheReadTokens),
    cacheWriteTokens: whole(r.cacheWriteTokens),
    reasoningTokens: whole(r.reasoningTokens),
    latencyMs: whole(r.latencyMs),
    ttfbMs: r.ttfbMs === null ? null : whole(r.ttfbMs),
    savedTokens: r.savedTokens === undefined ? undefined : whole(r.savedTokens),
  };
}

const encoder = new TextEncoder();
const utf8Bytes = (text: string | null) => (text === null ? 0 : encoder.encode(text).byteLength);

function toBodiesRow(b: RequestBodiesRecord): RequestBodiesTable {
  return {
    request_id: b.requestId,
    mode: b.mode,
    request_body: b.requestBody,
    response_body: b.responseBody,
    request_truncated: b.requestTruncated ? 1 : 0,
    response_truncated: b.responseTruncated ? 1 : 0,
    bytes: utf8Bytes(b.requestBody) + utf8Bytes(b.responseBody),
  };
}

function toLogRow(r: LogRecord, loggedAt: number): RequestLogTable {
  return {
    id: r.id,
    ts: r.ts,
    key_id: r.keyId,
    group_name: r.group,
    protocol: r.protocol,
    endpoint: r.endpoint,
    model: r.model,
    alias: r.alias ?? null,
    router: r.router ?? null,
    tier: r.tier ?? null,
    tier_reason: r.tierReason ?? null,
    reference_cost_usd: r.referenceCostUsd ?? null,
    upstream_model: r.upstreamModel,
    upstream_id: r.upstreamId,
    credential_id: r.credentialId,
    stream: r.stream ? 1 : 0,
    status: r.status,
    outcome: r.outcome,
    input_tokens: r.inputTokens,
    output_tokens: r.outputTokens,
    cache_read_tokens: r.cacheReadTokens,
    cache_write_tokens: r.cacheWriteTokens,
    reasoning_tokens: r.reasoningTokens,
    cost_usd: r.costUsd,
    latency_ms: r.latencyMs,
    ttfb_ms: r.ttfbMs,
    cache_status: r.cacheStatus,
    error: r.error,
    metadata: r.metadata === null || r.metadata === undefined ? null : JSON.stringify(r.metadata),
    translation: r.translation,
    warnings: r.warnings && r.warnings.length > 0 ? JSON.stringify(r.warnings) : null,
    usage_estimated: r.usageEstimated ? 1 : 0,
    saved_tokens: r.savedTokens ?? 0,
    attempts: r.attempts && r.attempts.length > 0 ? JSON.stringify(r.attempts) : null,
    units: usedUnits(r.units) ? JSON.stringify(r.units) : null,
    logged_at: loggedAt,
    prompt: r.prompt ?? null,
    prompt_version: r.promptVersion ?? null,
  };
}

function fromLogRow(r: RequestLogTable): LogRecord {
  return {
    id: r.id,
    ts: Number(r.ts),
    keyId: r.key_id,
    group: r.group_name,
    protocol: r.protocol,
    endpoint: r.endpoint,
    model: r.model,
    alias: r.alias ?? null,
    router: r.router ?? null,
    tier: r.tier ?? null,
    tierReason: r.tier_reason ?? null,
    referenceCostUsd: r.reference_cost_usd ?? null,
    upstreamModel: r.upstream_model,
    upstreamId: r.upstream_id,
    credentialId: r.credential_id,
    stream: r.stream === 1,
    status: r.status,
    outcome: r.outcome as LogRecord['outcome'],
    inputTokens: r.input_tokens,
    outputTokens: r.output_tokens,
    cacheReadTokens: r.cache_read_tokens,
    cacheWriteTokens: r.cache_write_tokens,
    reasoningTokens: r.reasoning_tokens,
    costUsd: r.cost_usd,
    latencyMs: r.latency_ms,
    ttfbMs: r.ttfb_ms,
    cacheStatus: r.cache_status,
    error: r.error,
    metadata: r.metadata === null ? null : JSON.parse(r.metadata),
    translation: r.translation,
    warnings: r.warnings === null ? null : (JSON.parse(r.warnings) as string[]),
    usageEstimated: r.usage_estimated === 1,
    savedTokens: r.saved_tokens,
    attempts: r.attempts === null ? null : (JSON.parse(r.attempts) as LogRecord['attempts']),
    units: r.units === null || r.units === undefined ? null : (JSON.parse(r.units) as Units),
    prompt: r.prompt ?? null,
    promptVersion: r.prompt_version === null || r.prompt_version === undefined ? null : Number(r.prompt_version),
  };
}
