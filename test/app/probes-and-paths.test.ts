import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { DASHBOARD_PAGES } from '../../src/app/dashboard-paths.js';

// The probes (/healthz, /readyz) and what an unknown path gets: the dashboard only for a browser on its own pages.

const webDir = mkdtempSync(join(tmpdir(), 'switchboard-web-'));
let gw: NodeGateway;

beforeAll(async () => {
  mkdirSync(join(webDir, 'assets'));
  writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>fake dashboard</title>');
  writeFileSync(join(webDir, 'favicon.svg'), '<svg/>');
  writeFileSync(join(webDir, 'assets', 'app-abc123.js'), 'console.log(1)');
  gw = await startTestGateway({ webDir, extra: { metrics: { enabled: false } } });
});
afterAll(async () => {
  await gw?.close();
});

const HTML = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

describe('probes', () => {
  it('/healthz says the process is alive', async () => {
    const res = await fetch(`${gw.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('/readyz says what it checked: the store and the counters', async () => {
    const res = await fetch(`${gw.url}/readyz`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ ok: true, checks: { store: { ok: true }, counters: { ok: true, store: 'memory', state: 'up' } } });
    expect(body.checks.store.ms).toBeTypeOf('number');
  });

  it('/readyz is a 503 naming the store when the database cannot be read', async () => {
    const cut = await startTestGateway({ webDir: false });
    try {
      await cut.ctx.store.close();
      const res = await fetch(`${cut.url}/readyz`);
      expect(res.status).toBe(503);
      const body = await res.json();
      expect(body.ok).toBe(false);
      expect(body.checks.store.ok).toBe(false);
      expect(body.checks.store.error).toBeTruthy();
      expect(body.checks.counters.ok).toBe(true);
      // Alive all the same.
      expect((await fetch(`${cut.url}/healthz`)).status).toBe(200);
    } finally {
      await cut.close().catch(() => {});
    }
  });

  it('/readyz is a 503 naming the counters when Redis cannot be reached', async () => {
    // Nothing listens on port 9.
    const cut = await startTestGateway({ webDir: false, extra: { counters: { url: 'redis://127.0.0.1:9', prefix: `readyz-${process.pid}` } } });
    try {
      const res = await fetch(`${cut.url}/readyz`);
      expect(res.status).toBe(503);
      const body = await res.json();
      expect(body.checks.store.ok).toBe(true);
      expect(body.checks.counters).toMatchObject({ ok: false, store: 'redis', state: 'down' });
      expect(body.checks.counters.error).toBeTruthy();
    } finally {
      await cut.close();
    }
  });
});

describe('unknown paths', () => {
  it('are a 404 in JSON: probes aimed at the wrong path, scanners, metrics turned off, a POST to the root', async () => {
    const cases: [string, RequestInit][] = [
      ['/health', {}],
      ['/ready', {}],
      ['/metrics', {}],
      ['/foo.php', { headers: HTML }],
      ['/wp-admin/setup.php', { headers: HTML }],
      ['/nothing/here', { headers: HTML }],
      ['/', { method: 'POST', headers: HTML }],
      ['/keys', { method: 'DELETE', headers: HTML }],
      ['/keys', { headers: { accept: 'application/json' } }],
      ['/assets/gone-000.js', {}],
    ];
    for (const [path, init] of cases) {
      const res = await fetch(`${gw.url}${path}`, init);
      expect(res.status, `${init.method ?? 'GET'} ${path}`).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect((await res.json()).error.message).toContain('no route');
    }
  });

  it("the dashboard's pages answer a browser with the app, and its files are served", async () => {
    for (const path of [...DASHBOARD_PAGES, '/logs/some-request-id', '/keys?group=a']) {
      const res = await fetch(`${gw.url}${path}`, { headers: HTML });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await res.text()).toContain('fake dashboard');
    }
    const head = await fetch(`${gw.url}/settings`, { method: 'HEAD', headers: HTML });
    expect(head.status).toBe(200);
    expect((await fetch(`${gw.url}/favicon.svg`)).status).toBe(200);
    expect(await (await fetch(`${gw.url}/assets/app-abc123.js`)).text()).toBe('console.log(1)');
  });

  it("the server knows every page the dashboard declares", () => {
    const app = readFileSync(new URL('../../web/src/App.tsx', import.meta.url), 'utf8');
    const declared = [...app.matchAll(/\{\s*path:\s*'([^']+)'/g)].map((m) => m[1]);
    expect(declared.length).toBeGreaterThan(3);
    expect([...DASHBOARD_PAGES].sort()).toEqual(expect.arrayContaining(declared));
  });
});
