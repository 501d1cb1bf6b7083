import type { Dialect, HostedCall, RunText, ToolRun, Totals, Turn } from './turns.js';
import { sse } from './turns.js';
import type { HostedPlan } from './plan.js';
import { isRecord } from './plan.js';
import { decodeResultContent, encodeResultContent, queryOf, resultsText, WEB_SEARCH_FUNCTION, type SearchOutcome } from './web-search.js';
import type { SearchResult } from '../../providers/search/search-provider.js';

/**
 * Anthropic Messages with the gateway's web search. The client's
 * `web_search_*` server tool becomes a custom tool of the same name; the
 * model's `tool_use` of it is shown to the client as Anthropic shows its own
 * search: a `server_tool_use` block, then a `web_search_tool_result` block
 * with `web_search_result` entries (`url`, `title`, `encrypted_content`,
 * `page_age`), text citing them with `web_search_result_location` citations
 * (`url`, `title`, `cited_text`, `encrypted_index`), and
 * `usage.server_tool_use.web_search_requests`.
 * @see https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/web-search-tool
 * (the same shapes as @anthropic-ai/sdk `ServerToolUseBlock`, `WebSearchToolResultBlock`,
 * `WebSearchResultBlock`, `CitationsWebSearchResultLocation`, `ServerToolUsage`)
 */

const SERVER_TOOL_NAME = 'web_search';

export function messagesDialect(json: Record<string, unknown>, plan: HostedPlan): Dialect {
  const request: Record<string, unknown> = {
    ...json,
    stream: false,
    tools: (json.tools as unknown[]).map((tool) =>
      plan.webSearch && isRecord(tool) && typeof tool.type === 'string' && /^web_search_\d{8}$/.test(tool.type)
        ? { name: SERVER_TOOL_NAME, description: WEB_SEARCH_FUNCTION.description, input_schema: WEB_SEARCH_FUNCTION.parameters }
        : tool,
    ),
    messages: Array.isArray(json.messages) ? rewriteHistory(json.messages) : json.messages,
  };
  const isHosted = (b: Record<string, unknown>) => b.type === 'tool_use' && b.name === SERVER_TOOL_NAME;
  const blocks = (turn: Record<string, unknown>) => (Array.isArray(turn.content) ? turn.content.filter(isRecord) : []);

  return {
    request,
    hostedCalls: (turn) =>
      blocks(turn)
        .filter(isHosted)
        .map((b): HostedCall => ({ callId: String(b.id), name: SERVER_TOOL_NAME, arguments: JSON.stringify(b.input ?? {}) })),
    callsClientTools: (turn) => blocks(turn).some((b) => b.type === 'tool_use' && !isHosted(b)),
    append(turn: Turn, text: RunText) {
      const messages = request.messages as unknown[];
      messages.push({ role: 'assistant', content: turn.json.content });
      messages.push({ role: 'user', content: turn.runs.map((run) => ({ type: 'tool_result', tool_use_id: run.call.callId, content: text(run) })) });
    },
    answer: (turns, totals) => messagesAnswer(turns, totals, blocks, isHosted),
    stream: messagesStream,
  };
}

function messagesAnswer(
  turns: Turn[],
  totals: Totals,
  blocks: (turn: Record<string, unknown>) => Record<string, unknown>[],
  isHosted: (b: Record<string, unknown>) => boolean,
): Record<string, unknown> {
  const content: Record<string, unknown>[] = [];
  const found: SearchResult[] = [];
  for (const turn of turns) {
    for (const block of blocks(turn.json)) {
      if (!isHosted(block)) {
        content.push(block.type === 'text' ? cite(block, found) : block);
        continue;
      }
      const run = turn.runs.find((r) => r.call.callId === block.id);
      const id = serverToolId(String(block.id));
      content.push({ type: 'server_tool_use', id, name: SERVER_TOOL_NAME, input: isRecord(block.input) ? block.input : {} });
      if (run?.kind === 'search') {
        content.push({ type: 'web_search_tool_result', tool_use_id: id, content: resultContent(run.outcome) });
        if (run.outcome.kind === 'results') found.push(...run.outcome.results);
      }
    }
  }
  const last = turns[turns.length - 1].json;
  const lastCallsOnly = blocks(last).some(isHosted) && !blocks(last).some((b) => b.type === 'tool_use' && !isHosted(b));
  const { usage } = totals;
  return {
    ...last,
    content,
    // The loop stopped with a search still asked for (its limit reached): Anthropic's `pause_turn`, the client may continue the turn.
    stop_reason: lastCallsOnly ? 'pause_turn' : last.stop_reason,
    usage: {
      ...(isRecord(last.usage) ? last.usage : {}),
      input_tokens: usage.inputTokens,
      output_tokens: usage.outputTokens,
      cache_read_input_tokens: usage.cacheReadTokens,
      cache_creation_input_tokens: usage.cacheWriteTokens,
      server_tool_use: { web_search_requests: totals.searches, web_fetch_requests: 0 },
    },
  };
}

/** Anthropic's server tool ids start `srvtoolu_`; the model's call id is kept inside, so a later turn maps back to it. */
function serverToolId(callId: string): string {
  return callId.startsWith('srvtoolu_') ? callId : `srvtoolu_${callId.replace(/^toolu_/, '').replace(/[^A-Za-z0-9_-]/g, '')}`;
}

