import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import type { AuditLogTable, Database } from './schema.js';
import type { Store } from './store.js';
import type { Batch } from './batch.js';
import { rowChunks } from './chunks.js';
import type { AuditActor, AuditOutcome, AuditRecord } from './types.js';

/** Rows deleted per prune step, so pruning a long history never holds the writers back for long. */
const PRUNE_SLICE = 500;

/** The audit log (Store['audit']), written once in Kysely for SQLite, PostgreSQL and D1. */
export function kyselyAuditStore(db: Kysely<Database>, batch: Batch, maxParams: number): Store['audit'] {
  return {
    async write(records) {
      // Usually one row (an admin write, a sign-in); many are inserted in runs the database's parameter cap allows, all or none.
      const runs = rowChunks(records.map(toRow), maxParams);
      if (runs.length === 1) await db.insertInto('audit_log').values(runs[0]).execute();
      else if (runs.length > 1)
        await batch(async (trx) => {
          for (const run of runs) await trx.insertInto('audit_log').values(run).execute();
        });
    },

    async query(q) {
      let query = db.selectFrom('audit_log').selectAll();
      if (q.actor !== undefined) {
        const actor = q.actor;
        query =
          actor === 'admin-key' || actor === 'anonymous'
            ? query.where('actor_kind', '=', actor)
            : query.where((eb) => eb.or([eb('actor_id', '=', actor), eb('actor_name', '=', actor)]));
      }
      if (q.action !== undefined) {
        // "Contains, ignoring case" without LIKE, as the request log's search (D1 refuses long LIKE patterns; % and _ would need escaping).
        const text = q.action;
        query = query.where(sql<boolean>`replace(lower(action), lower(${text}), '') <> lower(action)`);
      }
      if (q.target !== undefined) {
        // The id itself, or one under it: `openai` also finds `openai/cred_1`.
        const under = `${q.target}/`;
        query = query.where((eb) => eb.or([eb('target', '=', q.target as string), eb(sql`substr(target, 1, ${under.length})`, '=', under)]));
      }
      if (q.outcome !== undefined) query = query.where('outcome', '=', q.outcome);
      if (q.from !== undefined) query = query.where('at', '>=', q.from);
      if (q.to !== undefined) query = query.where('at', '<', q.to);
      const rows = await query.orderBy('at', 'desc').orderBy('id', 'desc').limit(q.limit + 1).offset(q.offset).execute();
      return { data: rows.slice(0, q.limit).map(fromRow), hasMore: rows.length > q.limit };
    },

    /** Age first, then count; each delete a slice at a time, oldest first. */
    async prune({ before, maxRows }) {
      let deleted = 0;
      if (before !== undefined) deleted += await deleteUpTo(db, { at: before });
      if (maxRows !== undefined) {
        // The newest row past the count: it and every older one go.
        const edge = await db.selectFrom('audit_log').select(['at', 'id']).orderBy('at', 'desc').orderBy('id', 'desc').offset(maxRows).limit(1).executeTakeFirst();
        if (edge) deleted += await deleteUpTo(db, { at: Number(edge.at), id: edge.id });
      }
      return deleted;
    },
  };
}

/** Where a prune stops: rows older than `at`; with an `id`, also the rows of that very millisecond up to that id. */
interface Edge {
  at: number;
  id?: string;
}

function atOrBefore(eb: ExpressionBuilder<Database, 'audit_log'>, edge: Edge) {
  const older = eb('at', '<', edge.at);
  if (edge.id === undefined) return older;
  return eb.or([older, eb.and([eb('at', '=', edge.at), eb('id', '<=', edge.id)])]);
}

async function deleteUpTo(db: Kysely<Database>, edge: Edge): Promise<number> {
  let deleted = 0;
  for (;;) {
    // The slice ends at its last row, read first, so the delete names the same rows whatever other pruners do meanwhile.
    const last = await db
      .selectFrom('audit_log')
      .select(['at', 'id'])
      .where((eb) => atOrBefore(eb, edge))
      .orderBy('at')
      .orderBy('id')
      .offset(PRUNE_SLICE - 1)
      .limit(1)
      .executeTakeFirst();
    const slice: Edge = last ? { at: Number(last.at), id: last.id } : edge;
    const res = await db
      .deleteFrom('audit_log')
      .where((eb) => atOrBefore(eb, slice))
      .executeTakeFirst();
    deleted += Number(res.numDeletedRows);
    if (!last) return deleted;
  }
}

function toRow(r: AuditRecord): AuditLogTable {
  return {
    id: r.id,
    at: r.at,
    actor_kind: r.actor.kind,
    actor_id: r.actor.kind === 'user' ? r.actor.userId : null,
    actor_name: r.actor.kind === 'user' ? r.actor.name : null,
    action: r.action,
    target: r.target,
    summary: r.summary,
    address: r.address,
    status: r.status,
    outcome: r.outcome,
  };
}

function fromRow(row: AuditLogTable): AuditRecord {
  return {
    id: row.id,
    at: Number(row.at),
    actor: actorOf(row),
    action: row.action,
    target: row.target,
    summary: row.summary,
    address: row.address,
    status: Number(row.status),
    outcome: row.outcome as AuditOutcome,
  };
}

function actorOf(row: AuditLogTable): AuditActor {
  if (row.actor_kind === 'user') return { kind: 'user', userId: row.actor_id ?? '', name: row.actor_name ?? '' };
  return row.actor_kind === 'admin-key' ? { kind: 'admin-key' } : { kind: 'anonymous' };
}
