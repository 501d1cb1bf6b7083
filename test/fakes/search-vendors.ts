// Fake web search vendors, one per vendor the gateway's hosted web search speaks to, each in
// that vendor's own request and answer format: Tavily (POST /search, Bearer key, JSON body),
// Brave (GET /res/v1/web/search, X-Subscription-Token), SearXNG (GET /search?format=json) and
// Jina (POST / on s.jina.ai, Bearer key, Accept: application/json). Each answers with
// SEARCH_RESULT_COUNT results whose addresses name the vendor and the query, and records calls.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const SEARCH_KEYS = { tavily: 'tvly-fake-key', brave: 'brave-fake-key', searxng: '', jina: 'jina_fake_key' } as const;
export type SearchVendor = keyof typeof SEARCH_KEYS;
export const SEARCH_RESULT_COUNT = 3;

export interface SearchCall {
  vendor: SearchVendor;
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown> | null;
}

export interface FakeSearchVendors {
  urls: Record<SearchVendor, string>;
  calls: SearchCall[];
  /** The next call to any vendor answers this status (429: rate limited). */
  failNext(status: number): void;
  close(): Promise<void>;
}

/** The address of a fake result: `https://<vendor>.example/<n>/<query words>`. */
export function fakeResultUrl(vendor: SearchVendor, n: number, query: string): string {
  return `https://${vendor}.example/${n}/${encodeURIComponent(query.replace(/[^a-z0-9 ]/gi, '').trim().replace(/\s+/g, '-').slice(0, 40))}`;
}

function results(vendor: SearchVendor, query: string) {
  return Array.from({ length: SEARCH_RESULT_COUNT }, (_, i) => ({
    url: fakeResultUrl(vendor, i + 1, query),
    title: `${vendor} result ${i + 1}`,
    text: `Excerpt ${i + 1} from ${vendor} about ${query}.`,
  }));
}

function answer(vendor: SearchVendor, query: string): unknown {
  const found = results(vendor, query);
  switch (vendor) {
    case 'tavily':
      return {
        query,
        follow_up_questions: null,
        answer: null,
        images: [],
        results: found.map((r, i) => ({ title: r.title, url: r.url, content: r.text, score: 0.9 - i / 10, raw_content: null, ...(i === 0 ? { published_date: '2026-01-02' } : {}) })),
        response_time: 0.42,
      };
    case 'brave':
      return {
        type: 'search',
        query: { original: query, more_results_available: true },
        mixed: { type: 'mixed', main: found.map((_, i) => ({ type: 'web', index: i, all: false })) },
        web: {
          type: 'search',
          results: found.map((r, i) => ({ type: 'search_result', title: r.title, url: r.url, description: `<strong>${r.text}</strong>`, is_source_local: false, language: 'en', ...(i === 0 ? { page_age: '2026-01-02T00:00:00', age: 'January 2, 2026' } : {}) })),
          family_friendly: true,
        },
      };
    case 'searxng':
      return {
        query,
        number_of_results: found.length,
        results: found.map((r, i) => ({ url: r.url, title: r.title, content: r.text, engine: 'duckduckgo', engines: ['duckduckgo'], score: 1 - i / 10, category: 'general', ...(i === 0 ? { publishedDate: '2026-01-02T00:00:00' } : {}) })),
        answers: [],
        corrections: [],
        infoboxes: [],
        suggestions: [],
        unresponsive_engines: [],
      };
    case 'jina':
      return {
        code: 200,
        status: 20000,
        data: found.map((r, i) => ({ title: r.title, url: r.url, description: r.text, content: '', usage: { tokens: 10 }, ...(i === 0 ? { date: 'Jan 2, 2026' } : {}) })),
        meta: { usage: { tokens: 30 } },
      };
  }
}

async function readBody(req: http.IncomingMessage): Promise<Record<string, unknown> | null> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text ? (JSON.parse(text) as Record<string, unknown>) : null;
}

async function startOne(vendor: SearchVendor, calls: SearchCall[], failing: { status: number | null }): Promise<{ url: string; server: http.Server }> {
  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const body = await readBody(req);
      calls.push({ vendor, method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body });
      const send = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      if (failing.status !== null) {
        const status = failing.status;
        failing.status = null;
        return send(status, { detail: 'fake failure' });
      }
      const key = SEARCH_KEYS[vendor];
      switch (vendor) {
        case 'tavily':
          if (req.method !== 'POST' || url.pathname !== '/search') return send(404, { detail: 'Not Found' });
          if (req.headers.authorization !== `Bearer ${key}`) return send(401, { detail: { error: 'Unauthorized: missing or invalid API key.' } });
          return send(200, answer(vendor, String(body?.query ?? '')));
        case 'brave':
          if (url.pathname !== '/res/v1/web/search') return send(404, { type: 'ErrorResponse' });
          if (req.headers['x-subscription-token'] !== key) return send(401, { type: 'ErrorResponse', error: { code: 'SUBSCRIPTION_TOKEN_INVALID', status: 401 } });
          return send(200, answer(vendor, url.searchParams.get('q') ?? ''));
        case 'searxng':
          if (url.pathname !== '/search') return send(404, {});
          // An instance without the json format enabled answers 403.
          if (url.searchParams.get('format') !== 'json') return send(403, {});
          return send(200, answer(vendor, url.searchParams.get('q') ?? ''));
        case 'jina':
          if (req.method !== 'POST' || url.pathname !== '/') return send(404, { code: 404 });
          if (req.headers.authorization !== `Bearer ${key}`) return send(401, { code: 401, name: 'AuthenticationRequiredError', status: 40103 });
          return send(200, answer(vendor, String(body?.q ?? '')));
      }
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

export async function startFakeSearchVendors(): Promise<FakeSearchVendors> {
  const calls: SearchCall[] = [];
  const failing = { status: null as number | null };
  const vendors = Object.keys(SEARCH_KEYS) as SearchVendor[];
  const started = await Promise.all(vendors.map((v) => startOne(v, calls, failing)));
  return {
    urls: Object.fromEntries(vendors.map((v, i) => [v, started[i].url])) as Record<SearchVendor, string>,
    calls,
    failNext(status) {
      failing.status = status;
    },
    close: async () => {
      await Promise.all(started.map((s) => new Promise<void>((resolve) => s.server.close(() => resolve()))));
    },
  };
}
