import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, startTestGateway } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import type { LogRecord } from '../../src/store/types.js';
import { logRow } from '../store/records.js';

/**
 * GET /admin/api/logs/export over more rows than one page: each page starts
 * after the previous page's last row (keyset), so every row comes once, in
 * the list's order, also when many share a millisecond across a page edge.
 */

let gw: NodeGateway;
let rows: LogRecord[];
const admin = (path: string) => fetch(`${gw.url}/admin/api${path}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });

beforeAll(async () => {
  gw = await startTestGateway({});
  const now = Date.now();
  // 1,234 rows (pages are 500), seven to a millisecond, ids not in time order, two models.
  rows = Array.from({ length: 1_234 }, (_, i) =>
    logRow({ id: `req_${String((i * 7919) % 1_234).padStart(5, '0')}`, ts: now - 60_000 + Math.floor(i / 7), model: i % 3 === 0 ? 'm-three' : 'm-other' }),
  );
  await gw.ctx.store.logs.write(rows);
});
afterAll(async () => {
  await gw?.close();
});

const newestFirst = (list: LogRecord[]) => [...list].sort((a, b) => b.ts - a.ts || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)).map((r) => r.id);

describe('GET /admin/api/logs/export', () => {
  it('sends every row once, newest first, across pages that split a millisecond', async () => {
    const res = await admin('/logs/export?format=jsonl');
    expect(res.status).toBe(200);
    const lines = (await res.text()).trim().split('\n');
    const ids = lines.map((line) => (JSON.parse(line) as LogRecord).id);
    expect(ids).toHaveLength(rows.length);
    expect(new Set(ids).size).toBe(rows.length);
    expect(ids).toEqual(newestFirst(rows));
  });

  it('pages the filtered rows alike, as CSV', async () => {
    const res = await admin('/logs/export?format=csv&model=m-three');
    const [header, ...lines] = (await res.text()).trim().split('\r\n');
    expect(header.split(',')[0]).toBe('id');
    expect(lines.map((line) => line.split(',')[0])).toEqual(newestFirst(rows.filter((r) => r.model === 'm-three')));
  });

  it('leaves out rows newer than the export’s start', async () => {
    const res = await admin(`/logs/export?format=jsonl&to=${rows[700].ts}`);
    const ids = (await res.text()).trim().split('\n').map((line) => (JSON.parse(line) as LogRecord).id);
    expect(ids).toEqual(newestFirst(rows.filter((r) => r.ts < rows[700].ts)));
  });

  it('neither repeats nor shifts rows when a late row lands among those already sent', async () => {
    // The recorder writes a row when its request ends, stamped when it began: rows do land behind an export's first page.
    const logs = gw.ctx.store.logs;
    const query = logs.query.bind(logs);
    let pages = 0;
    logs.query = async (q) => {
      const page = await query(q);
      if (++pages === 1) await logs.write([logRow({ id: 'req_late', ts: page.data[10].ts, model: 'm-late' })]);
      return page;
    };
    try {
      const res = await admin(`/logs/export?format=jsonl&to=${rows.at(-1)!.ts + 1}`);
      const ids = (await res.text()).trim().split('\n').map((line) => (JSON.parse(line) as LogRecord).id);
      expect(pages).toBeGreaterThan(1);
      expect(ids).toEqual(newestFirst(rows));
    } finally {
      logs.query = query;
    }
  });
});
