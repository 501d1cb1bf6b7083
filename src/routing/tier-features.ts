import type { Protocol } from '../protocols/protocol.js';
import type { IRRequest } from '../translate/ir.js';
import type { RequestHints } from '../translate/codec.js';
import { codecFor } from '../translate/registry.js';
import { roughInputTokens } from '../usage/rough-tokens.js';

/**
 * How much of the last user message keyword and pattern rules read: enough
 * for a question and its first lines of context, and a fixed bound on what
 * an admin's regular expression is run over, whatever the client sends.
 */
export const MATCHED_CHARS = 4_096;

/** What tier rules look at (docs/routing-tiers.md): cheap, and bounded by the body the gateway already read. */
export interface TierFeatures {
  /** Input tokens by the gateway's rough estimate (usage/rough-tokens.ts: about four bytes a token). */
  inputTokens: number;
  /** Messages in the conversation, system instructions not counted. */
  turns: number;
  tools: boolean;
  /** An image or file anywhere in the conversation. */
  images: boolean;
  /** Reasoning asked for: an effort, a thinking budget or adaptive thinking, and not turned off. */
  reasoning: boolean;
  /** The text of the last user message, its first MATCHED_CHARS characters. */
  lastUserText: string;
  /** The key's group as the request narrowed it. */
  group: string | null;
  protocol: Protocol;
}

/**
 * The features of a chat-shaped request, read through its protocol's codec
 * into the IR (one pass over a body already held, size-capped). A body the
 * codec cannot read gets the features it can still give: its size as
 * tokens, and nothing else.
 */
export function tierFeatures(protocol: Protocol, json: Record<string, unknown>, hints: RequestHints, group: string | null): TierFeatures {
  let request: IRRequest;
  try {
    request = codecFor(protocol).decodeRequest(json, { ...hints, stream: false });
  } catch {
    const inputTokens = Math.ceil(JSON.stringify(json).length / 4);
    return { inputTokens, turns: 0, tools: false, images: false, reasoning: false, lastUserText: '', group, protocol };
  }
  const reasoning = request.reasoning;
  return {
    inputTokens: roughInputTokens(request),
    turns: request.messages.filter((m) => m.role !== 'system').length,
    // Server tools (web search) ride in the codec's extra, not among the function tools.
    tools: request.tools.length > 0 || (Array.isArray(json.tools) && json.tools.length > 0),
    images: request.messages.some((m) => m.content.some((p) => p.type === 'image' || p.type === 'file')),
    reasoning:
      reasoning !== undefined &&
      !reasoning.disabled &&
      ((reasoning.effort !== undefined && reasoning.effort !== 'none') || (reasoning.budgetTokens ?? 0) > 0 || reasoning.adaptive === true),
    lastUserText: lastUserText(request),
    group,
    protocol,
  };
}

/** The text parts of the last user message that has any, joined and cut to MATCHED_CHARS. */
function lastUserText(request: IRRequest): string {
  for (let i = request.messages.length - 1; i >= 0; i--) {
    const message = request.messages[i];
    if (message.role !== 'user') continue;
    let text = '';
    for (const part of message.content) {
      if (part.type !== 'text') continue;
      text += (text ? '\n' : '') + part.text.slice(0, MATCHED_CHARS - text.length);
      if (text.length >= MATCHED_CHARS) break;
    }
    if (text) return text.slice(0, MATCHED_CHARS);
  }
  return '';
}
