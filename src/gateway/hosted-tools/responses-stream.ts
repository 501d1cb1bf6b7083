import type { HostedCall, StreamWriter, ToolRun } from './turns.js';
import { eventData, sse } from './turns.js';
import { isRecord } from './plan.js';
import { annotate, hostedItem, hostedItemId } from './responses-items.js';
import { queryOf } from './web-search.js';
import { IMAGE_FUNCTION } from './image-generation.js';
import type { SearchResult } from '../../providers/search/search-provider.js';

/**
 * The Responses stream of a hosted-tool request, written as the turns
 * happen: one `response.created` and `response.in_progress` (the first
 * turn's, with the client's tools), every turn's items renumbered into one
 * run of `output_index` and every event into one run of `sequence_number`
 * (text deltas passed on as they come), the model's call of a gateway tool
 * shown as OpenAI shows its own (`web_search_call` with
 * `response.web_search_call.in_progress`, `.searching`, `.completed` as the
 * search starts and ends; `image_generation_call` with
 * `response.image_generation_call.in_progress`, `.generating`, `.completed`),
 * `response.output_text.annotation.added` for text that names a result's
 * address, and one closing event with the joined answer (usage summed).
 * @see https://platform.openai.com/docs/api-reference/responses-streaming
 */
export function responsesStreamWriter(isHosted: (item: Record<string, unknown>) => boolean, request: Record<string, unknown>): StreamWriter {
  let seq = 0;
  /** Items sent in earlier turns: the current turn's first `output_index`. */
  let offset = 0;
  /** Items the current turn has added so far. */
  let count = 0;
  let failure: string | undefined;
  let first: Record<string, unknown> | undefined;
  const opened = new Set<string>();
  const found: SearchResult[] = [];
  /** The current turn's finished items and closing response. */
  let items = new Map<number, Record<string, unknown>>();
  let closed: Record<string, unknown> | undefined;
  let closing = 'response.completed';
  /** The gateway tools' calls of the current turn, by the upstream's output index. */
  let hostedAt = new Set<number>();
  /** Each call's item as the client sees it. */
  const shownCalls = new Map<string, { id: string; outputIndex: number; kind: 'search' | 'image' }>();

  const emit = (type: string, data: Record<string, unknown>) => sse(type, { ...data, type, sequence_number: seq++ });
  const indexOf = (data: Record<string, unknown>) => Number(data.output_index);
  const moved = (data: Record<string, unknown>) => (typeof data.output_index === 'number' ? { ...data, output_index: offset + data.output_index } : data);
  const phase = (kind: 'search' | 'image', step: 'in_progress' | 'busy' | 'completed') =>
    kind === 'search' ? `response.web_search_call.${step === 'busy' ? 'searching' : step}` : `response.image_generation_call.${step === 'busy' ? 'generating' : step}`;

  return {
    event(event) {
      const data = eventData(event);
      if (!data) return '';
      const type = String(data.type ?? event.event);
      switch (type) {
        case 'response.created':
        case 'response.in_progress': {
          if (opened.has(type)) return '';
          opened.add(type);
          const response = { ...(isRecord(data.response) ? data.response : {}), tools: request.tools, ...(request.tool_choice !== undefined ? { tool_choice: request.tool_choice } : {}) };
          first ??= response;
          return emit(type, { ...data, response: { ...response, id: first.id, created_at: first.created_at } });
        }
        case 'response.output_item.added': {
          const index = indexOf(data);
          count = Math.max(count, index + 1);
          // A gateway tool's call is shown once its arguments are whole (output_item.done).
          if (isRecord(data.item) && isHosted(data.item)) {
            hostedAt.add(index);
            return '';
          }
          return emit(type, moved(data));
        }
        case 'response.function_call_arguments.delta':
        case 'response.function_call_arguments.done':
          return hostedAt.has(indexOf(data)) ? '' : emit(type, moved(data));
        case 'response.output_item.done': {
          const index = indexOf(data);
          const item = isRecord(data.item) ? data.item : {};
          items.set(index, item);
          if (!hostedAt.has(index)) return emit(type, { ...moved(data), item: item.type === 'message' ? annotate(item, found) : item });
          const kind = item.name === IMAGE_FUNCTION.name ? 'image' : 'search';
          const callId = String(item.call_id);
          const shown = { id: hostedItemId(callId, kind === 'search' ? 'ws_' : 'ig_'), outputIndex: offset + index, kind } as const;
          shownCalls.set(callId, shown);
          const pending =
            kind === 'search'
              ? { id: shown.id, type: 'web_search_call', status: 'in_progress', action: { type: 'search', query: queryOf(String(item.arguments ?? '')) ?? '' } }
              : { id: shown.id, type: 'image_generation_call', status: 'in_progress', result: null };
          return (
            emit('response.output_item.added', { output_index: shown.outputIndex, item: pending }) +
            emit(phase(kind, 'in_progress'), { item_id: shown.id, output_index: shown.outputIndex })
          );
        }
        case 'response.output_text.done': {
          // The addresses of results named in the text: their annotations, before the text is done (the SDK adds them to the part).
          const text = typeof data.text === 'string' ? data.text : '';
          const part = (annotate({ content: [{ type: 'output_text', text }] }, found).content as Record<string, unknown>[])[0];
          const annotations = Array.isArray(part.annotations) ? part.annotations : [];
          const at = { item_id: data.item_id, output_index: offset + indexOf(data), content_index: data.content_index };
          let out = '';
          annotations.forEach((annotation, i) => (out += emit('response.output_text.annotation.added', { ...at, annotation_index: i, annotation })));
          return out + emit(type, moved(data));
        }
        case 'response.content_part.done': {
          const part = isRecord(data.part) ? (annotate({ content: [data.part] }, found).content as unknown[])[0] : data.part;
          return emit(type, { ...moved(data), part });
        }
        case 'response.completed':
        case 'response.incomplete':
          closed = isRecord(data.response) ? data.response : {};
          closing = type;
          return '';
        case 'response.failed': {
          const response = isRecord(data.response) ? data.response : {};
          failure = isRecord(response.error) ? String(response.error.message ?? 'the upstream failed') : 'the upstream failed';
          return emit(type, { ...data, response: { ...response, id: first?.id ?? response.id } });
        }
        case 'error':
          failure = String(data.message ?? 'upstream error');
          return emit(type, data);
        default:
          return emit(type, moved(data));
      }
    },
    endTurn() {
      const output = closed && Array.isArray(closed.output) ? closed.output : [...items.entries()].sort(([a], [b]) => a - b).map(([, item]) => item);
      const turn = { ...(closed ?? {}), output };
      offset += Math.max(count, output.length);
      count = 0;
      items = new Map();
      hostedAt = new Set();
      closed = undefined;
      return turn;
    },
    running(call: HostedCall) {
      const shown = shownCalls.get(call.callId);
      return shown ? emit(phase(shown.kind, 'busy'), { item_id: shown.id, output_index: shown.outputIndex }) : '';
    },
    ran(run: ToolRun) {
      const shown = shownCalls.get(run.call.callId);
      if (run.kind === 'search' && run.outcome.kind === 'results') found.push(...run.outcome.results);
      if (!shown) return '';
      return (
        emit(phase(shown.kind, 'completed'), { item_id: shown.id, output_index: shown.outputIndex }) +
        emit('response.output_item.done', { output_index: shown.outputIndex, item: hostedItem(run) })
      );
    },
    close(answer) {
      return emit(closing, { response: { ...answer, id: first?.id ?? answer.id, created_at: first?.created_at ?? answer.created_at } });
    },
    failed: () => failure,
  };
}
