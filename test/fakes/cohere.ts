// Fake Cohere rerank API: POST /v1/rerank and /v2/rerank with a Bearer key, GET /v1/models.
// Errors are Cohere's `{"message"}`; answers carry `meta.billed_units.search_units`
// (one per 100 documents). Strict: fields Cohere does not document for the version are refused.
// https://docs.cohere.com/v1/reference/rerank · https://docs.cohere.com/v2/reference/rerank
// https://docs.cohere.com/v1/reference/errors · https://docs.cohere.com/reference/list-models
import type { FakeUpstream, RequestContext } from './server.js';
import { sendJson, startFakeServer } from './server.js';
import { rank, unknownField } from './rerank-score.js';

const V1_FIELDS = ['model', 'query', 'documents', 'top_n', 'rank_fields', 'return_documents', 'max_chunks_per_doc'];
const V2_FIELDS = ['model', 'query', 'documents', 'top_n', 'max_tokens_per_doc'];

export function startFakeCohere(opts: { apiKey?: string; models?: string[] } = {}): Promise<FakeUpstream> {
  const apiKey = opts.apiKey ?? 'co-fake-key';
  return startFakeServer({
    headers: () => ({ 'x-trial-endpoint-call-remaining': '999', 'num_chars': '0' }),
    errorFor: (status) => ({ body: { message: status === 429 ? "You are using a Trial key, which is limited to 10 API calls / minute." : 'internal server error, this has been reported to our developers' } }),
    async handle(ctx: RequestContext) {
      if (ctx.req.headers.authorization !== `Bearer ${apiKey}`) return sendJson(ctx, 401, { message: 'invalid api token' });
      const { pathname } = ctx.url;
      if (ctx.call.method === 'GET' && pathname === '/v1/models')
        return sendJson(ctx, 200, { models: (opts.models ?? ['rerank-v3.5']).map((name) => ({ name, endpoints: ['rerank'], context_length: 4096 })) });
      const version = pathname === '/v1/rerank' ? '1' : pathname === '/v2/rerank' ? '2' : undefined;
      if (ctx.call.method !== 'POST' || !version) return sendJson(ctx, 404, { message: `route ${pathname} not found` });
      const body = (ctx.call.body ?? {}) as Record<string, unknown>;
      const extra = unknownField(body, version === '1' ? V1_FIELDS : V2_FIELDS);
      if (extra) return sendJson(ctx, 400, { message: `invalid request: unknown field ${extra}` });
      if (typeof body.model !== 'string') return sendJson(ctx, 400, { message: 'invalid request: model is required' });
      if (typeof body.query !== 'string' || !Array.isArray(body.documents)) return sendJson(ctx, 400, { message: 'invalid request: query and documents are required' });
      const docs = body.documents.map((d) => (typeof d === 'string' ? d : String((d as { text?: unknown }).text ?? '')));
      if (version === '2' && body.documents.some((d) => typeof d !== 'string')) return sendJson(ctx, 400, { message: 'invalid request: documents must be strings' });
      const results = rank(body.query, docs, typeof body.top_n === 'number' ? body.top_n : undefined).map((r) =>
        version === '1' && body.return_documents === true ? { ...r, document: { text: docs[r.index] } } : r,
      );
      return sendJson(ctx, 200, {
        id: `a1b2c3d4-${Math.random().toString(16).slice(2, 10)}`,
        results,
        meta: { api_version: { version }, billed_units: { search_units: Math.ceil(docs.length / 100) } },
      });
    },
  });
}