function resultContent(outcome: SearchOutcome): unknown {
  if (outcome.kind === 'error') return { type: 'web_search_tool_result_error', error_code: outcome.code };
  return outcome.results.map((r) => ({ type: 'web_search_result', url: r.url, title: r.title, encrypted_content: encodeResultContent(r), page_age: r.published ?? null }));
}

/** A text block with a `web_search_result_location` citation for each result whose address it names. */
function cite(block: Record<string, unknown>, found: SearchResult[]): Record<string, unknown> {
  const text = typeof block.text === 'string' ? block.text : '';
  const cited = found.filter((r, i) => text.includes(r.url) && found.findIndex((o) => o.url === r.url) === i);
  if (cited.length === 0) return block;
  const citations = cited.map((r) => ({
    type: 'web_search_result_location',
    url: r.url,
    title: r.title,
    cited_text: r.snippet.slice(0, 150),
    encrypted_index: btoa(r.url).replace(/=+$/, ''),
  }));
  return { ...block, citations };
}

/**
 * Earlier turns as the client sends them back: each `server_tool_use` of
 * web search becomes a `tool_use` of the custom tool and its
 * `web_search_tool_result` a `tool_result` in a user turn of its own (the
 * assistant turn split around it), so the model sees what it searched and
 * found; citations are left out (the upstream would not know them).
 */
function rewriteHistory(messages: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const message of messages) {
    if (!isRecord(message) || message.role !== 'assistant' || !Array.isArray(message.content)) {
      out.push(message);
      continue;
    }
    const queries = new Map<string, string>();
    let pending: unknown[] = [];
    for (const block of message.content) {
      if (isRecord(block) && block.type === 'server_tool_use' && block.name === SERVER_TOOL_NAME) {
        const id = String(block.id);
        queries.set(id, queryOf(JSON.stringify(block.input ?? {})) ?? '');
        pending.push({ type: 'tool_use', id, name: SERVER_TOOL_NAME, input: block.input ?? {} });
      } else if (isRecord(block) && block.type === 'web_search_tool_result') {
        const id = String(block.tool_use_id);
        out.push({ role: 'assistant', content: pending });
        out.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: historyResultText(queries.get(id) ?? '', block.content) }] });
        pending = [];
      } else if (isRecord(block) && block.type === 'text' && 'citations' in block) {
        const { citations: _dropped, ...rest } = block;
        pending.push(rest);
      } else {
        pending.push(block);
      }
    }
    if (pending.length > 0) out.push({ ...message, content: pending });
  }
  return out;
}

function historyResultText(query: string, content: unknown): string {
  if (!Array.isArray(content)) return `Web search failed (${isRecord(content) ? String(content.error_code) : 'unavailable'}).`;
  const results = content.filter(isRecord).map((r) => decodeResultContent(r.encrypted_content, String(r.url ?? ''), String(r.title ?? '')));
  return results.length === 0 ? `No web results for "${query}".` : resultsText(query, results);
}

/**
 * The answer as Anthropic's stream: `message_start`, each block's
 * `content_block_start` / deltas / `content_block_stop` (text as
 * `text_delta` and `citations_delta`, tool input as `input_json_delta`, a
 * search result block whole in its start event), `message_delta` with the
 * stop reason and usage, `message_stop`.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming
 */
function messagesStream(answer: Record<string, unknown>): string {
  const usage = isRecord(answer.usage) ? answer.usage : {};
  let out = sse('message_start', {
    type: 'message_start',
    message: { ...answer, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 0, server_tool_use: undefined } },
  });
  out += sse('ping', { type: 'ping' });
  const content = Array.isArray(answer.content) ? answer.content.filter(isRecord) : [];
  content.forEach((block, index) => {
    const delta = (d: Record<string, unknown>) => (out += sse('content_block_delta', { type: 'content_block_delta', index, delta: d }));
    switch (block.type) {
      case 'text': {
        out += sse('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
        for (const citation of Array.isArray(block.citations) ? block.citations : []) delta({ type: 'citations_delta', citation });
        if (block.text) delta({ type: 'text_delta', text: block.text });
        break;
      }
      case 'thinking':
        out += sse('content_block_start', { type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } });
        if (block.thinking) delta({ type: 'thinking_delta', thinking: block.thinking });
        if (block.signature) delta({ type: 'signature_delta', signature: block.signature });
        break;
      case 'tool_use':
      case 'server_tool_use':
        out += sse('content_block_start', { type: 'content_block_start', index, content_block: { ...block, input: {} } });
        delta({ type: 'input_json_delta', partial_json: JSON.stringify(block.input ?? {}) });
        break;
      default:
        // web_search_tool_result, redacted_thinking: whole in the start event.
        out += sse('content_block_start', { type: 'content_block_start', index, content_block: block });
    }
    out += sse('content_block_stop', { type: 'content_block_stop', index });
  });
  out += sse('message_delta', {
    type: 'message_delta',
    delta: { stop_reason: answer.stop_reason ?? null, stop_sequence: answer.stop_sequence ?? null },
    usage,
  });
  return out + sse('message_stop', { type: 'message_stop' });
}

export type { ToolRun };
