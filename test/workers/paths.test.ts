import { describe, expect, it } from 'vitest';
import { target } from './client.js';

// Probes, /metrics and unknown paths on the platform under test: the same answers on the Worker
// (its assets binding behind the Worker, wrangler.jsonc) as on Node, except /metrics (Node only).

const HTML = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

describe('probes and paths', () => {
  it('/healthz and /readyz answer, /readyz with what it checked', async () => {
    const { url } = target();
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ ok: true });
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ok: true, checks: { store: { ok: true }, counters: { ok: true, state: 'up' } } });
  });

  it('an unknown path is a 404 in JSON, not the dashboard', async () => {
    const { url } = target();
    for (const [path, init] of [
      ['/health', { headers: HTML }],
      ['/foo.php', { headers: HTML }],
      ['/', { method: 'POST', headers: HTML }],
    ] as const) {
      const res = await fetch(`${url}${path}`, init);
      expect(res.status, path).toBe(404);
      expect((await res.json()).error.message).toContain('no route');
    }
    // A missing bundle: a plain 404 (on the Worker from the assets binding itself, which serves /assets/* before the Worker runs).
    expect((await fetch(`${url}/assets/none-000.js`)).status).toBe(404);
  });

  it("the dashboard's pages answer a browser with the app and its headers", async () => {
    const { url } = target();
    for (const path of ['/', '/keys', '/logs/some-id']) {
      const res = await fetch(`${url}${path}`, { headers: HTML });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(await res.text()).toMatch(/<!doctype html>/i);
    }
  });

  it('/metrics asks for a token; the Worker has no metrics and says so with a 501', async () => {
    const { url, adminKey, kind } = target();
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${adminKey}` } });
    if (kind === 'worker') {
      expect(res.status).toBe(501);
      expect((await res.json()).error.message).toContain('not served on this platform');
    } else {
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('switchboard_requests_total');
    }
  });
});
