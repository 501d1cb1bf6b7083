/**
 * How deep a client's JSON body may nest arrays and objects. Real requests
 * stay far below it (a conversation with tool calls and a nested JSON Schema
 * is some 20 levels); past it, code that walks a body recursively (the
 * codecs, JSON.stringify when the body is sent on) would run out of stack
 * and answer 500 instead of a clear 400.
 */
export const MAX_JSON_DEPTH = 128;

/**
 * How many arrays and objects one body may hold. Each message and content
 * block is one or a few; a long agent session is some thousands. Reading
 * and translating a body costs microseconds per object, all of it on the
 * event loop, so a body of 100,000 tiny blocks would hold every other
 * request for a second or more. (Strings and numbers are not counted: an
 * embeddings request of token arrays holds hundreds of thousands.)
 */
export const MAX_JSON_CONTAINERS = 50_000;

/** What a JSON text exceeds, if anything: told by one pass before it is parsed. */
export type JsonShapeProblem = { kind: 'depth'; limit: number } | { kind: 'containers'; limit: number };

/**
 * One pass over the text, before it is parsed: the deepest nesting of
 * arrays and objects and how many there are. Brackets inside strings are
 * skipped; nothing is recursive, so a 10,000-deep body costs no more than any
 * other of its size. A text that is not valid JSON gets an answer too; the
 * parser refuses it next.
 */
export function jsonShapeProblem(text: string, maxDepth = MAX_JSON_DEPTH, maxContainers = MAX_JSON_CONTAINERS): JsonShapeProblem | undefined {
  let depth = 0;
  let containers = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = closingQuote(text, i);
      if (i < 0) return undefined;
    } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      if (++depth > maxDepth) return { kind: 'depth', limit: maxDepth };
      if (++containers > maxContainers) return { kind: 'containers', limit: maxContainers };
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      depth--;
    }
  }
  return undefined;
}

/** The 400's message for a body past a limit. */
export function jsonShapeMessage(problem: JsonShapeProblem): string {
  return problem.kind === 'depth'
    ? `request body nests arrays and objects more than ${problem.limit} levels deep`
    : `request body holds more than ${problem.limit} arrays and objects (messages, content blocks)`;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/** The index of the quote that closes the string opened at `open` (one not escaped by an odd run of backslashes), or -1. */
function closingQuote(text: string, open: number): number {
  let at = open;
  for (;;) {
    at = text.indexOf('"', at + 1);
    if (at < 0) return -1;
    let backslashes = 0;
    while (text.charCodeAt(at - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
}
