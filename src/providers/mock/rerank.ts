import type { Protocol } from '../../protocols/protocol.js';
import { searchUnits, type RerankResponse } from '../../translate/rerank/ir.js';
import { rerankCodecFor } from '../../translate/rerank/registry.js';
import { estimateTokens } from './answer.js';

/**
 * The mock's rerank, in whichever dialect it is asked: each document scored
 * by the share of the query's words it contains (ties keep the documents'
 * order), best first; billed as the dialect's vendor bills, searches for
 * Cohere and tokens for Jina and Voyage.
 */
export function mockRerank(protocol: Protocol, body: Record<string, unknown>): Record<string, unknown> {
  const codec = rerankCodecFor(protocol);
  const request = codec.decodeRequest(body);
  const words = (text: string) => new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
  const asked = words(request.query);
  const results = request.documents
    .map((doc, index) => {
      const has = words(doc.text);
      const shared = [...asked].filter((w) => has.has(w)).length;
      return { index, score: asked.size === 0 ? 0 : Number((shared / asked.size).toFixed(4)) };
    })
    .sort((a, b) => b.score - a.score || a.index - b.index);
  const cohere = protocol === 'rerank-cohere-v1' || protocol === 'rerank-cohere-v2';
  const tokens = request.documents.reduce((sum, doc) => sum + estimateTokens(request.query) + estimateTokens(doc.text), 0);
  const response: RerankResponse = { id: 'rerank-mock', results, ...(cohere ? { searches: searchUnits(request.documents.length) } : { tokens }) };
  return codec.encodeResponse(response, request, String(body.model ?? ''));
}
