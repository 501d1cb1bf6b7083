import type { IRPart, IRRequest } from '../translate/ir.js';

/**
 * Token counts without a tokenizer, for charging what a stream delivered
 * when the upstream's own count never came. About four bytes of UTF-8 a
 * token: English runs near four characters a token in current vocabularies,
 * and scripts that take more bytes a character also take more tokens. Linear,
 * and it loads nothing: the BPE tokenizer of `estimate-tokens.ts` holds the
 * event loop for seconds (and takes some 150 MB) the first time it loads,
 * which no request that merely hung up should cost every other request.
 */
const BYTES_PER_TOKEN = 4;
/** What an image or file is taken to cost (about a 1000×1000 picture), as in `estimate-tokens.ts`. */
const MEDIA_TOKENS = 1_000;
/** Per-message framing (role markers) in chat formats. */
const MESSAGE_OVERHEAD = 4;
const NOT_ASCII = /[^ -~\t\n\r]/;

/** UTF-8 bytes of a text (printable ASCII, the common case, costs one scan). */
export function utf8Bytes(text: string): number {
  if (!NOT_ASCII.test(text)) return text.length;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    // a surrogate pair is 4 bytes in all, 2 per half
    else if (c >= 0xd800 && c < 0xe000) bytes += 2;
    else bytes += 3;
  }
  return bytes;
}

export function roughTokens(bytes: number): number {
  return Math.ceil(bytes / BYTES_PER_TOKEN);
}

/** A request's input tokens: its texts (system, messages, tool definitions) by their bytes, media and framing at flat figures. */
export function roughInputTokens(request: IRRequest): number {
  let bytes = 0;
  let fixed = 0;
  const part = (p: IRPart): void => {
    switch (p.type) {
      case 'text':
      case 'reasoning':
        bytes += utf8Bytes(p.text);
        return;
      case 'image':
      case 'file':
        fixed += MEDIA_TOKENS;
        return;
      case 'tool-call':
        bytes += utf8Bytes(p.name) + utf8Bytes(p.arguments);
        return;
      case 'tool-result':
        for (const inner of p.content) part(inner);
        return;
      default:
        return p satisfies never;
    }
  };
  for (const p of request.system) bytes += utf8Bytes(p.text);
  for (const message of request.messages) {
    fixed += MESSAGE_OVERHEAD;
    for (const p of message.content) part(p);
  }
  for (const tool of request.tools) bytes += utf8Bytes(`${tool.name} ${tool.description ?? ''} ${JSON.stringify(tool.parameters)}`);
  return fixed + roughTokens(bytes);
}
