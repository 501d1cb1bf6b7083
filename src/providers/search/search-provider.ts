/**
 * One web search vendor behind one small interface: the gateway's hosted
 * web search (gateway/hosted-tools/) asks `search` and gets results in one
 * shape, whatever the vendor. Each vendor is its own module speaking that
 * vendor's request and response format; none knows about clients or billing.
 */

export interface SearchResult {
  url: string;
  title: string;
  /** The text the vendor gave about the page (a snippet, or the start of its content). */
  snippet: string;
  /** When the page was published or last changed, as the vendor writes it (an ISO date or `2 days ago`). */
  published?: string;
}

export interface SearchOptions {
  maxResults: number;
  /** Only results from these domains (and their subdomains). */
  allowedDomains?: string[];
  /** Never results from these domains. */
  blockedDomains?: string[];
  /** Where the user is, for vendors that localize results. */
  userLocation?: { country?: string; region?: string; city?: string; timezone?: string };
  signal?: AbortSignal;
}

/** How to reach a vendor: its key (opened from its seal) and its base URL (absent: the public one). */
export interface SearchAccess {
  apiKey?: string;
  baseUrl?: string;
  fetch: typeof fetch;
}

export interface SearchProvider {
  search(query: string, options: SearchOptions, access: SearchAccess): Promise<SearchResult[]>;
}

/** A vendor answered with an error or with something that is not its format. */
export class SearchFailure extends Error {
  constructor(
    message: string,
    /** The vendor refused for rate (429): the model is told `too_many_requests`. */
    readonly rateLimited = false,
  ) {
    super(message);
  }
}

/** Reads a vendor's JSON answer, or throws a SearchFailure naming the vendor and status. */
export async function vendorJson(vendor: string, res: Response): Promise<unknown> {
  const text = await res.text();
  if (!res.ok) throw new SearchFailure(`${vendor} answered ${res.status}: ${text.slice(0, 200)}`, res.status === 429);
  try {
    return JSON.parse(text);
  } catch {
    throw new SearchFailure(`${vendor} answered with a body that is not JSON: ${text.slice(0, 200)}`);
  }
}

/** Whether `url` is on `domain` or one of its subdomains. */
export function onDomain(url: string, domain: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  const d = domain.toLowerCase().replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  return host === d || host.endsWith(`.${d}`);
}

/**
 * The domain filters applied to results after the fact, for vendors that
 * take them only as query words (or not at all), so no result from a blocked
 * domain ever reaches the model; then cut to `maxResults`.
 */
export function filterResults(results: SearchResult[], options: SearchOptions): SearchResult[] {
  const allowed = options.allowedDomains ?? [];
  const blocked = options.blockedDomains ?? [];
  return results
    .filter((r) => (allowed.length === 0 || allowed.some((d) => onDomain(r.url, d))) && !blocked.some((d) => onDomain(r.url, d)))
    .slice(0, options.maxResults);
}

/** Query words that narrow a search to domains (`site:a OR site:b`, `-site:c`), for vendors that read search operators. */
export function siteOperators(options: SearchOptions): string {
  const allowed = (options.allowedDomains ?? []).map((d) => `site:${d}`).join(' OR ');
  const blocked = (options.blockedDomains ?? []).map((d) => `-site:${d}`).join(' ');
  return [allowed && (options.allowedDomains!.length > 1 ? `(${allowed})` : allowed), blocked].filter(Boolean).join(' ');
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
