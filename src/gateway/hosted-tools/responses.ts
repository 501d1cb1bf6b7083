import type { Dialect, HostedCall, RunText, Totals, Turn } from './turns.js';
import { responsesStreamWriter } from './responses-stream.js';
import { annotate, hostedItem } from './responses-items.js';
import type { HostedPlan } from './plan.js';
import { isRecord } from './plan.js';
import { WEB_SEARCH_FUNCTION } from './web-search.js';
import { IMAGE_FUNCTION } from './image-generation.js';
import type { SearchResult } from '../../providers/search/search-provider.js';

/**
 * OpenAI Responses with the gateway's hosted tools. The client's
 * `web_search` (`web_search_preview`…) and `image_generation` tools become
 * function tools; the model's `function_call` of one is shown to the client
 * as OpenAI shows its own: a `web_search_call` item (`ws_…`, `status`,
 * `action: {type: "search", query, sources}`) with `url_citation`
 * annotations (`start_index`, `end_index`, `url`, `title`) on text that names
 * a result's address, or an `image_generation_call` item (`ig_…`, `result`
 * base64, `output_format`, `size`, `quality`, `revised_prompt`).
 * @see https://platform.openai.com/docs/guides/tools-web-search
 * @see https://platform.openai.com/docs/guides/tools-image-generation
 * (openai-node `ResponseFunctionWebSearch`, `ResponseOutputText.URLCitation`,
 * `ResponseOutputItem.ImageGenerationCall` and the streaming events
 * `ResponseWebSearchCall{InProgress,Searching,Completed}Event`,
 * `ResponseImageGenCall{InProgress,Generating,Completed}Event`)
 */

const WEB_SEARCH_TYPES = new Set(['web_search', 'web_search_2025_08_26', 'web_search_preview', 'web_search_preview_2025_03_11']);

export function responsesDialect(json: Record<string, unknown>, plan: HostedPlan): Dialect {
  const hostedNames = new Set<string>();
  const tools = (json.tools as unknown[]).map((tool) => {
    if (!isRecord(tool)) return tool;
    if (plan.webSearch && typeof tool.type === 'string' && WEB_SEARCH_TYPES.has(tool.type)) {
      hostedNames.add(WEB_SEARCH_FUNCTION.name);
      return { type: 'function', name: WEB_SEARCH_FUNCTION.name, description: WEB_SEARCH_FUNCTION.description, parameters: WEB_SEARCH_FUNCTION.parameters, strict: false };
    }
    if (plan.image && tool.type === 'image_generation') {
      hostedNames.add(IMAGE_FUNCTION.name);
      return { type: 'function', name: IMAGE_FUNCTION.name, description: IMAGE_FUNCTION.description, parameters: IMAGE_FUNCTION.parameters, strict: false };
    }
    return tool;
  });
  const choice = json.tool_choice;
  const request: Record<string, unknown> = {
    ...json,
    stream: false,
    tools,
    // A choice that names a hosted tool names its function instead.
    ...(isRecord(choice) && typeof choice.type === 'string' && (WEB_SEARCH_TYPES.has(choice.type) || choice.type === 'image_generation')
      ? { tool_choice: { type: 'function', name: choice.type === 'image_generation' ? IMAGE_FUNCTION.name : WEB_SEARCH_FUNCTION.name } }
      : {}),
    input: rewriteHistory(json.input),
  };
  const isHosted = (item: Record<string, unknown>) => item.type === 'function_call' && hostedNames.has(String(item.name));
  const items = (turn: Record<string, unknown>) => (Array.isArray(turn.output) ? turn.output.filter(isRecord) : []);

  return {
    request,
    hostedCalls: (turn) =>
      items(turn)
        .filter(isHosted)
        .map((item): HostedCall => ({ callId: String(item.call_id), name: String(item.name), arguments: typeof item.arguments === 'string' ? item.arguments : '{}' })),
    callsClientTools: (turn) => items(turn).some((item) => (item.type === 'function_call' || item.type === 'custom_tool_call') && !isHosted(item)),
    append(turn: Turn, text: RunText) {
      const input = request.input as unknown[];
      input.push(...items(turn.json));
      for (const run of turn.runs) input.push({ type: 'function_call_output', call_id: run.call.callId, output: text(run) });
    },
    answer(turns: Turn[], totals: Totals) {
      const output: Record<string, unknown>[] = [];
      const found: SearchResult[] = [];
      for (const turn of turns) {
        for (const item of items(turn.json)) {
          if (!isHosted(item)) {
            output.push(item.type === 'message' ? annotate(item, found) : item);
            continue;
          }
          const run = turn.runs.find((r) => r.call.callId === item.call_id);
          if (run) output.push(hostedItem(run));
          if (run?.kind === 'search' && run.outcome.kind === 'results') found.push(...run.outcome.results);
        }
      }
      const last = turns[turns.length - 1].json;
      const { usage } = totals;
      // Responses counts cached input inside `input_tokens`.
      const input = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
      return {
        ...last,
        output,
        tools: json.tools,
        ...(json.tool_choice !== undefined ? { tool_choice: json.tool_choice } : {}),
        usage: {
          input_tokens: input,
          input_tokens_details: { cached_tokens: usage.cacheReadTokens },
          output_tokens: usage.outputTokens,
          output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
          total_tokens: input + usage.outputTokens,
        },
      };
    },
    streamWriter: () => responsesStreamWriter(isHosted, json),
  };
}

/**
 * Earlier turns as the client sends them back: a `web_search_call` item
 * becomes a call of the function and its output (the query and the
 * addresses found, which is what the item holds); an `image_generation_call`
 * becomes a call and an output saying the image was shown. A string input is
 * made a list, so turns can be added to it.
 */
function rewriteHistory(input: unknown): unknown[] {
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  if (!Array.isArray(input)) return [];
  const out: unknown[] = [];
  for (const item of input) {
    if (isRecord(item) && item.type === 'web_search_call') {
      const id = String(item.id);
      const action = isRecord(item.action) ? item.action : {};
      const query = typeof action.query === 'string' ? action.query : '';
      const sources = Array.isArray(action.sources) ? action.sources.filter(isRecord).map((s) => String(s.url)) : [];
      out.push({ type: 'function_call', call_id: id, name: WEB_SEARCH_FUNCTION.name, arguments: JSON.stringify({ query }) });
      out.push({ type: 'function_call_output', call_id: id, output: `Searched the web for "${query}".${sources.length ? ` Results: ${sources.join(', ')}` : ''}` });
    } else if (isRecord(item) && item.type === 'image_generation_call') {
      const id = String(item.id);
      out.push({ type: 'function_call', call_id: id, name: IMAGE_FUNCTION.name, arguments: JSON.stringify({ prompt: String(item.revised_prompt ?? '') }) });
      out.push({ type: 'function_call_output', call_id: id, output: 'The image was made and shown to the user.' });
    } else {
      out.push(item);
    }
  }
  return out;
}
