import type { HostedCall, StreamWriter, ToolRun } from './turns.js';
import { eventData, sse } from './turns.js';
import { isRecord } from './plan.js';
import { cite, resultContent, serverToolId, SERVER_TOOL_NAME } from './messages-blocks.js';
import type { SearchResult } from '../../providers/search/search-provider.js';

/**
 * Anthropic's stream of a hosted-tool request, written as the turns happen:
 * one `message_start` (the first turn's), every turn's content blocks
 * renumbered into one run of indexes (text deltas passed on as they come),
 * the model's call of the search tool shown as a `server_tool_use` block
 * (its input as `input_json_delta`), each search's `web_search_tool_result`
 * block as soon as it is back, `citations_delta` on text that names a
 * result's address, and one `message_delta` (the stop reason, usage summed
 * over the turns with `server_tool_use.web_search_requests`) and `message_stop`.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming
 * @see https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/web-search-tool
 */
export function messagesStreamWriter(isHosted: (block: Record<string, unknown>) => boolean): StreamWriter {
  /** Blocks sent so far, over all turns: the next block's index. */
  let next = 0;
  let started = false;
  let failure: string | undefined;
  const found: SearchResult[] = [];
  /** The current turn: its message (from its message_start), its blocks by the upstream's index, its stop. */
  let message: Record<string, unknown> = {};
  let blocks = new Map<number, { index: number; block: Record<string, unknown>; json: string }>();
  let stop: Record<string, unknown> = {};
  let usage: Record<string, unknown> = {};

  const delta = (index: number, d: Record<string, unknown>) => sse('content_block_delta', { type: 'content_block_delta', index, delta: d });

  return {
    event(event) {
      const data = eventData(event);
      const type = data?.type ?? event.event;
      if (!data) return '';
      switch (type) {
        case 'message_start': {
          message = isRecord(data.message) ? data.message : {};
          if (isRecord(message.usage)) usage = message.usage;
          if (started) return '';
          started = true;
          return sse('message_start', data);
        }
        case 'content_block_start': {
          const block = isRecord(data.content_block) ? { ...data.content_block } : {};
          const index = next++;
          blocks.set(Number(data.index), { index, block, json: '' });
          const shown = isHosted(block) ? { type: 'server_tool_use', id: serverToolId(String(block.id)), name: SERVER_TOOL_NAME, input: {} } : block;
          return sse('content_block_start', { ...data, index, content_block: shown });
        }
        case 'content_block_delta': {
          const open = blocks.get(Number(data.index));
          if (!open) return '';
          const d = isRecord(data.delta) ? data.delta : {};
          const b = open.block;
          if (d.type === 'text_delta') b.text = String(b.text ?? '') + String(d.text ?? '');
          else if (d.type === 'input_json_delta') open.json += String(d.partial_json ?? '');
          else if (d.type === 'thinking_delta') b.thinking = String(b.thinking ?? '') + String(d.thinking ?? '');
          else if (d.type === 'signature_delta') b.signature = d.signature;
          else if (d.type === 'citations_delta') b.citations = [...(Array.isArray(b.citations) ? b.citations : []), d.citation];
          return sse('content_block_delta', { ...data, index: open.index });
        }
        case 'content_block_stop': {
          const open = blocks.get(Number(data.index));
          if (!open) return '';
          let out = '';
          if (open.json !== '') {
            try {
              open.block.input = JSON.parse(open.json);
            } catch {
              open.block.input = {};
            }
          }
          // Text naming a result's address: its citations, before the block closes (the SDK adds them to the block).
          if (open.block.type === 'text') {
            const cited = cite(open.block, found).citations;
            for (const citation of Array.isArray(cited) ? cited : []) out += delta(open.index, { type: 'citations_delta', citation });
          }
          return out + sse('content_block_stop', { ...data, index: open.index });
        }
        case 'message_delta':
          stop = isRecord(data.delta) ? data.delta : {};
          if (isRecord(data.usage)) usage = { ...usage, ...data.usage };
          return '';
        case 'message_stop':
          return '';
        case 'error':
          failure = isRecord(data.error) ? String(data.error.message ?? 'upstream error') : 'upstream error';
          return sse('error', data);
        default:
          // ping, and whatever Anthropic adds later, as it came.
          return sse(String(type), data);
      }
    },
    endTurn() {
      const content = [...blocks.values()].map((open) => open.block);
      const turn = { ...message, content, stop_reason: stop.stop_reason ?? null, stop_sequence: stop.stop_sequence ?? null, usage };
      blocks = new Map();
      message = {};
      stop = {};
      usage = {};
      return turn;
    },
    running: (_call: HostedCall) => '',
    ran(run: ToolRun) {
      if (run.kind !== 'search') return '';
      if (run.outcome.kind === 'results') found.push(...run.outcome.results);
      const index = next++;
      const block = { type: 'web_search_tool_result', tool_use_id: serverToolId(run.call.callId), content: resultContent(run.outcome) };
      return sse('content_block_start', { type: 'content_block_start', index, content_block: block }) + sse('content_block_stop', { type: 'content_block_stop', index });
    },
    close(answer) {
      const delta = { stop_reason: answer.stop_reason ?? null, stop_sequence: answer.stop_sequence ?? null };
      return sse('message_delta', { type: 'message_delta', delta, usage: answer.usage }) + sse('message_stop', { type: 'message_stop' });
    },
    failed: () => failure,
  };
}
