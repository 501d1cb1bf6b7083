import type { SearchResult } from '../../providers/search/search-provider.js';
import { encodeResultContent, type SearchOutcome } from './web-search.js';
import { base64url } from '../../protocols/base64url.js';

/**
 * The blocks Anthropic shows its own web search with, made from the
 * gateway's runs: the ids, the result block's content, the citations.
 * @see https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/web-search-tool
 */

/** The name of Anthropic's web search tool, and of the custom tool the model is given in its place. */
export const SERVER_TOOL_NAME = 'web_search';

/** Anthropic's server tool ids start `srvtoolu_`; the model's call id is kept inside, so a later turn maps back to it. */
export function serverToolId(callId: string): string {
  return callId.startsWith('srvtoolu_') ? callId : `srvtoolu_${callId.replace(/^toolu_/, '').replace(/[^A-Za-z0-9_-]/g, '')}`;
}

export function resultContent(outcome: SearchOutcome): unknown {
  if (outcome.kind === 'error') return { type: 'web_search_tool_result_error', error_code: outcome.code };
  return outcome.results.map((r) => ({ type: 'web_search_result', url: r.url, title: r.title, encrypted_content: encodeResultContent(r), page_age: r.published ?? null }));
}

/** A text block with a `web_search_result_location` citation for each result whose address it names. */
export function cite(block: Record<string, unknown>, found: SearchResult[]): Record<string, unknown> {
  const text = typeof block.text === 'string' ? block.text : '';
  const cited = found.filter((r, i) => text.includes(r.url) && found.findIndex((o) => o.url === r.url) === i);
  if (cited.length === 0) return block;
  const citations = cited.map((r) => ({
    type: 'web_search_result_location',
    url: r.url,
    title: r.title,
    cited_text: r.snippet.slice(0, 150),
    // The address's UTF-8 bytes: btoa takes Latin-1 only and threw on an address in another script.
    encrypted_index: base64url(new TextEncoder().encode(r.url)),
  }));
  return { ...block, citations };
}

