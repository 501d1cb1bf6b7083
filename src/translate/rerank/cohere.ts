import { isRecord } from '../shared/json.js';
import { searchUnits, type RerankCodec, type RerankRequest, type RerankResponse } from './ir.js';
import { answerId, clientResults, dropped, invalid, rankedResults, totalTokens, unknownFields } from './shared.js';

/**
 * Cohere's rerank, v1 and v2. v1 takes documents as strings or objects
 * (ranked by `text` or by `rank_fields`), `return_documents` and
 * `max_chunks_per_doc`; v2 takes strings only and `max_tokens_per_doc`, and
 * never returns documents. Both answer `{id, results: [{index,
 * relevance_score}], meta: {api_version, billed_units: {search_units}}}`.
 * @see https://docs.cohere.com/v1/reference/rerank
 * @see https://docs.cohere.com/v2/reference/rerank
 */
const V1_FIELDS = ['model', 'query', 'documents', 'top_n', 'rank_fields', 'return_documents', 'max_chunks_per_doc'];
const V2_FIELDS = ['model', 'query', 'documents', 'top_n', 'max_tokens_per_doc'];

export const cohereV1Codec: RerankCodec = {
  protocol: 'rerank-cohere-v1',
  decodeRequest(body) {
    const fields = Array.isArray(body.rank_fields) ? body.rank_fields.map(String) : undefined;
    return {
      query: String(body.query),
      documents: (body.documents as unknown[]).map((doc) => ({ text: documentText(doc, fields), original: doc })),
      ...(typeof body.top_n === 'number' ? { topN: body.top_n } : {}),
      // https://docs.cohere.com/v1/reference/rerank: return_documents defaults to false.
      returnDocuments: body.return_documents === true,
      ...(typeof body.max_chunks_per_doc === 'number' ? { maxChunksPerDoc: body.max_chunks_per_doc } : {}),
      unknownFields: unknownFields(body, V1_FIELDS),
    };
  },
  encodeRequest(request, model) {
    const body: Record<string, unknown> = { model, query: request.query, documents: request.documents.map((d) => d.text), return_documents: false };
    if (request.topN !== undefined) body.top_n = request.topN;
    if (request.maxChunksPerDoc !== undefined) body.max_chunks_per_doc = request.maxChunksPerDoc;
    return { body, warnings: dropped(request, 'Cohere v1', { maxChunksPerDoc: true }) };
  },
  decodeResponse: decodeCohere,
  encodeResponse(response, request) {
    const results = clientResults(response, request).map(({ index, score }) => {
      const result: Record<string, unknown> = { index, relevance_score: score };
      if (request.returnDocuments) {
        // v1 gives back an object document as it came, a string one as `{text}`.
        const original = request.documents[index].original;
        result.document = isRecord(original) ? original : { text: request.documents[index].text };
      }
      return result;
    });
    return { id: answerId(response), results, meta: meta('1', response, request) };
  },
};

export const cohereV2Codec: RerankCodec = {
  protocol: 'rerank-cohere-v2',
  decodeRequest(body) {
    return {
      query: String(body.query),
      documents: (body.documents as unknown[]).map((doc) => ({ text: String(doc), original: doc })),
      ...(typeof body.top_n === 'number' ? { topN: body.top_n } : {}),
      returnDocuments: false,
      ...(typeof body.max_tokens_per_doc === 'number' ? { maxTokensPerDoc: body.max_tokens_per_doc } : {}),
      unknownFields: unknownFields(body, V2_FIELDS),
    };
  },
  encodeRequest(request, model) {
    const body: Record<string, unknown> = { model, query: request.query, documents: request.documents.map((d) => d.text) };
    if (request.topN !== undefined) body.top_n = request.topN;
    if (request.maxTokensPerDoc !== undefined) body.max_tokens_per_doc = request.maxTokensPerDoc;
    return { body, warnings: dropped(request, 'Cohere v2', { maxTokensPerDoc: true }) };
  },
  decodeResponse: decodeCohere,
  encodeResponse(response, request) {
    const results = clientResults(response, request).map(({ index, score }) => ({ index, relevance_score: score }));
    return { id: answerId(response), results, meta: meta('2', response, request) };
  },
};

/**
 * A v1 object document as text: the fields `rank_fields` names as
 * `field: value` lines (how Cohere's v2 asks for structured documents,
 * as YAML), else its `text`.
 */
function documentText(doc: unknown, fields: string[] | undefined): string {
  if (!isRecord(doc)) return String(doc);
  if (!fields) return String(doc.text);
  return fields
    .filter((f) => doc[f] !== undefined)
    .map((f) => `${f}: ${typeof doc[f] === 'string' ? doc[f] : JSON.stringify(doc[f])}`)
    .join('\n');
}

/** Either version's answer; compatible servers (vLLM) may add `usage.total_tokens`. */
function decodeCohere(body: unknown): RerankResponse {
  if (!isRecord(body)) throw invalid('not a JSON object');
  const billed = isRecord(body.meta) && isRecord(body.meta.billed_units) ? body.meta.billed_units : {};
  const searches = typeof billed.search_units === 'number' ? billed.search_units : undefined;
  const tokens = totalTokens(body);
  return {
    ...(typeof body.id === 'string' ? { id: body.id } : {}),
    results: rankedResults(body.results, 'results'),
    ...(searches !== undefined ? { searches } : {}),
    ...(tokens !== undefined ? { tokens } : {}),
  };
}

/** `meta` as Cohere writes it: the searches billed upstream, else as Cohere would count them. */
function meta(version: string, response: RerankResponse, request: RerankRequest): Record<string, unknown> {
  return { api_version: { version }, billed_units: { search_units: response.searches ?? searchUnits(request.documents.length) } };
}
