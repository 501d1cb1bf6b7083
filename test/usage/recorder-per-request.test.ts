import { expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { createRecorder } from '../../src/usage/recorder.js';
import { describeStores } from '../store/stores.js';
import { logRow } from '../store/records.js';

/**
 * The recorder as the Workers platform runs it (`whenRecorded`): each row is
 * written by a write of its own, started at once and kept alive by the
 * request that made it, never chained behind another request's write
 * (workerd cancels a request that waits on another's I/O as hung).
 */
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function perRequestRecorder(store: Store) {
  const writes: Promise<void>[] = [];
  const recorder = createRecorder(store, { sleep, whenRecorded: (writeNow) => writes.push(writeNow()) });
  return { recorder, writes };
}

describeStores('the recorder writing each request on its own', ({ store }) => {
  it('starts one write per recorded row, which finishes while an earlier one is still writing, with the bodies queued in the same turn', async () => {
    const real = store();
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    // The first write hangs until released, as a slow write of another request would.
    const slowFirst: Store = {
      ...real,
      logs: { ...real.logs, write: async (rows, bodies) => (rows.some((r) => r.id === 'req_slow') ? held.then(() => real.logs.write(rows, bodies)) : real.logs.write(rows, bodies)) },
    };
    const { recorder, writes } = perRequestRecorder(slowFirst);
    recorder.record(logRow({ id: 'req_slow' }));
    await sleep(10);
    recorder.record(logRow({ id: 'req_b' }));
    recorder.recordBodies(() => ({ requestId: 'req_b', mode: 'full', requestBody: '{"b":1}', responseBody: '{"ok":true}', requestTruncated: false, responseTruncated: false }));
    expect(writes).toHaveLength(3);
    await Promise.all([writes[1], writes[2]]);
    expect((await real.logs.get('req_b'))?.id).toBe('req_b');
    expect((await real.logs.bodies('req_b'))?.requestBody).toBe('{"b":1}');
    expect(await real.logs.get('req_slow')).toBeUndefined();
    release();
    await writes[0];
    expect((await real.logs.get('req_slow'))?.id).toBe('req_slow');
  });

  it("puts a failed write's rows back, and the next request's write takes them", async () => {
    let failNext = true;
    const real = store();
    const flaky: Store = {
      ...real,
      logs: {
        ...real.logs,
        write: (rows, bodies) => {
          if (failNext) {
            failNext = false;
            return Promise.reject(new Error('database busy'));
          }
          return real.logs.write(rows, bodies);
        },
      },
    };
    const { recorder, writes } = perRequestRecorder(flaky);
    recorder.record(logRow({ id: 'req_lost_once' }));
    await writes[0];
    expect(await real.logs.get('req_lost_once')).toBeUndefined();
    recorder.record(logRow({ id: 'req_next' }));
    await writes[1];
    expect((await real.logs.get('req_lost_once'))?.id).toBe('req_lost_once');
    expect((await real.logs.get('req_next'))?.id).toBe('req_next');
  });
});
