import { spawn } from 'node:child_process';
import { freePort } from '../test/workers/worker-target.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildStats } from './child.js';
import type { Child } from './children.js';
import { processTree } from './proc-tree.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ADMIN_KEY = 'sb-admin-bench-worker-000000000000';
const NO_LOOP = { p50: NaN, p99: NaN, max: NaN };

/**
 * Switchboard as a Worker under `wrangler dev` (scripts/dev-workers.ts), on
 * the same config as bench/switchboard.ts: the fake upstream, one model, one
 * key with an rpm limit and a concurrency cap (here counted in Durable
 * Objects), usage recorded (here in local D1). Two Children over one process
 * group, so each one's CPU per request is reported apart: `worker`, the
 * workerd process that runs the Worker (with its Durable Objects and local D1):
 * the nearest thing here to the CPU time Workers bill; and `wrangler`, what
 * only development adds: wrangler's Node process (it bundles, and logs each
 * request) and the workerd that listens on the port and proxies to the Worker.
 */
export async function startWorker(fake: string, dir: string, key: string): Promise<{ worker: Child; wrangler: Child }> {
  const config = {
    adminKey: ADMIN_KEY,
    secret: 'bench-secret-0000000000000000',
    upstreams: [{ id: 'fake', kind: 'openai', baseUrl: `${fake}/v1`, credentials: [{ key: 'sk-bench' }] }],
    models: [{ id: 'bench-model', routes: [{ upstream: 'fake', model: 'fake-model' }] }],
    keys: [{ name: 'bench', key, limits: { rpm: 100_000_000, concurrent: 100_000 } }],
  };
  const file = join(dir, 'worker.yaml');
  writeFileSync(file, JSON.stringify(config, null, 2));
  const port = await freePort();
  // BENCH_WORKER_DIRECT=1: the same Worker in workerd without wrangler dev's proxy and inspector (dev:workers --direct).
  const direct = process.env.BENCH_WORKER_DIRECT === '1';
  const args = ['scripts/dev-workers.ts', '--config', file, '--port', String(port), '--persist-to', join(dir, 'worker-state'), ...(direct ? ['--direct'] : [])];
  const proc = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), args, {
    cwd: ROOT,
    // wrangler's debug log of every inspector event goes to the bench's temp folder, not ~/.config/.wrangler/logs.
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', NO_COLOR: '1', WRANGLER_LOG_PATH: join(dir, 'wrangler-logs') },
    detached: true,
    // Its per-request log lines are read and dropped: a full pipe would stall it.
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-10_000));
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);
  const pid = proc.pid ?? -1;
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // gone already
    }
  };
  process.once('exit', () => killGroup('SIGKILL'));
  let exited = false;
  proc.once('exit', () => (exited = true));

  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 120_000;
  for (;;) {
    if (exited) throw new Error(`wrangler dev exited before it was ready:\n${output}`);
    if (await fetch(`${url}/healthz`).then((r) => r.ok, () => false)) break;
    if (Date.now() > until) {
      killGroup('SIGKILL');
      throw new Error(`the Worker did not answer /healthz within 120 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }

  // The dev proxy is the workerd on our port; the Worker's own listens on a port of its choosing (entry=…:0).
  // Direct, the one workerd is the Worker's.
  const isWorker = (p: { name: string; args: string }) => p.name.startsWith('workerd') && (direct || !p.args.includes(`=127.0.0.1:${port} `));
  const meter = (pick: (p: { name: string; args: string }) => boolean) => {
    let last = 0;
    return (): ChildStats => {
      const total = processTree(pid)
        .filter(pick)
        .reduce((sum, p) => sum + p.cpuMicros, 0);
      const cpuMicros = Math.max(0, total - last);
      last = total;
      return { cpuMicros, cpuTotalMicros: total, loopDelayMs: NO_LOOP };
    };
  };
  const workerStats = meter(isWorker);
  const wranglerStats = meter((p) => !isWorker(p));
  const workerds = processTree(pid).filter((p) => p.name.startsWith('workerd'));
  if (workerds.filter(isWorker).length !== 1 || workerds.length !== (direct ? 1 : 2))
    throw new Error(`expected the Worker's workerd and wrangler's proxy, found: ${workerds.map((p) => p.args).join('\n')}`);
  workerStats();
  wranglerStats();

  const stop = async (): Promise<Record<string, unknown>> => {
    // What the Worker recorded, through its admin API: all rows land in D1 within the requests' lifetime.
    const usage = await fetch(`${url}/admin/api/usage?by=key`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })
      .then((r) => r.json() as Promise<{ totals?: { requests?: number; errors?: number } }>)
      .catch(() => undefined);
    killGroup('SIGTERM');
    await new Promise<void>((resolve) => {
      if (exited) return resolve();
      const timer = setTimeout(() => killGroup('SIGKILL'), 5000);
      proc.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    killGroup('SIGKILL');
    return { recorded: usage?.totals ?? null };
  };
  const worker: Child = { name: 'worker', url, pid, stats: async () => workerStats(), stop };
  const wrangler: Child = { name: 'wrangler', url, pid, stats: async () => wranglerStats(), stop: async () => ({}) };
  return { worker, wrangler };
}
