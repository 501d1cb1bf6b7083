import { type CompiledQuery, Kysely, type QueryResult } from 'kysely';
import type { Batch } from '../../store/batch.js';
import type { Database } from '../../store/schema.js';
import type { D1Database } from './bindings.js';
import { callbackDialect, type RunStatement } from './callback-dialect.js';
import { toQueryResult, toStatement } from './d1-dialect.js';

const NOTHING: QueryResult<unknown> = { rows: [] };

/**
 * The Store's batch on D1, whose only all-or-nothing unit is `batch()`: a
 * list of statements sent at once and run as one implicit transaction. The
 * store's batch callbacks issue statements one by one and may read their
 * results (rows deleted, RETURNING ids), so the callback runs twice: first
 * against a Kysely that only records the statements (every result empty),
 * then, once D1 has run them all, against one that hands back D1's real
 * results in order. The second run must issue the same statements; one
 * that differs means the callback chose a write from something it read,
 * which cannot be atomic on D1: that is a bug in the store's code, and the
 * error says so (the first set has landed by then).
 */
export function d1Batch(db: D1Database): Batch {
  return async (writes) => {
    const recorded: CompiledQuery[] = [];
    const first = await writes(kyselyRunning(async (query) => (recorded.push(query), NOTHING)));
    if (recorded.length === 0) return first;

    const results = await db.batch(recorded.map((query) => toStatement(db, query)));
    let next = 0;
    const value = await writes(
      kyselyRunning(async (query) => {
        const expected = recorded[next];
        if (!expected || !sameStatement(expected, query)) throw notReplayable(next, query);
        return toQueryResult(results[next++]);
      }),
    );
    if (next !== recorded.length) throw notReplayable(next, undefined);
    return value;
  };
}

function kyselyRunning(run: RunStatement): Kysely<Database> {
  return new Kysely<Database>({ dialect: callbackDialect(run) });
}

function sameStatement(a: CompiledQuery, b: CompiledQuery): boolean {
  return a.sql === b.sql && a.parameters.length === b.parameters.length && a.parameters.every((p, i) => Object.is(p, b.parameters[i]));
}

function notReplayable(index: number, query: CompiledQuery | undefined): Error {
  const what = query ? `statement ${index + 1} (${query.sql.slice(0, 80)}) was not in the batch D1 ran` : `only ${index} of the batch's statements came again`;
  return new Error(
    `D1 batch: the writes came out differently once D1's results were known: ${what}. ` +
      'The batch chose a write from something it read, which cannot be atomic on D1; read before the batch instead.',
  );
}
