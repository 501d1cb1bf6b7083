import type { IRPart, IRRequest } from '../translate/ir.js';
import type { Tokenizer } from './tokenizer-loader.js';

/**
 * Estimates a request's input tokens with a real BPE tokenizer (o200k_base,
 * the encoding of current OpenAI models), for upstreams that cannot count.
 * Other vendors' tokenizers differ, so the figure is an estimate and is
 * marked as one. The tokenizer is built in the background
 * (tokenizer-loader.ts) and handed in ready.
 */

/** What an image or file is taken to cost when its size is unknown (about a 1000×1000 picture). */
const MEDIA_TOKENS = 1_000;
/** Per-message framing (role markers) in chat formats. */
const MESSAGE_OVERHEAD = 4;
/**
 * BPE merges within one pre-tokenized piece in quadratic time: 4,000 characters
 * without a space cost seconds. Runs of non-space characters longer than this
 * are cut into slices of this length first, which bounds the work per
 * character and changes the count by a few tokens at most.
 */
const MAX_RUN = 32;
/**
 * Characters counted exactly per request; the rest is estimated at the rate
 * (tokens per character) measured on them. Even linear, the tokenizer runs at
 * about a megabyte a second in JavaScript, and it runs on the event loop:
 * a request's count must not stall every other request.
 */
const EXACT_CHARS = 16 * 1024;
/** Characters encoded between two turns of the event loop (a few milliseconds of work at most, even on the worst text). */
const CHARS_PER_TURN = 1024;
/**
 * What one call into the tokenizer costs, in characters of the turn's
 * budget, however short its text: many tiny texts (100,000 one-letter
 * content blocks) would otherwise all be encoded in one turn.
 */
const CHARS_PER_CALL = 32;
/** A run of non-space characters too long to encode in one piece. */
const LONG_RUN = new RegExp(`\\S{${MAX_RUN + 1},}`, 'gu');
/** One slice of such a run, by code points (a surrogate pair is never cut in two). */
const SLICE = new RegExp(`\\S{1,${MAX_RUN}}`, 'gu');
/**
 * A run of whitespace too long to encode in one piece, and one slice of it.
 * Longer than MAX_RUN: the vocabulary has tokens of many spaces (indentation),
 * and each slice counts at least one; a slice of 64 no-break spaces (128 bytes)
 * still merges in a few milliseconds.
 */
const MAX_SPACE_RUN = 64;
const LONG_SPACE = new RegExp(`\\s{${MAX_SPACE_RUN + 1},}`, 'gu');
const SPACE_SLICE = new RegExp(`\\s{1,${MAX_SPACE_RUN}}`, 'gu');

/**
 * `pause` gives the event loop a turn (the runtime's `sleep(0)`): the
 * counting is cut into pieces of CHARS_PER_TURN so other requests run between them.
 */
export async function estimateInputTokens(request: IRRequest, tokenizer: Tokenizer, pause: () => Promise<void>): Promise<number> {
  const counter = boundedCounter(tokenizer);
  const texts: string[] = [];
  let fixed = 0;
  for (const part of request.system) texts.push(part.text);
  for (const message of request.messages) {
    fixed += MESSAGE_OVERHEAD;
    for (const part of message.content) fixed += collectPart(part, texts);
  }
  for (const tool of request.tools) texts.push(`${tool.name} ${tool.description ?? ''} ${JSON.stringify(tool.parameters)}`);
  let sinceTurn = 0;
  for (const text of texts) {
    let at = 0;
    while (at < text.length) {
      if (counter.exactLeft() === 0) {
        counter.add(text.slice(at));
        break;
      }
      if (sinceTurn >= CHARS_PER_TURN) {
        await pause();
        sinceTurn = 0;
      }
      const end = pieceEnd(text, at);
      sinceTurn += Math.max(counter.add(text.slice(at, end)), CHARS_PER_CALL);
      at = end;
    }
  }
  return fixed + counter.total();
}

