/**
 * How much the admin API's reads hold up the data plane on a big request
 * log (SQLite, where the store runs in the gateway's own process). Fills a
 * SQLite file with a synthetic log (bench/fill-log.ts; 1,000,000 rows over
 * 30 days by default), starts the gateway on it in a child process, then:
 *
 * 1. runs each admin query alone and reports its wall time and the longest
 *    event-loop stall the gateway saw meanwhile (monitorEventLoopDelay max);
 * 2. sends evenly paced chat requests (offline `mock` upstream) for a few
 *    seconds alone, then again while the 30-day overview and a full export
 *    run over and over, and reports the data plane's p50 / p99 / max of each.
 *
 * Usage: npx tsx bench/admin-load.ts [--rows 1000000] [--db path (reuse a filled file)] [--rate 100] [--seconds 5]
 *   [--dist (the compiled gateway, after `npm run build`; default: src/ through tsx)]
 * Writes bench/results/admin-load-<time>.json.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { startChild, killAll } from './children.js';
import { fillRequestLog } from './fill-log.js';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    db: { type: 'string' },
    rate: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '5' },
    dist: { type: 'boolean', default: false },
  },
});
const KEY = 'sk-sb-bench-admin-load-000000000000000001';
const ADMIN = 'sb-admin-bench-0000000000000000';
const rows = Number(args.rows);
const rate = Number(args.rate);
const seconds = Number(args.seconds);

const dir = args.db ? undefined : mkdtempSync(join(tmpdir(), 'switchboard-admin-load-'));
const db = args.db ?? join(dir!, 'log.db');
if (!existsSync(db)) {
  process.stdout.write(`filling ${db} with ${rows} rows ... `);
  const filled = await fillRequestLog(db, { rows });
  console.log(`${filled.rows} rows, ${filled.rollups} rollup rows in ${filled.ms} ms`);
}

const gateway = await startChild('switchboard', './admin-load-gateway.ts', [db, KEY, ADMIN, ...(args.dist ? ['dist'] : [])], { readyMs: 120_000 });
const admin = async (path: string, retry = true): Promise<number> => {
  try {
    const res = await fetch(`${gateway.url}/admin/api${path}`, { headers: { authorization: `Bearer ${ADMIN}` } });
    const body = await res.arrayBuffer();
    if (!res.ok) throw new Error(`${path}: ${res.status} ${new TextDecoder().decode(body).slice(0, 300)}`);
    return body.byteLength;
  } catch (err) {
    // After a long stall the server closes idle keep-alive sockets the moment its timers run, racing the next request on them.
    if (retry && (err as { cause?: { code?: string } }).cause?.code === 'UND_ERR_SOCKET') return admin(path, false);
    throw err;
  }
};

const chat = async (): Promise<number> => {
  const started = performance.now();
  const res = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify({ model: 'mock-model', messages: [{ role: 'user', content: 'hello' }] }),
  });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`chat: ${res.status}`);
  return performance.now() - started;
};

// The queries the dashboard and the CLI send, over the whole filled range where they take one.
const month = `from=${Date.now() - 30 * 86_400_000}`;
const QUERIES: [string, string][] = [
  ['overview 24h', '/overview?range=24h'],
  ['overview 7d', '/overview?range=7d'],
  ['overview 30d', '/overview?range=30d'],
  ['logs, first page', '/logs?limit=50'],
  ['logs, page at offset 50,000', '/logs?limit=50&offset=50000'],
  ['logs, filter model', '/logs?limit=50&model=o3'],
  ['logs, filter outcome', '/logs?limit=50&outcome=error'],
  ['logs, search (rare text)', '/logs?limit=50&q=no-such-text'],
  ['logs, search (common text)', '/logs?limit=50&q=overloaded'],
  ['export csv (100,000 rows)', '/logs/export?format=csv'],
  ['usage by key, 30d', `/usage?by=key&${month}`],
  ['usage by model, 30d, daily', `/usage?by=model&interval=day&${month}`],
];

try {
  for (let i = 0; i < 50; i++) await chat();
  console.log(`\nadmin queries alone (gateway pid ${gateway.pid}):`);
  const holds: Record<string, { wallMs: number; loopMaxMs: number; bytes: number }> = {};
  for (const [name, path] of QUERIES) {
    await gateway.stats();
    const started = performance.now();
    const bytes = await admin(path);
    const wallMs = performance.now() - started;
    const { loopDelayMs } = await gateway.stats();
    holds[name] = { wallMs: Math.round(wallMs), loopMaxMs: Math.round(loopDelayMs.max), bytes };
    console.log(`  ${name.padEnd(30)} ${String(Math.round(wallMs)).padStart(7)} ms wall   event loop held up to ${String(Math.round(loopDelayMs.max)).padStart(6)} ms`);
  }

  const paced = async (during?: () => Promise<unknown>) => {
    let stop = false;
    const background = during
      ? (async () => {
          let rounds = 0;
          while (!stop) {
            await during();
            rounds++;
          }
          return rounds;
        })()
      : Promise.resolve(0);
    await gateway.stats();
    const latencies: number[] = [];
    let failures = 0;
    const pending: Promise<void>[] = [];
    const started = performance.now();
    const total = rate * seconds;
    for (let i = 0; i < total; i++) {
      // Each request counts from when it was due, so a stalled gateway is not hidden by the sender waiting for it.
      const due = started + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      pending.push(
        chat().then(
          () => void latencies.push(performance.now() - due),
          () => void failures++,
        ),
      );
    }
    await Promise.all(pending);
    stop = true;
    const rounds = await background;
    const { loopDelayMs } = await gateway.stats();
    latencies.sort((a, b) => a - b);
    const at = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] * 100) / 100;
    return { requests: latencies.length, failures, p50: at(50), p99: at(99), max: at(100), loopMaxMs: Math.round(loopDelayMs.max), adminRounds: rounds };
  };

  console.log(`\ndata plane, ${rate} req/s for ${seconds} s:`);
  const alone = await paced();
  console.log(`  alone:                           p50 ${alone.p50} ms  p99 ${alone.p99} ms  max ${alone.max} ms  ${alone.failures} failed  (event loop held up to ${alone.loopMaxMs} ms)`);
  const busy = await paced(() => Promise.all([admin('/overview?range=30d'), admin('/logs/export?format=csv')]));
  console.log(`  with overview 30d + export:      p50 ${busy.p50} ms  p99 ${busy.p99} ms  max ${busy.max} ms  ${busy.failures} failed  (event loop held up to ${busy.loopMaxMs} ms; ${busy.adminRounds} admin rounds)`);

  const results = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(results, { recursive: true });
  const file = join(results, `admin-load-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ rows, rate, seconds, holds, dataPlane: { alone, busy } }, null, 2)}\n`);
  console.log(`\nwrote ${file}`);
} finally {
  await gateway.stop();
  killAll();
  if (dir) rmSync(dir, { recursive: true, force: true });
}
