import { filterResults, SearchFailure, siteOperators, str, vendorJson, type SearchProvider, type SearchResult } from './search-provider.js';

/**
 * Brave Search: `GET /res/v1/web/search?q=&count=` with the key in
 * `X-Subscription-Token`; it answers `{ type: "search", web: { results:
 * [{ title, url, description, page_age?, age? }] } }`. Domains go into the
 * query as `site:` operators, and `country` takes a two-letter code.
 * @see https://api-dashboard.search.brave.com/app/documentation/web-search/get-started
 */
export const BRAVE_URL = 'https://api.search.brave.com';

export const brave: SearchProvider = {
  async search(query, options, access) {
    const params = new URLSearchParams({ q: [query, siteOperators(options)].filter(Boolean).join(' '), count: String(Math.min(options.maxResults, 20)) });
    const country = options.userLocation?.country;
    if (country && /^[a-z]{2}$/i.test(country)) params.set('country', country.toUpperCase());
    const res = await access.fetch(`${(access.baseUrl ?? BRAVE_URL).replace(/\/$/, '')}/res/v1/web/search?${params}`, {
      headers: { accept: 'application/json', ...(access.apiKey ? { 'x-subscription-token': access.apiKey } : {}) },
      signal: options.signal,
    });
    const json = (await vendorJson('brave', res)) as { web?: { results?: unknown } };
    // No `web` section: nothing found (Brave leaves it out rather than sending an empty list).
    const list = json.web?.results ?? [];
    if (!Array.isArray(list)) throw new SearchFailure('brave answered with `web.results` that is not a list');
    const results: SearchResult[] = [];
    for (const r of list as Record<string, unknown>[]) {
      const url = str(r?.url);
      if (!url) continue;
      const published = str(r.page_age) ?? str(r.age);
      results.push({ url, title: str(r.title) ?? url, snippet: stripTags(str(r.description) ?? ''), ...(published ? { published } : {}) });
    }
    return filterResults(results, options);
  },
};

/** Brave marks the query words in descriptions with `<strong>`. */
function stripTags(text: string): string {
  return text.replace(/<\/?strong>/g, '');
}
