import type { Protocol } from '../protocols/protocol.js';
import type { Codec } from './codec.js';
import { openaiChatCodec } from './openai-chat/index.js';
import { openaiResponsesCodec } from './openai-responses/index.js';
import { anthropicCodec } from './anthropic/index.js';
import { geminiCodec } from './gemini/index.js';

/** One codec per translatable protocol (embeddings only pass through). */
export const CODECS: Partial<Record<Protocol, Codec>> = {
  'openai-chat': openaiChatCodec,
  'openai-responses': openaiResponsesCodec,
  'anthropic-messages': anthropicCodec,
  gemini: geminiCodec,
};

export function codecFor(protocol: Protocol): Codec {
  const codec = CODECS[protocol];
  if (!codec) throw new Error(`no codec for ${protocol}`);
  return codec;
}
