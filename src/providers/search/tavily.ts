import { filterResults, SearchFailure, str, vendorJson, type SearchProvider, type SearchResult } from './search-provider.js';

/**
 * Tavily: `POST /search` with the key as a Bearer token and a JSON body
 * (`query`, `max_results`, `include_domains`, `exclude_domains`); it answers
 * `{ query, results: [{ title, url, content, score, published_date? }] }`.
 * @see https://docs.tavily.com/documentation/api-reference/endpoint/search
 */
export const TAVILY_URL = 'https://api.tavily.com';

export const tavily: SearchProvider = {
  async search(query, options, access) {
    const res = await access.fetch(`${(access.baseUrl ?? TAVILY_URL).replace(/\/$/, '')}/search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(access.apiKey ? { authorization: `Bearer ${access.apiKey}` } : {}) },
      body: JSON.stringify({
        query,
        max_results: options.maxResults,
        ...(options.allowedDomains?.length ? { include_domains: options.allowedDomains } : {}),
        ...(options.blockedDomains?.length ? { exclude_domains: options.blockedDomains } : {}),
        // Tavily boosts results from one country, named in full and lower case (`united states`); ISO codes are not taken.
      }),
      signal: options.signal,
    });
    const json = (await vendorJson('tavily', res)) as { results?: unknown };
    if (!Array.isArray(json.results)) throw new SearchFailure('tavily answered without `results`');
    const results: SearchResult[] = [];
    for (const r of json.results as Record<string, unknown>[]) {
      const url = str(r?.url);
      if (!url) continue;
      results.push({ url, title: str(r.title) ?? url, snippet: str(r.content) ?? '', ...(str(r.published_date) ? { published: str(r.published_date) } : {}) });
    }
    return filterResults(results, options);
  },
};
