import { describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { openUsageJournal, staleJournals } from '../../src/platform/node/usage-journal.js';
import { replayJournals } from '../../src/platform/node/journal-replay.js';
import { openSqliteStore } from '../../src/platform/node/sqlite.js';
import { logRow } from '../store/records.js';
import { tempDir } from '../helpers/gateway.js';

// The usage journal holds what is in flight and what waits to be written, no more: segments go once their
// rows are written; and a start replays only the journals of processes that are gone.

const segmentsOf = (dir: string) => readdirSync(dir).filter((name) => name.endsWith('.jsonl'));

describe('the usage journal', () => {
  it('deletes each segment once its requests have finished and their rows are written, and keeps one a request still holds', () => {
    const journal = openUsageJournal(tempDir(), () => {});
    // Admitted first, finished last: its admission line keeps the first segment.
    const slow = logRow({ id: 'req_slow' });
    journal.started(slow);
    const ids: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const row = logRow({ id: `req_${i}`, metadata: { pad: 'x'.repeat(200) } });
      journal.started(row);
      journal.finished(row);
      ids.push(row.id);
      if (ids.length === 100) journal.written(ids.splice(0));
    }
    journal.written(ids.splice(0));
    // About 1 MB each: several were written; all but the first (held by the slow request) and the current are gone.
    expect(segmentsOf(journal.dir)).toEqual(['000001.jsonl', expect.stringMatching(/^0000(0[3-9]|[1-9]\d)\.jsonl$/)]);
    expect(journal.pending()).toBe(1);
    journal.finished(slow);
    journal.written(['req_slow']);
    expect(segmentsOf(journal.dir)).toHaveLength(1);
    expect(journal.pending()).toBe(0);
    const dir = journal.dir;
    journal.close();
    expect(readdirSync(join(dir, '..'))).toEqual([]);
  });

  it('replays the folders of processes that are gone, and leaves a running one alone', async () => {
    const root = tempDir();
    const store = await openSqliteStore(`sqlite:${join(tempDir(), 'replay.db')}`);
    // A process of this host that runs (this one's parent), one that does not, and a folder without an owner.
    const folder = (name: string, owner: string | null, lines: string[]) => {
      mkdirSync(join(root, name));
      if (owner !== null) writeFileSync(join(root, name, 'owner'), owner);
      writeFileSync(join(root, name, '000001.jsonl'), lines.map((l) => `${l}\n`).join(''));
    };
    const finished = logRow({ id: 'req_done', inputTokens: 42 });
    folder('running', `${process.ppid} ${hostname()}\n`, [`s${JSON.stringify(logRow({ id: 'req_live' }))}`]);
    folder('dead', `999999999 ${hostname()}\n`, [`s${JSON.stringify(finished)}`, `f${JSON.stringify(finished)}`, `s${JSON.stringify(logRow({ id: 'req_cut' }))}`, 'f{"id":"req_torn","ts"']);
    folder('orphan', null, [`f${JSON.stringify(logRow({ id: 'req_orphan' }))}`]);
    expect(staleJournals(root).map((dir) => dir.slice(root.length + 1))).toEqual(['dead', 'orphan']);

    const report = await replayJournals(root, store, () => {});
    expect(report).toEqual({ finished: 2, interrupted: 1 });
    expect(await store.logs.get('req_done')).toMatchObject({ outcome: 'ok', inputTokens: 42 });
    expect(await store.logs.get('req_orphan')).toMatchObject({ outcome: 'ok' });
    expect(await store.logs.get('req_cut')).toMatchObject({ outcome: 'interrupted', status: 0, inputTokens: 0 });
    expect(await store.logs.get('req_live')).toBeUndefined();
    expect(readdirSync(root)).toEqual(['running']);
    // Again: nothing left to replay, nothing counted twice.
    expect(await replayJournals(root, store, () => {})).toEqual({ finished: 0, interrupted: 0 });
    await store.close();
  });
});
