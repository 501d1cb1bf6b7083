import type { ToolRun } from './turns.js';
import type { SearchResult } from '../../providers/search/search-provider.js';
import { isRecord } from './plan.js';

/**
 * The items OpenAI shows its own hosted tools with, made from the gateway's
 * runs: `web_search_call` and `image_generation_call` items, and
 * `url_citation` annotations on text that names a result's address.
 * @see https://platform.openai.com/docs/guides/tools-web-search
 * @see https://platform.openai.com/docs/guides/tools-image-generation
 */

/** The item's id (`ws_…`, `ig_…`): the model's call id kept inside it. */
export function hostedItemId(callId: string, prefix: 'ws_' | 'ig_'): string {
  return prefix + callId.replace(/^(call_|fc_)/, '').replace(/[^A-Za-z0-9_-]/g, '');
}

/** The item the client sees where the model called a hosted tool. */
export function hostedItem(run: ToolRun): Record<string, unknown> {
  if (run.kind === 'search') {
    const { outcome } = run;
    return {
      id: hostedItemId(run.call.callId, 'ws_'),
      type: 'web_search_call',
      status: outcome.kind === 'results' ? 'completed' : 'failed',
      action: {
        type: 'search',
        query: outcome.query,
        ...(outcome.kind === 'results' ? { sources: outcome.results.map((r) => ({ type: 'url', url: r.url })) } : {}),
      },
    };
  }
  const { result } = run;
  return {
    id: hostedItemId(run.call.callId, 'ig_'),
    type: 'image_generation_call',
    status: result.ok ? 'completed' : 'failed',
    result: result.ok ? result.b64 : null,
    revised_prompt: run.prompt,
    ...(result.ok ? { output_format: result.format, ...(result.size ? { size: result.size } : {}), ...(result.quality ? { quality: result.quality } : {}) } : {}),
  };
}

/** `url_citation` annotations on output text, one for each place a result's address is named. */
export function annotate(item: Record<string, unknown>, found: SearchResult[]): Record<string, unknown> {
  if (found.length === 0 || !Array.isArray(item.content)) return item;
  const content = item.content.map((part) => {
    if (!isRecord(part) || part.type !== 'output_text' || typeof part.text !== 'string') return part;
    const text = part.text;
    const annotations: Record<string, unknown>[] = [];
    const seen = new Set<string>();
    for (const r of found) {
      if (seen.has(r.url)) continue;
      seen.add(r.url);
      for (let at = text.indexOf(r.url); at !== -1; at = text.indexOf(r.url, at + r.url.length))
        annotations.push({ type: 'url_citation', start_index: at, end_index: at + r.url.length, url: r.url, title: r.title });
    }
    annotations.sort((a, b) => (a.start_index as number) - (b.start_index as number));
    return annotations.length === 0 ? part : { ...part, annotations: [...(Array.isArray(part.annotations) ? part.annotations : []), ...annotations] };
  });
  return { ...item, content };
}
