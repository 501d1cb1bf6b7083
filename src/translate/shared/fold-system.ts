import type { IRMessage, IRPart, IRTextPart } from '../ir.js';

/**
 * Mid-conversation system messages for protocols that have no positional
 * system role (Gemini, and Anthropic models that do not accept one): the
 * instructions become a marked text part of the nearest user turn, so they
 * keep their place in the conversation (and the cached prefix before them)
 * instead of moving to the top.
 */

/** How folded instructions read inside a user turn, so the model can tell them from the user's own words. */
export function foldedSystemText(text: string): string {
  return `<system_instructions>\n${text}\n</system_instructions>`;
}

/** The warning for `count` folded system messages; `why` says why the target needs it. */
export function foldedWarning(count: number, why: string): string {
  return `folded ${count} mid-conversation system message${count === 1 ? '' : 's'} into user turns: ${why}`;
}

/**
 * `messages` without `system` messages: each one's text, joined and marked
 * (foldedSystemText), is appended to the user turn just before it; when the
 * turn before is not a user turn, it opens the next user turn (after that
 * turn's tool results, which some protocols require first); with no user turn
 * after it either, it becomes a user turn of its own. The input is not changed.
 */
export function foldSystemMessages(messages: readonly IRMessage[]): { messages: IRMessage[]; folded: number } {
  const out: IRMessage[] = [];
  let pending: IRTextPart[] = [];
  let folded = 0;
  const flushPending = (): void => {
    if (pending.length > 0) out.push({ role: 'user', content: pending });
    pending = [];
  };
  for (const message of messages) {
    if (message.role === 'system') {
      const part = foldedPart(message.content);
      if (!part) continue;
      folded++;
      const last = out.at(-1);
      if (last?.role === 'user' && pending.length === 0) last.content = [...last.content, part];
      else pending.push(part);
      continue;
    }
    if (message.role === 'user' && pending.length > 0) {
      const results = leadingToolResults(message.content);
      out.push({ ...message, content: [...message.content.slice(0, results), ...pending, ...message.content.slice(results)] });
      pending = [];
      continue;
    }
    flushPending();
    out.push({ ...message });
  }
  flushPending();
  return { messages: out, folded };
}

/** One system message's text parts as one marked text part (keeping the last part's cache hint); undefined when it has no text. */
function foldedPart(content: readonly IRPart[]): IRTextPart | undefined {
  const texts = content.filter((p): p is IRTextPart => p.type === 'text');
  if (texts.length === 0) return undefined;
  const part: IRTextPart = { type: 'text', text: foldedSystemText(texts.map((p) => p.text).join('\n\n')) };
  const cacheControl = texts.at(-1)?.cacheControl;
  return cacheControl ? { ...part, cacheControl } : part;
}

function leadingToolResults(content: readonly IRPart[]): number {
  const index = content.findIndex((p) => p.type !== 'tool-result');
  return index === -1 ? content.length : index;
}
