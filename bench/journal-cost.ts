import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openUsageJournal } from '../src/platform/node/usage-journal.js';
import type { LogRecord } from '../src/store/types.js';

/**
 * What the usage journal (platform/node/usage-journal.ts) costs a request on
 * the event loop: its `started` line, its `finished` line, and its share of
 * the recorder's `written` calls (one per 100-row batch, deleting segments
 * as they empty), measured over many requests on a row like a chat
 * request's. Run: `npx tsx bench/journal-cost.ts [requests]`.
 */
const requests = Number(process.argv[2] ?? 200_000);
const dir = mkdtempSync(join(tmpdir(), 'switchboard-journal-cost-'));
const journal = openUsageJournal(dir, (m) => console.error(m));

const row = (i: number): LogRecord => ({
  id: `01a24cd1-c8b5-755b-95b1-${String(i).padStart(12, '0')}`,
  ts: Date.now(),
  keyId: 'key_a08475a3f40ecc95',
  group: 'default',
  protocol: 'openai-chat',
  endpoint: 'chat',
  model: 'gpt-4o-mini',
  upstreamModel: 'gpt-4o-mini-2024-07-18',
  upstreamId: 'openai',
  credentialId: 'openai#1',
  stream: true,
  status: 200,
  outcome: 'ok',
  inputTokens: 1234,
  outputTokens: 321,
  cacheReadTokens: 512,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
  costUsd: 0.000412,
  latencyMs: 1840,
  ttfbMs: 320,
  cacheStatus: null,
  error: null,
  metadata: { team: 'search' },
  translation: null,
  warnings: null,
  usageEstimated: false,
  attempts: null,
});

const rows = Array.from({ length: requests }, (_, i) => row(i));
const run = (from: number, to: number) => {
  let batch: string[] = [];
  for (let i = from; i < to; i++) {
    journal.started(rows[i]);
    journal.finished(rows[i]);
    batch.push(rows[i].id);
    if (batch.length === 100) {
      journal.written(batch);
      batch = [];
    }
  }
  journal.written(batch);
};
// Warm up the JIT on a tenth, then time the rest.
const warm = Math.floor(requests / 10);
run(0, warm);
const started = process.hrtime.bigint();
run(warm, requests);
const ns = Number(process.hrtime.bigint() - started);
const perRequest = ns / (requests - warm) / 1000;
// For scale, on the same machine: one write(2) of one finished line, the floor of a journal written before the answer ends.
const fd = openSync(join(dir, 'floor'), 'a');
const line = `f${JSON.stringify(rows[0])}\n`;
const floorStarted = process.hrtime.bigint();
for (let i = warm; i < requests; i++) writeSync(fd, line);
const floor = Number(process.hrtime.bigint() - floorStarted) / (requests - warm) / 1000;
closeSync(fd);
console.log(
  `usage journal: ${perRequest.toFixed(2)} µs per request (started + finished + its share of written), ${requests - warm} requests; ` +
    `one bare write(2) of a ${line.length}-byte line: ${floor.toFixed(2)} µs`,
);
journal.close();
rmSync(dir, { recursive: true, force: true });
