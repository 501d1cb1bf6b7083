import type { SearchResult } from '../../providers/search/search-provider.js';
import { SearchFailure } from '../../providers/search/search-provider.js';
import { SEARCH_PROVIDER_MODULES } from '../../providers/search/registry.js';
import { base64url, fromBase64url } from '../../protocols/base64url.js';
import type { SecretBox } from '../../policy/secrets.js';
import type { WebSearchAsk } from './plan.js';

/**
 * One search the model asked for, run through the configured vendor, and the
 * ways its results are shown: as text to the model (the function tool's
 * result), and to the client in the vendor's own blocks.
 */

/** The function tool the model is given in place of the hosted one. */
export const WEB_SEARCH_FUNCTION = {
  name: 'web_search',
  description:
    'Search the web for current information. Returns the title, address, date and an excerpt of each result. Cite the addresses you use in your answer.',
  parameters: {
    type: 'object',
    properties: { query: { type: 'string', description: 'What to search for.' } },
    required: ['query'],
    additionalProperties: false,
  },
};

/** Why a search gave no results, in Anthropic's `web_search_tool_result_error` codes. */
export type SearchErrorCode = 'invalid_tool_input' | 'unavailable' | 'max_uses_exceeded' | 'too_many_requests' | 'query_too_long';

export type SearchOutcome = { kind: 'results'; query: string; results: SearchResult[] } | { kind: 'error'; query: string; code: SearchErrorCode; message: string };

/** The longest query sent to a vendor; longer is refused as Anthropic refuses it (`query_too_long`). */
const MAX_QUERY = 400;

/** The query in a function call's arguments (JSON text), or undefined when there is none. */
export function queryOf(args: string): string | undefined {
  try {
    const parsed = JSON.parse(args) as { query?: unknown };
    return typeof parsed?.query === 'string' && parsed.query.trim() !== '' ? parsed.query.trim() : undefined;
  } catch {
    return undefined;
  }
}

export async function runSearch(args: string, ask: WebSearchAsk, secrets: SecretBox, signal: AbortSignal): Promise<SearchOutcome> {
  const query = queryOf(args);
  if (query === undefined) return { kind: 'error', query: '', code: 'invalid_tool_input', message: 'the call named no `query`' };
  if (query.length > MAX_QUERY) return { kind: 'error', query, code: 'query_too_long', message: `the query is longer than ${MAX_QUERY} characters` };
  const { settings } = ask;
  try {
    const apiKey = settings.apiKey ? await secrets.decrypt(settings.apiKey) : undefined;
    const results = await SEARCH_PROVIDER_MODULES[settings.provider].search(
      query,
      { maxResults: settings.maxResults, allowedDomains: ask.allowedDomains, blockedDomains: ask.blockedDomains, userLocation: ask.userLocation, signal },
      { apiKey, baseUrl: settings.baseUrl, fetch: (input, init) => fetch(input, init) },
    );
    return { kind: 'results', query, results };
  } catch (err) {
    if (signal.aborted) throw err;
    const rateLimited = err instanceof SearchFailure && err.rateLimited;
    return { kind: 'error', query, code: rateLimited ? 'too_many_requests' : 'unavailable', message: (err as Error)?.message ?? String(err) };
  }
}

/** The outcome as the model reads it, the function tool's result. */
export function outcomeText(outcome: SearchOutcome): string {
  if (outcome.kind === 'error') return `Web search failed (${outcome.code}): ${outcome.message}`;
  if (outcome.results.length === 0) return `No web results for "${outcome.query}".`;
  return resultsText(outcome.query, outcome.results);
}

export function resultsText(query: string, results: SearchResult[]): string {
  const lines = [`Web results for "${query}":`];
  results.forEach((r, i) => {
    lines.push('', `[${i + 1}] ${r.title}`, `URL: ${r.url}`);
    if (r.published) lines.push(`Published: ${r.published}`);
    if (r.snippet) lines.push(r.snippet);
  });
  return lines.join('\n');
}

/**
 * The opaque `encrypted_content` of a result block (Anthropic's field, which
 * the client sends back in later turns): the result itself, encoded so the
 * gateway can give the model the excerpt again then. Not a secret: it is what
 * the client was shown.
 */
const CONTENT_PREFIX = 'sbws1.';

export function encodeResultContent(result: SearchResult): string {
  return CONTENT_PREFIX + base64url(new TextEncoder().encode(JSON.stringify({ u: result.url, t: result.title, s: result.snippet, p: result.published })));
}

/** A result block sent back by the client: ours are read back whole; another's keeps its title and address. */
export function decodeResultContent(content: unknown, url: string, title: string): SearchResult {
  if (typeof content === 'string' && content.startsWith(CONTENT_PREFIX)) {
    try {
      const r = JSON.parse(new TextDecoder().decode(fromBase64url(content.slice(CONTENT_PREFIX.length)))) as { u: string; t: string; s: string; p?: string };
      return { url: r.u, title: r.t, snippet: r.s, ...(r.p ? { published: r.p } : {}) };
    } catch {
      // fall through: shown by title and address
    }
  }
  return { url, title, snippet: '' };
}
