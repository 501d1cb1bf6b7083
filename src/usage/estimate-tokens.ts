import type { Tiktoken } from 'js-tiktoken/lite';
import type { IRPart, IRRequest } from '../translate/ir.js';

/**
 * Estimates a request's input tokens with a real BPE tokenizer (o200k_base,
 * the encoding of current OpenAI models), for upstreams that cannot count.
 * Other vendors' tokenizers differ, so the figure is an estimate and is
 * marked as one. The ranks load on first use, not at start.
 */
let encoder: Promise<Tiktoken> | undefined;

function loadEncoder(): Promise<Tiktoken> {
  encoder ??= (async () => {
    const [{ Tiktoken }, ranks] = await Promise.all([import('js-tiktoken/lite'), import('js-tiktoken/ranks/o200k_base')]);
    return new Tiktoken(ranks.default);
  })();
  return encoder;
}

/** What an image or file is taken to cost when its size is unknown (about a 1000×1000 picture). */
const MEDIA_TOKENS = 1_000;
/** Per-message framing (role markers) in chat formats. */
const MESSAGE_OVERHEAD = 4;

export async function estimateInputTokens(request: IRRequest): Promise<number> {
  const tiktoken = await loadEncoder();
  const count = (text: string) => (text ? tiktoken.encode(text).length : 0);
  let total = 0;
  for (const part of request.system) total += count(part.text);
  for (const message of request.messages) {
    total += MESSAGE_OVERHEAD;
    for (const part of message.content) total += partTokens(part, count);
  }
  for (const tool of request.tools) total += count(`${tool.name} ${tool.description ?? ''} ${JSON.stringify(tool.parameters)}`);
  return total;
}

function partTokens(part: IRPart, count: (text: string) => number): number {
  switch (part.type) {
    case 'text':
      return count(part.text);
    case 'image':
    case 'file':
      return MEDIA_TOKENS;
    case 'tool-call':
      return count(part.name) + count(part.arguments);
    case 'tool-result':
      return part.content.reduce((sum, p) => sum + partTokens(p, count), 0);
    case 'reasoning':
      return count(part.text);
    default:
      return part satisfies never;
  }
}
