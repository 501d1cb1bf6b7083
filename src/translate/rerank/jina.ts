import { isRecord } from '../shared/json.js';
import type { RerankCodec } from './ir.js';
import { clientResults, dropped, invalid, rankedResults, totalTokens, unknownFields } from './shared.js';

/**
 * Jina's rerank: `{model, query, documents, top_n, return_documents}`
 * (documents strings or `{text}`; documents returned unless
 * `return_documents: false`), answered `{model, usage: {total_tokens},
 * results: [{index, relevance_score, document: {text}}]}`.
 * @see https://jina.ai/reranker/
 */
const FIELDS = ['model', 'query', 'documents', 'top_n', 'return_documents'];

export const jinaCodec: RerankCodec = {
  protocol: 'rerank-jina',
  decodeRequest(body) {
    return {
      query: String(body.query),
      documents: (body.documents as unknown[]).map((doc) => ({ text: isRecord(doc) ? String(doc.text) : String(doc), original: doc })),
      ...(typeof body.top_n === 'number' ? { topN: body.top_n } : {}),
      returnDocuments: body.return_documents !== false,
      unknownFields: unknownFields(body, FIELDS),
    };
  },
  encodeRequest(request, model) {
    const body: Record<string, unknown> = { model, query: request.query, documents: request.documents.map((d) => d.text), return_documents: false };
    if (request.topN !== undefined) body.top_n = request.topN;
    return { body, warnings: dropped(request, 'Jina', {}) };
  },
  decodeResponse(body) {
    if (!isRecord(body)) throw invalid('not a JSON object');
    const tokens = totalTokens(body);
    return { results: rankedResults(body.results, 'results'), ...(tokens !== undefined ? { tokens } : {}) };
  },
  encodeResponse(response, request, model) {
    const results = clientResults(response, request).map(({ index, score }) => {
      const result: Record<string, unknown> = { index, relevance_score: score };
      if (request.returnDocuments) result.document = { text: request.documents[index].text };
      return result;
    });
    // No count from the upstream (Cohere bills searches): 0, not a guess.
    return { model, usage: { total_tokens: response.tokens ?? 0 }, results };
  },
};
