/**
 * What the mock upstream says: a reply derived only from the request, so the
 * same request always gets the same answer and the same token counts.
 */
export interface MockAnswer {
  text: string;
  words: string[];
  inputTokens: number;
  outputTokens: number;
}

export function mockAnswer(body: Record<string, unknown>): MockAnswer {
  const prompt = lastUserText(body.messages);
  const text = `Mock reply from Switchboard. You said: ${prompt.slice(0, 200) || '(nothing)'}`;
  const words = text.split(/(?<= )/);
  return { text, words, inputTokens: estimateTokens(JSON.stringify(body.messages ?? '')), outputTokens: words.length };
}

/** About four characters a token: the usual rule of thumb for English text. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function lastUserText(messages: unknown): string {
  if (!Array.isArray(messages)) return '';
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as { role?: unknown; content?: unknown };
    if (m?.role !== 'user') continue;
    if (typeof m.content === 'string') return m.content;
    if (Array.isArray(m.content))
      return m.content
        .map((part: { type?: string; text?: unknown }) => (part?.type === 'text' && typeof part.text === 'string' ? part.text : ''))
        .join('');
  }
  return '';
}

/** A deterministic unit vector for an input, so equal inputs embed equally. */
export function mockEmbedding(input: string, dimensions = 8): number[] {
  const out: number[] = [];
  let h = 2166136261;
  for (let i = 0; i < dimensions; i++) {
    for (const ch of `${i}:${input}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
    out.push(((h >>> 0) % 2000) / 1000 - 1);
  }
  const norm = Math.hypot(...out) || 1;
  return out.map((v) => Number((v / norm).toFixed(6)));
}
