import { filterResults, SearchFailure, str, vendorJson, type SearchProvider, type SearchResult } from './search-provider.js';

/**
 * Jina Search: `POST https://s.jina.ai/` with `{ q, num }`, the key as a
 * Bearer token and `Accept: application/json`; `X-Respond-With: no-content`
 * leaves the pages' full text out, and `X-Site` narrows to one domain. It
 * answers `{ code: 200, status: 20000, data: [{ title, url, description, date? }] }`.
 * @see https://jina.ai/reader/#apiform (the "Search" tab)
 */
export const JINA_SEARCH_URL = 'https://s.jina.ai';

export const jina: SearchProvider = {
  async search(query, options, access) {
    const allowed = options.allowedDomains ?? [];
    const res = await access.fetch(`${(access.baseUrl ?? JINA_SEARCH_URL).replace(/\/$/, '')}/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        'x-respond-with': 'no-content',
        // One domain only; more than one is filtered after the fact.
        ...(allowed.length === 1 ? { 'x-site': allowed[0] } : {}),
        ...(access.apiKey ? { authorization: `Bearer ${access.apiKey}` } : {}),
      },
      body: JSON.stringify({ q: query, num: options.maxResults }),
      signal: options.signal,
    });
    const json = (await vendorJson('jina', res)) as { data?: unknown };
    if (!Array.isArray(json.data)) throw new SearchFailure('jina answered without `data`');
    const results: SearchResult[] = [];
    for (const r of json.data as Record<string, unknown>[]) {
      const url = str(r?.url);
      if (!url) continue;
      const published = str(r.date) ?? str(r.publishedTime);
      results.push({ url, title: str(r.title) ?? url, snippet: str(r.description) ?? str(r.content)?.slice(0, 500) ?? '', ...(published ? { published } : {}) });
    }
    return filterResults(results, options);
  },
};
