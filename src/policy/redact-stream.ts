import type { Redactor } from './redact.js';

/**
 * Redacts a logged stream (Server-Sent Events) over its assembled text, not
 * event by event: a model writing a secret into its answer sends it over
 * several deltas (`"sk-proj-ab"`, then `"cdef…"`), and no pattern sees any
 * one piece whole. The text pieces of each event's JSON are joined per
 * channel (a choice, a content block, a tool call's arguments: the path to the
 * piece and the `index`es along it, which every client shape carries), the
 * redactor finds its spans in the whole, and each piece loses the part of a
 * span it holds (the first piece of a span takes the `[REDACTED:…]` mark).
 * Events with no such piece stay byte for byte; the others are written again
 * as compact JSON. Single-line `data:` events only (every shape the gateway
 * writes); the ordinary redaction of the whole text runs after this.
 */
export function redactAcrossDeltas(sse: string, redact: Redactor): string {
  const lines = sse.split('\n');
  const events = new Map<number, unknown>();
  const channels = new Map<string, Piece[]>();
  for (let i = 0; i < lines.length; i++) {
    const payload = dataOf(lines[i]);
    if (payload === undefined) continue;
    let event: unknown;
    try {
      event = JSON.parse(payload);
    } catch {
      continue; // `[DONE]`, or a line cut at the logging limit
    }
    events.set(i, event);
    collectPieces(event, i, '', channels);
  }

  const touched = new Set<number>();
  for (const pieces of channels.values()) {
    // A lone piece is whole already: the ordinary redaction sees it.
    if (pieces.length < 2) continue;
    let text = '';
    const starts = pieces.map((p) => {
      const start = text.length;
      text += p.holder[p.key] as string;
      return start;
    });
    const spans = redact.spans(text);
    if (spans.length === 0) continue;
    pieces.forEach((piece, n) => {
      const start = starts[n];
      const end = start + (piece.holder[piece.key] as string).length;
      let out = '';
      let at = start;
      for (const span of spans) {
        if (span.end <= start || span.start >= end || span.start === span.end) continue;
        out += text.slice(at, Math.max(span.start, start));
        if (span.start >= start) out += span.replacement;
        at = Math.min(span.end, end);
      }
      if (at === start && out === '') return; // no span reaches this piece
      piece.holder[piece.key] = out + text.slice(at, end);
      touched.add(piece.line);
    });
  }
  for (const i of touched) lines[i] = `data: ${JSON.stringify(events.get(i))}${lines[i].endsWith('\r') ? '\r' : ''}`;
  return lines.join('\n');
}

/** A text piece inside one event: `holder[key]` is the string. */
interface Piece {
  line: number;
  holder: Record<string, unknown>;
  key: string;
}

/**
 * Fields that carry streamed text in the client shapes: OpenAI chat
 * (`delta.content`, `reasoning_content`, `refusal`, `function.arguments`),
 * Responses (`delta`, `text`, `arguments`), Anthropic (`text`, `thinking`,
 * `partial_json`), Gemini (`parts[].text`).
 */
const TEXT_FIELDS = new Set(['content', 'text', 'delta', 'arguments', 'partial_json', 'thinking', 'reasoning_content', 'reasoning', 'refusal']);
const INDEX_FIELDS = ['index', 'output_index', 'content_index', 'summary_index'] as const;

function collectPieces(value: unknown, line: number, path: string, channels: Map<string, Piece[]>): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => collectPieces(item, line, `${path}[${i}]`, channels));
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const record = value as Record<string, unknown>;
  // The indexes this object names say which choice, block or item its pieces belong to.
  let here = path;
  for (const field of INDEX_FIELDS) if (typeof record[field] === 'number') here += `#${field}=${record[field] as number}`;
  for (const [key, child] of Object.entries(record)) {
    if (typeof child === 'string') {
      if (!TEXT_FIELDS.has(key) || child === '') continue;
      const channel = `${here}.${key}`;
      let pieces = channels.get(channel);
      if (!pieces) channels.set(channel, (pieces = []));
      pieces.push({ line, holder: record, key });
    } else collectPieces(child, line, `${here}.${key}`, channels);
  }
}

/** The payload of a `data:` line (the one space after the colon is not part of it), or undefined. */
function dataOf(line: string): string | undefined {
  if (!line.startsWith('data:')) return undefined;
  const payload = line.slice(line.startsWith('data: ') ? 6 : 5);
  const trimmed = payload.endsWith('\r') ? payload.slice(0, -1) : payload;
  return trimmed.startsWith('{') ? trimmed : undefined;
}
