import type { Protocol } from '../../protocols/protocol.js';
import type { RerankCodec } from './ir.js';
import { cohereV1Codec, cohereV2Codec } from './cohere.js';
import { jinaCodec } from './jina.js';
import { voyageCodec } from './voyage.js';

const CODECS: Partial<Record<Protocol, RerankCodec>> = {
  'rerank-cohere-v1': cohereV1Codec,
  'rerank-cohere-v2': cohereV2Codec,
  'rerank-jina': jinaCodec,
  'rerank-voyage': voyageCodec,
};

/** The rerank codec of a dialect; a programming error for any other protocol. */
export function rerankCodecFor(protocol: Protocol): RerankCodec {
  const codec = CODECS[protocol];
  if (!codec) throw new Error(`${protocol} is not a rerank dialect`);
  return codec;
}

/** A client's rerank body in another dialect, for `model`, with warnings naming what did not cross. */
export function translateRerankRequest(body: Record<string, unknown>, from: Protocol, to: Protocol, model: string): { body: Record<string, unknown>; warnings: string[] } {
  return rerankCodecFor(to).encodeRequest(rerankCodecFor(from).decodeRequest(body), model);
}
