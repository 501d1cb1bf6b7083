import type { Dialect, HostedCall, RunText, ToolRun, Totals, Turn } from './turns.js';
import { messagesStreamWriter } from './messages-stream.js';
import { cite, resultContent, serverToolId, SERVER_TOOL_NAME } from './messages-blocks.js';
import type { HostedPlan } from './plan.js';
import { isRecord } from './plan.js';
import { decodeResultContent, queryOf, resultsText, WEB_SEARCH_FUNCTION } from './web-search.js';
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
    streamWriter: () => messagesStreamWriter(isHosted),
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

export type { ToolRun };
