import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../../store/store.js';
import type { LogRecord } from '../../store/types.js';
import { interruptedRow, type StartedRequest } from '../../usage/journal.js';
import { staleJournals } from './usage-journal.js';

export interface ReplayReport {
  /** Finished rows the journals held (written now unless the database had them). */
  finished: number;
  /** Requests that started and never finished, recorded as interrupted. */
  interrupted: number;
}

const BATCH = 500;

/**
 * At start, before serving: the journals of gateway processes that are gone
 * (usage-journal.ts) are written to the database (rows it already has are
 * skipped: writes are idempotent by request id) and deleted. A request a
 * journal saw start and never finish is recorded with outcome `interrupted`.
 * A row the database refuses on its own is logged and left out, so it
 * cannot stop every start; a database that refuses everything fails the start,
 * and the journals stay for the next one.
 */
export async function replayJournals(root: string, store: Store, log: (message: string) => void): Promise<ReplayReport> {
  const report: ReplayReport = { finished: 0, interrupted: 0 };
  for (const dir of staleJournals(root)) {
    const { finished, started } = readJournal(dir, log);
    const rows = [...finished.values()];
    for (const [id, row] of started) if (!finished.has(id)) rows.push(interruptedRow(row));
    rows.sort((a, b) => a.ts - b.ts);
    for (let i = 0; i < rows.length; i += BATCH) await writeBatch(store, rows.slice(i, i + BATCH), log);
    rmSync(dir, { recursive: true, force: true });
    report.finished += finished.size;
    report.interrupted += rows.length - finished.size;
  }
  if (report.finished + report.interrupted > 0)
    log(`usage journal: replayed ${report.finished} finished row(s) and ${report.interrupted} interrupted request(s) of a gateway process that stopped without writing them`);
  return report;
}

/** Every line of a folder's segments, in order: the last row seen for each request id. */
function readJournal(dir: string, log: (message: string) => void): { started: Map<string, StartedRequest>; finished: Map<string, LogRecord> } {
  const started = new Map<string, StartedRequest>();
  const finished = new Map<string, LogRecord>();
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.jsonl')).sort()) {
    for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
      if (line.length === 0) continue;
      let row: LogRecord;
      try {
        row = JSON.parse(line.slice(1)) as LogRecord;
      } catch {
        // Only a write cut by a full disk leaves part of a line.
        log(`usage journal: an unreadable line in ${join(dir, name)} skipped`);
        continue;
      }
      if (line[0] === 's') started.set(row.id, row);
      else if (line[0] === 'f') finished.set(row.id, row);
    }
  }
  return { started, finished };
}

async function writeBatch(store: Store, rows: LogRecord[], log: (message: string) => void): Promise<void> {
  try {
    await store.logs.write(rows);
    return;
  } catch {
    // One at a time below: a row refused for what it holds is left out.
  }
  const refused: { row: LogRecord; err: unknown }[] = [];
  for (const row of rows) await store.logs.write([row]).catch((err: unknown) => refused.push({ row, err }));
  // None went in: a read tells a database that is away (the start fails, the journal stays) from one that refuses these rows.
  if (refused.length === rows.length) await store.logs.get(rows[0].id);
  for (const { row, err } of refused) log(`usage journal: the database refused the row of request ${row.id}; left out: ${String(err)}`);
}
