import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogExporter } from '../../src/log-export/exporter.js';
import { fetchHttp } from '../../src/providers/http.js';
import { logExportDestinationSchema } from '../../src/config/log-export-schema.js';
import { startLogReceivers, type LogReceivers } from '../fakes/log-receivers.js';
import type { LogRecord } from '../../src/store/types.js';

// The exporter's bounds, against a real HTTP receiver, with a clock the test moves.
let receivers: LogReceivers;
beforeAll(async () => {
  receivers = await startLogReceivers();
});
afterAll(async () => receivers?.close());

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()));
  });

function row(id: string): LogRecord {
  return {
    id, ts: 1_800_000_000_000, keyId: 'k', group: 'g', protocol: 'openai-chat', endpoint: '/v1/chat/completions', model: 'm', upstreamModel: 'm', upstreamId: 'u', credentialId: 'c',
    stream: false, status: 200, outcome: 'ok', costUsd: 0, latencyMs: 5, ttfbMs: 2, cacheStatus: null, error: null, metadata: null, translation: null, warnings: null,
    usageEstimated: false, attempts: null, inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0,
  };
}

describe('log exporter bounds', () => {
  it('keeps at most maxQueuedRows per destination while it is away, counts what it dropped, then sends the rest once', async () => {
    let clock = 0;
    const exporter = createLogExporter({ maxQueuedRows: 3, maxQueuedBytes: 1_000_000 }, { http: fetchHttp(sleep), sleep, now: () => clock, log: () => {} });
    exporter.configure([logExportDestinationSchema.parse({ id: 'lines', kind: 'http-jsonl', url: `${receivers.url}/ingest`, batch: { maxRows: 2, maxWaitSeconds: 1 }, retry: { tries: 1, backoffMs: 1000 } })]);
    receivers.failNext('/ingest', 503);
    exporter.offer([row('a'), row('b')], []);
    await exporter.round(); // full batch: sent, refused with 503, back in the queue; the destination pauses
    expect(exporter.stats()[0]).toMatchObject({ queued: 2, failedBatches: 1, lastError: expect.stringContaining('HTTP 503') });
    exporter.offer([row('c'), row('d'), row('e')], []);
    expect(exporter.stats()[0]).toMatchObject({ queued: 3, dropped: { overflow: 2, refused: 0 } });
    await exporter.round(); // still paused: nothing sent
    expect(receivers.jsonl).toHaveLength(0);
    clock += 5000;
    // Paused no more: the full batch goes, then the last row, which has waited past maxWaitSeconds.
    await exporter.round();
    expect(receivers.jsonl.map((e) => e.id)).toEqual(['c', 'd', 'e']);
    expect(exporter.stats()[0]).toMatchObject({ queued: 0, sentEvents: 3, sentBatches: 2 });
  });

  it('waits for a batch to fill or to age, and cuts batches at maxBytes', async () => {
    receivers.jsonl.length = 0;
    let clock = 0;
    const exporter = createLogExporter({ maxQueuedRows: 100, maxQueuedBytes: 1_000_000 }, { http: fetchHttp(sleep), sleep, now: () => clock, log: () => {} });
    exporter.configure([logExportDestinationSchema.parse({ id: 'lines', kind: 'http-jsonl', url: `${receivers.url}/ingest`, batch: { maxRows: 10, maxBytes: 1024, maxWaitSeconds: 2 } })]);
    exporter.offer([row('a')], []);
    await exporter.round();
    expect(receivers.jsonl).toHaveLength(0);
    clock += 2000;
    const before = receivers.requests.length;
    exporter.offer(['b', 'c', 'd', 'e', 'f', 'g', 'h'].map(row), []);
    await exporter.round();
    // `a` aged; the new rows went while together they passed 1 KB; what is left waits to fill or age.
    const sent = receivers.jsonl.map((e) => e.id);
    expect(sent[0]).toBe('a');
    expect(sent.length).toBeLessThan(8);
    const { queued } = exporter.stats()[0]!;
    expect(queued).toBeGreaterThan(0);
    expect(sent.length + queued).toBe(8);
    clock += 2000;
    await exporter.round();
    expect(receivers.jsonl.map((e) => e.id)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    // No batch past maxBytes (a single row may be; these are not).
    const sizes = receivers.requests.slice(before).map((r) => Number(r.headers['content-length']));
    for (const size of sizes) expect(size).toBeLessThanOrEqual(1024);
    expect(sizes.length).toBeGreaterThan(2);
  });
});
