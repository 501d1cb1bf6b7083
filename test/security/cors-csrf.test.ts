import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { ADMIN_KEY, TEST_KEY, startTestGateway } from '../helpers/gateway.js';

/**
 * Browsers on other sites: the admin API never lets them read an answer
 * (no CORS headers, no cookie), refuses their writes (Sec-Fetch-Site), and
 * the dashboard cannot be framed. The data plane serves no CORS either (as
 * before): a page on another origin cannot read its answers.
 */

const EVIL = 'https://evil.example';
let gw: NodeGateway;

beforeAll(async () => {
  gw = await startTestGateway({});
});
afterAll(() => gw?.close());

const corsHeaders = (res: Response) => [...res.headers.keys()].filter((name) => name.startsWith('access-control-'));
const keyCount = async () => ((await (await fetch(`${gw.url}/admin/api/keys`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()) as { data: unknown[] }).data.length;

describe('the admin API and dashboard against other sites', () => {
  it('gives a cross-origin read no CORS headers and no cookie, with or without the key', async () => {
    for (const authorization of [`Bearer ${ADMIN_KEY}`, undefined]) {
      const res = await fetch(`${gw.url}/admin/api/keys`, { headers: { origin: EVIL, 'sec-fetch-site': 'cross-site', ...(authorization ? { authorization } : {}) } });
      expect(corsHeaders(res)).toEqual([]);
      expect(res.headers.get('set-cookie')).toBeNull();
    }
  });

  it('answers a CORS preflight for a write without allowing it', async () => {
    const res = await fetch(`${gw.url}/admin/api/keys`, {
      method: 'OPTIONS',
      headers: { origin: EVIL, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(corsHeaders(res)).toEqual([]);
    expect(res.ok).toBe(false);
  });

  it('refuses a write sent from another site even with the key, and takes it from the dashboard and from non-browser clients', async () => {
    const before = await keyCount();
    const create = (headers: Record<string, string>, name: string) =>
      fetch(`${gw.url}/admin/api/keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ name }),
      });
    for (const site of ['cross-site', 'same-site']) {
      const res = await create({ origin: EVIL, 'sec-fetch-site': site }, `from-${site}`);
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ error: { type: 'permission_error', code: 'cross_site_request' } });
    }
    expect(await keyCount()).toBe(before);
    // A form post from another site carries no Authorization header: 403 before the key is even asked for.
    const form = await fetch(`${gw.url}/admin/api/keys/whatever`, { method: 'DELETE', headers: { origin: EVIL, 'sec-fetch-site': 'cross-site' } });
    expect(form.status).toBe(403);

    expect((await create({ origin: gw.url, 'sec-fetch-site': 'same-origin' }, 'from-the-dashboard')).status).toBe(201);
    expect((await create({}, 'from-curl')).status).toBe(201);
    expect(await keyCount()).toBe(before + 2);
  });

  it('serves the dashboard with no cookie and not to be framed', async () => {
    const res = await fetch(`${gw.url}/`, { headers: { accept: 'text/html', origin: EVIL } });
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(corsHeaders(res)).toEqual([]);
  });
});

describe('the data plane against other sites', () => {
  it('serves no CORS: a page on another origin cannot read an answer or send its key with a preflight', async () => {
    const preflight = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'OPTIONS',
      headers: { origin: EVIL, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(corsHeaders(preflight)).toEqual([]);
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { origin: EVIL, authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock-model', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    expect(corsHeaders(res)).toEqual([]);
    expect(res.headers.get('set-cookie')).toBeNull();
  });
});
