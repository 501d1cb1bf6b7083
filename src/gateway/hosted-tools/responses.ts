import type { Dialect, HostedCall, RunText, ToolRun, Totals, Turn } from './turns.js';
import { sse } from './turns.js';
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
    stream: responsesStream,
  };
}

/** The item the client sees where the model called a hosted tool. */
function hostedItem(run: ToolRun): Record<string, unknown> {
  const suffix = run.call.callId.replace(/^(call_|fc_)/, '').replace(/[^A-Za-z0-9_-]/g, '');
  if (run.kind === 'search') {
    const { outcome } = run;
    return {
      id: `ws_${suffix}`,
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
    id: `ig_${suffix}`,
    type: 'image_generation_call',
    status: result.ok ? 'completed' : 'failed',
    result: result.ok ? result.b64 : null,
    revised_prompt: run.prompt,
    ...(result.ok ? { output_format: result.format, ...(result.size ? { size: result.size } : {}), ...(result.quality ? { quality: result.quality } : {}) } : {}),
  };
}

/** `url_citation` annotations on output text, one for each place a result's address is named. */
function annotate(item: Record<string, unknown>, found: SearchResult[]): Record<string, unknown> {
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

/**
 * The answer as the Responses stream: `response.created`, `response.in_progress`,
 * each output item's `response.output_item.added` … `response.output_item.done`
 * (text as content part, `output_text.delta`, `output_text.annotation.added`,
 * `output_text.done`; a search as `response.web_search_call.in_progress`,
 * `.searching`, `.completed`; an image as `response.image_generation_call.in_progress`,
 * `.generating`, `.completed`), then `response.completed`, every event with its `sequence_number`.
 * @see https://platform.openai.com/docs/api-reference/responses-streaming
 */
function responsesStream(answer: Record<string, unknown>): string {
  let seq = 0;
  let out = '';
  const emit = (type: string, data: Record<string, unknown>) => (out += sse(type, { type, sequence_number: seq++, ...data }));
  const pending = { ...answer, status: 'in_progress', output: [], usage: null };
  emit('response.created', { response: pending });
  emit('response.in_progress', { response: pending });
  const output = Array.isArray(answer.output) ? answer.output.filter(isRecord) : [];
  output.forEach((item, outputIndex) => {
    const itemId = item.id;
    const at = { item_id: itemId, output_index: outputIndex };
    switch (item.type) {
      case 'message': {
        emit('response.output_item.added', { output_index: outputIndex, item: { ...item, status: 'in_progress', content: [] } });
        const parts = Array.isArray(item.content) ? item.content.filter(isRecord) : [];
        parts.forEach((part, contentIndex) => {
          const here = { ...at, content_index: contentIndex };
          if (part.type !== 'output_text') {
            emit('response.content_part.added', { ...here, part });
            emit('response.content_part.done', { ...here, part });
            return;
          }
          emit('response.content_part.added', { ...here, part: { type: 'output_text', text: '', annotations: [], logprobs: [] } });
          if (part.text) emit('response.output_text.delta', { ...here, delta: part.text, logprobs: [] });
          const annotations = Array.isArray(part.annotations) ? part.annotations : [];
          annotations.forEach((annotation, annotationIndex) => emit('response.output_text.annotation.added', { ...here, annotation_index: annotationIndex, annotation }));
          emit('response.output_text.done', { ...here, text: part.text ?? '', logprobs: [] });
          emit('response.content_part.done', { ...here, part });
        });
        break;
      }
      case 'function_call':
        emit('response.output_item.added', { output_index: outputIndex, item: { ...item, status: 'in_progress', arguments: '' } });
        emit('response.function_call_arguments.delta', { ...at, delta: item.arguments ?? '' });
        emit('response.function_call_arguments.done', { ...at, arguments: item.arguments ?? '' });
        break;
      case 'web_search_call':
        emit('response.output_item.added', { output_index: outputIndex, item: { ...item, status: 'in_progress', action: { type: 'search', query: (item.action as { query?: string })?.query } } });
        emit('response.web_search_call.in_progress', at);
        emit('response.web_search_call.searching', at);
        emit('response.web_search_call.completed', at);
        break;
      case 'image_generation_call':
        emit('response.output_item.added', { output_index: outputIndex, item: { ...item, status: 'in_progress', result: null } });
        emit('response.image_generation_call.in_progress', at);
        emit('response.image_generation_call.generating', at);
        emit('response.image_generation_call.completed', at);
        break;
      default:
        emit('response.output_item.added', { output_index: outputIndex, item });
    }
    emit('response.output_item.done', { output_index: outputIndex, item });
  });
  emit('response.completed', { response: answer });
  return out;
}
