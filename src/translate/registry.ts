import type { Protocol } from '../protocols/protocol.js';
import type { Codec } from './codec.js';
import { openaiChatCodec } from './openai-chat/index.js';
import { openaiResponsesCodec } from './openai-responses/index.js';
import { anthropicCodec } from './anthropic/index.js';
import { geminiCodec } from './gemini/index.js';
import { openaiCompletionsCodec } from './openai-completions/index.js';

/** One codec per translatable protocol (embeddings translate outside the IR, translate/embeddings/; legacy completions are only translated from). */
export const CODECS: Partial<Record<Protocol, Codec>> = {
  'openai-chat': openaiChatCodec,
  'openai-responses': openaiResponsesCodec,
  'anthropic-messages': anthropicCodec,
  gemini: geminiCodec,
  'openai-completions': openaiCompletionsCodec,
};

export function codecFor(protocol: Protocol): Codec {
  const codec = CODECS[protocol];
  if (!codec) throw new Error(`no codec for ${protocol}`);
  return codec;
}