/** Where the piece from `at` ends: CHARS_PER_TURN on, moved back to a space when one is near, so a word stays whole. */
function pieceEnd(text: string, at: number): number {
  const end = at + CHARS_PER_TURN;
  if (end >= text.length) return text.length;
  const space = text.lastIndexOf(' ', end);
  return space > end - 2 * MAX_RUN ? space : end;
}

interface Counter {
  /** Adds a text's tokens; returns how many of its characters were encoded (the rest is extrapolated). */
  add(text: string): number;
  total(): number;
  /** Characters still to be counted exactly. */
  exactLeft(): number;
}

/** Counts the first `exactChars` characters exactly, long runs sliced, and extrapolates the rest. */
export function boundedCounter(tiktoken: Tokenizer, exactChars = EXACT_CHARS): Counter {
  let budget = exactChars;
  let countedChars = 0;
  let countedTokens = 0;
  let uncountedChars = 0;
  return {
    add(text) {
      if (!text) return 0;
      const exact = budget >= text.length ? text : text.slice(0, budget);
      budget -= exact.length;
      if (exact) countedTokens += encodeSliced(tiktoken, exact);
      countedChars += exact.length;
      uncountedChars += text.length - exact.length;
      return exact.length;
    },
    exactLeft: () => budget,
    total() {
      // About four characters a token when nothing was counted to measure the rate on.
      const rate = countedChars > 0 ? countedTokens / countedChars : 0.25;
      return countedTokens + Math.ceil(uncountedChars * rate);
    },
  };
}

/**
 * Tokens of `text`, each run of non-space characters longer than MAX_RUN cut
 * into slices of MAX_RUN. The slices are joined by newlines, which the
 * tokenizer always splits on, and one call encodes the whole (each call
 * compiles the tokenizer's patterns again, a fixed cost worth paying once);
 * the newlines' own tokens are taken off again.
 *
 * A run of whitespace is one piece to the tokenizer too (its pattern takes
 * `\s+` whole), merged in quadratic time: a kilobyte of spaces costs about
 * half a second, of no-break spaces several. It cannot be cut with newlines
 * (they are whitespace and join it), so all but its last slice are counted
 * apart, each distinct slice encoded once; the last stays in place, next to
 * the word it may merge with.
 */
function encodeSliced(tiktoken: Tokenizer, text: string): number {
  let cuts = 0;
  let apart = 0;
  const sliceTokens = new Map<string, number>();
  const tokensOf = (slice: string) => {
    let n = sliceTokens.get(slice);
    if (n === undefined) sliceTokens.set(slice, (n = tiktoken.encode(slice, [], []).length));
    return n;
  };
  const sliced = text
    .replace(LONG_SPACE, (run) => {
      const slices = run.match(SPACE_SLICE) ?? [run];
      for (const slice of slices.slice(0, -1)) apart += tokensOf(slice);
      return slices[slices.length - 1];
    })
    .replace(LONG_RUN, (run) => {
      const slices = run.match(SLICE) ?? [run];
      cuts += slices.length - 1;
      return slices.join('\n');
    });
  // Special tokens (`<|endoftext|>`) in a client's text are text: js-tiktoken would otherwise throw on them.
  return tiktoken.encode(sliced, [], []).length - cuts + apart;
}

/** Collects a part's texts to count; returns its fixed cost (media), which is not text. */
function collectPart(part: IRPart, texts: string[]): number {
  switch (part.type) {
    case 'text':
    case 'reasoning':
      texts.push(part.text);
      return 0;
    case 'image':
    case 'file':
      return MEDIA_TOKENS;
    case 'tool-call':
      texts.push(part.name, part.arguments);
      return 0;
    case 'tool-result':
      return part.content.reduce((sum, p) => sum + collectPart(p, texts), 0);
    default:
      return part satisfies never;
  }
}
