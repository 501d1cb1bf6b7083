import { afterEach, describe, expect, it } from 'vitest';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { ADMIN_KEY, logRows, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import { logRow } from '../store/records.js';

const DAY = 86_400_000;

describe('request-log retention in a running gateway', () => {
  let gw: NodeGateway | undefined;
  afterEach(async () => {
    await gw?.close();
    gw = undefined;
  });

  it('has no retention job unless the config sets a limit under logs', async () => {
    gw = await startTestGateway({});
    expect(gw.jobs.map((j) => j.name)).not.toContain('request-log-retention');
  });

  it('deletes rows older than logs.retentionDays, keeps newer ones and the usage totals', async () => {
    gw = await startTestGateway({ extra: { logs: { retentionDays: 30 } } });
    const job = gw.jobs.find((j) => j.name === 'request-log-retention');
    expect(job).toMatchObject({ everyMs: 3_600_000, runAtStart: true });
    await gw.ctx.store.logs.write([logRow({ id: 'ancient', ts: Date.now() - 31 * DAY, model: 'mock-model' })]);
    const answer = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock-model', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(answer.status).toBe(200);
    await logRows(gw);

    // The job also ran at start, maybe after the old row was written: either way this round leaves it gone.
    await job!.run();
    const left = await (await fetch(`${gw.url}/admin/api/logs`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json();
    expect(left.data.map((r: { id: string }) => r.id)).not.toContain('ancient');
    expect(left.data).toHaveLength(1);
    // Usage totals are kept: the pruned request (written, as its rollup shows) still counts.
    const usage = await gw.ctx.store.usage.query({ by: 'model', from: Date.now() - 32 * DAY, to: Date.now() + 1000 });
    expect(usage.find((u) => u.value === 'mock-model')?.requests).toBe(2);
  });

  it('keeps the newest logs.maxRows rows when only a count is set', async () => {
    gw = await startTestGateway({ extra: { logs: { maxRows: 2 } } });
    const job = gw.jobs.find((j) => j.name === 'request-log-retention');
    expect(job).toMatchObject({ everyMs: 3_600_000, runAtStart: true });
    const now = Date.now();
    await gw.ctx.store.logs.write(['first', 'second', 'third'].map((id, i) => logRow({ id, ts: now - (3 - i) * 1000 })));
    await job!.run();
    const left = await (await fetch(`${gw.url}/admin/api/logs`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json();
    expect(left.data.map((r: { id: string }) => r.id)).toEqual(['third', 'second']);
  });
});
