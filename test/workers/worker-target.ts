import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Target } from './target.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
/**
 * Bundling, applying the D1 migrations and starting workerd take a few
 * seconds on a quiet machine; many times that while other test files load
 * on few cores.
 */
export const WORKER_START_MS = 120_000;

/**
 * The Worker under `wrangler dev` (scripts/dev-workers.ts): the config
 * written to a temp YAML file, a free port, a fresh --persist-to folder (local
 * D1 and Durable Objects) per run. The dev script runs in a process group of
 * its own, so stop() ends wrangler and every workerd it started.
 */
export async function startWorkerTarget(config: Record<string, unknown> & { adminKey: string }): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-workers-'));
  const file = join(dir, 'switchboard.yaml');
  // JSON is YAML: the dev script reads the file as it would an operator's.
  writeFileSync(file, JSON.stringify(config, null, 2));
  const port = await freePort();
  const child = spawn(TSX, ['scripts/dev-workers.ts', '--config', file, '--port', String(port), '--persist-to', join(dir, 'state')], {
    cwd: ROOT,
    env: {
      ...process.env,
      WRANGLER_SEND_METRICS: 'false',
      CLOUDFLARE_CF_FETCH_ENABLED: 'false',
      CI: process.env.CI ?? '1',
      NO_COLOR: '1',
      // wrangler writes a debug log of every inspector event (each subrequest and body chunk): megabytes a run, in
      // ~/.config/.wrangler/logs unless told otherwise; this folder goes at stop.
      WRANGLER_LOG_PATH: join(dir, 'logs'),
    },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (d: Buffer) => {
    // The tail is what explains a failure; wrangler logs a line per request.
    output = (output + d.toString()).slice(-20_000);
  };
  child.stdout.on('data', keep);
  // SWITCHBOARD_WORKERS_LOG=path keeps all of wrangler's output (the Worker's console.log lines too), for a hang to be read.
  const logTo = process.env.SWITCHBOARD_WORKERS_LOG;
  if (logTo) for (const stream of [child.stdout, child.stderr]) stream.on('data', (d: Buffer) => appendFileSync(logTo, d));
  child.stderr.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const killGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // the group is gone already
    }
  };
  const stop = async () => {
    killGroup('SIGTERM');
    const timer = setTimeout(() => killGroup('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    // workerd may outlive wrangler for a moment; nothing of the group may stay.
    killGroup('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };

  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(url, exited, () => output);
  } catch (err) {
    await stop();
    throw err;
  }
  return { kind: 'worker', url, adminKey: config.adminKey, stop };
}

async function waitForHealth(url: string, exited: Promise<number | null>, output: () => string): Promise<void> {
  let gone: number | null | undefined;
  void exited.then((code) => (gone = code));
  const until = Date.now() + WORKER_START_MS;
  while (Date.now() < until) {
    if (gone !== undefined) throw new Error(`wrangler dev exited with code ${gone} before it was ready:\n${output()}`);
    const ok = await fetch(`${url}/healthz`).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the Worker did not answer /healthz within ${WORKER_START_MS} ms:\n${output()}`);
}

/** A port nothing listens on now (the OS picks it; the Worker binds it a moment later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
