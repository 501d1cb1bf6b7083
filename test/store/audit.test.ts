import { expect, it } from 'vitest';
import { describeStores } from './stores.js';
import { T0 } from './records.js';
import type { AuditRecord } from '../../src/store/types.js';
import { pruneAuditLog } from '../../src/admin/audit-retention.js';

const DAY = 86_400_000;

function entry(id: string, at: number, overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    id,
    at,
    actor: { kind: 'admin-key' },
    action: 'POST /upstreams',
    target: 'openai',
    summary: '{"body":{"id":"openai"}}',
    address: '10.0.0.1',
    status: 201,
    outcome: 'ok',
    ...overrides,
  };
}

describeStores('store audit log', ({ store, another }) => {
  const page = async (q: Partial<Parameters<ReturnType<typeof store>['audit']['query']>[0]> = {}) =>
    (await store().audit.query({ limit: 50, offset: 0, ...q })).data.map((r) => r.id);

  it('keeps every field, and reads newest first through any replica', async () => {
    const user = entry('a-2', T0 + 2, { actor: { kind: 'user', userId: 'u_1', name: 'ada' }, action: 'DELETE /keys/{id}', target: 'key_1', summary: null, address: null, status: 404, outcome: 'rejected' });
    await store().audit.write([entry('a-1', T0 + 1), user]);
    await store().audit.write([entry('a-3', T0 + 3, { actor: { kind: 'anonymous' }, action: 'sign-in.failed', target: null, status: 401, outcome: 'denied' })]);
    const other = await another();
    const { data, hasMore } = await other.audit.query({ limit: 50, offset: 0 });
    expect(data.map((r) => r.id)).toEqual(['a-3', 'a-2', 'a-1']);
    expect(data[1]).toEqual(user);
    expect(data[2]).toEqual(entry('a-1', T0 + 1));
    expect(hasMore).toBe(false);
    expect(await store().settings.revision()).toBe(0);
  });

  it('filters by actor, action text, target and what is under it, outcome and time, and pages', async () => {
    await store().audit.write([
      entry('b-1', T0 + 1, { action: 'POST /upstreams/{id}/credentials', target: 'openai' }),
      entry('b-2', T0 + 2, { action: 'DELETE /upstreams/{id}/credentials/{credentialId}', target: 'openai/cred_1' }),
      entry('b-3', T0 + 3, { action: 'PATCH /keys/{id}', target: 'openai-two', actor: { kind: 'user', userId: 'u_9', name: 'grace' } }),
      entry('b-4', T0 + 4, { action: 'sign-in.failed', target: null, actor: { kind: 'anonymous' }, outcome: 'denied', status: 401 }),
    ]);
    expect(await page({ actor: 'admin-key' })).toEqual(['b-2', 'b-1']);
    expect(await page({ actor: 'anonymous' })).toEqual(['b-4']);
    expect(await page({ actor: 'grace' })).toEqual(['b-3']);
    expect(await page({ actor: 'u_9' })).toEqual(['b-3']);
    expect(await page({ action: 'delete' })).toEqual(['b-2']);
    expect(await page({ action: '/UPSTREAMS/' })).toEqual(['b-2', 'b-1']);
    expect(await page({ action: '100%_' })).toEqual([]);
    expect(await page({ target: 'openai' })).toEqual(['b-2', 'b-1']);
    expect(await page({ target: 'openai/cred_1' })).toEqual(['b-2']);
    expect(await page({ outcome: 'denied' })).toEqual(['b-4']);
    expect(await page({ from: T0 + 2, to: T0 + 4 })).toEqual(['b-3', 'b-2']);
    const first = await store().audit.query({ limit: 3, offset: 0 });
    expect([first.data.length, first.hasMore]).toEqual([3, true]);
    expect(await page({ limit: 3, offset: 3 })).toEqual(['b-1']);
  });

  it('prunes by age and by count, oldest first', async () => {
    const rows = Array.from({ length: 1200 }, (_, i) => entry(`p-${String(i).padStart(4, '0')}`, T0 + Math.floor(i / 2)));
    for (let i = 0; i < rows.length; i += 200) await store().audit.write(rows.slice(i, i + 200));
    expect(await store().audit.prune({ before: T0 + 100 })).toBe(200);
    expect(await store().audit.prune({ maxRows: 301 })).toBe(699);
    const left = (await store().audit.query({ limit: 500, offset: 0 })).data;
    expect(left).toHaveLength(301);
    expect(left.at(-1)?.id).toBe('p-0899');
    expect(await store().audit.prune({ before: T0, maxRows: 1000 })).toBe(0);
  });

  it('is pruned by the retention job by the config', async () => {
    await store().audit.write([entry('old', T0 - 31 * DAY), entry('new', T0 - DAY)]);
    const lines: string[] = [];
    await pruneAuditLog(store(), {}, T0, (l) => lines.push(l));
    expect(await page()).toEqual(['new', 'old']);
    await pruneAuditLog(store(), { retentionDays: 30 }, T0, (l) => lines.push(l));
    expect(await page()).toEqual(['new']);
    expect(lines).toEqual(['audit-log retention: deleted 1 rows']);
  });
});
