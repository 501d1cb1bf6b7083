import { isRecord } from '../shared/json.js';
import type { RerankCodec } from './ir.js';
import { clientResults, dropped, invalid, rankedResults, totalTokens, unknownFields } from './shared.js';

/**
 * Voyage's rerank: `{query, documents, model, top_k, return_documents,
 * truncation}` (documents strings; none returned by default), answered
 * `{object: "list", data: [{index, relevance_score, document?}], model,
 * usage: {total_tokens}}` with `document` the string itself.
 * @see https://docs.voyageai.com/reference/reranker-api
 */
const FIELDS = ['model', 'query', 'documents', 'top_k', 'return_documents', 'truncation'];

export const voyageCodec: RerankCodec = {
  protocol: 'rerank-voyage',
  decodeRequest(body) {
    return {
      query: String(body.query),
      documents: (body.documents as unknown[]).map((doc) => ({ text: String(doc), original: doc })),
      ...(typeof body.top_k === 'number' ? { topN: body.top_k } : {}),
      returnDocuments: body.return_documents === true,
      ...(typeof body.truncation === 'boolean' ? { truncation: body.truncation } : {}),
      unknownFields: unknownFields(body, FIELDS),
    };
  },
  encodeRequest(request, model) {
    const body: Record<string, unknown> = { query: request.query, documents: request.documents.map((d) => d.text), model, return_documents: false };
    if (request.topN !== undefined) body.top_k = request.topN;
    if (request.truncation !== undefined) body.truncation = request.truncation;
    return { body, warnings: dropped(request, 'Voyage', { truncation: true }) };
  },
  decodeResponse(body) {
    if (!isRecord(body)) throw invalid('not a JSON object');
    const tokens = totalTokens(body);
    return { results: rankedResults(body.data, 'data'), ...(tokens !== undefined ? { tokens } : {}) };
  },
  encodeResponse(response, request, model) {
    const data = clientResults(response, request).map(({ index, score }) => {
      const result: Record<string, unknown> = { index, relevance_score: score };
      if (request.returnDocuments) result.document = request.documents[index].text;
      return result;
    });
    // No count from the upstream (Cohere bills searches): 0, not a guess.
    return { object: 'list', data, model, usage: { total_tokens: response.tokens ?? 0 } };
  },
};
