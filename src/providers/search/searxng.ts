import { filterResults, SearchFailure, siteOperators, str, vendorJson, type SearchProvider, type SearchResult } from './search-provider.js';

/**
 * SearXNG, self-hosted: `GET /search?q=&format=json` (the instance must have
 * the `json` format enabled in its settings); it answers `{ query,
 * number_of_results, results: [{ url, title, content, engine, publishedDate? }] }`.
 * No key as such; one given is sent as a Bearer token, for an instance behind a proxy that asks for it.
 * @see https://docs.searxng.org/dev/search_api.html
 */
export const searxng: SearchProvider = {
  async search(query, options, access) {
    if (!access.baseUrl) throw new SearchFailure('searxng needs `baseUrl`: the address of the instance');
    const params = new URLSearchParams({ q: [query, siteOperators(options)].filter(Boolean).join(' '), format: 'json' });
    const res = await access.fetch(`${access.baseUrl.replace(/\/$/, '')}/search?${params}`, {
      headers: { accept: 'application/json', ...(access.apiKey ? { authorization: `Bearer ${access.apiKey}` } : {}) },
      signal: options.signal,
    });
    const json = (await vendorJson('searxng', res)) as { results?: unknown };
    if (!Array.isArray(json.results)) throw new SearchFailure('searxng answered without `results` (is the json format enabled on the instance?)');
    const results: SearchResult[] = [];
    for (const r of json.results as Record<string, unknown>[]) {
      const url = str(r?.url);
      if (!url) continue;
      const published = str(r.publishedDate);
      results.push({ url, title: str(r.title) ?? url, snippet: str(r.content) ?? '', ...(published ? { published } : {}) });
    }
    return filterResults(results, options);
  },
};
