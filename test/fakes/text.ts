// Message helpers shared by both fakes: find the text to echo, split it into deltas, ids.
import { randomBytes } from 'node:crypto';

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Text of a message `content`: a string, or the concatenation of its `{type:'text', text}` parts. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) => (isRecord(part) && part.type === 'text' && typeof part.text === 'string' ? part.text : ''))
    .join('');
}

/** Text of the last `role: 'user'` message ('' if there is none). */
export function lastUserText(messages: unknown[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (isRecord(m) && m.role === 'user') return contentText(m.content);
  }
  return '';
}

/** The reply both fakes give: "echo: " + last user text. */
export function echoReply(messages: unknown[]): string {
  return `echo: ${lastUserText(messages)}`;
}

/** Split into word deltas that keep their trailing whitespace: "echo: hi there" -> ["echo: ", "hi ", "there"]. */
export function splitDeltas(text: string): string[] {
  const parts = text.split(/(?<=\s)(?=\S)/).filter((p) => p !== '');
  return parts.length > 0 ? parts : [''];
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomAlnum(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALNUM[b % ALNUM.length];
  return out;
}
