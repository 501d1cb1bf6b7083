// Fake Voyage reranker API: POST /v1/rerank with a Bearer key; `{object: "list", data:
// [{index, relevance_score, document?}], model, usage: {total_tokens}}`, the document a
// string and only with `return_documents: true`. Errors are `{"detail"}`. Strict: undocumented fields are refused.
// https://docs.voyageai.com/reference/reranker-api · https://docs.voyageai.com/docs/error-codes
import type { FakeUpstream, RequestContext } from './server.js';
import { sendJson, startFakeServer } from './server.js';
import { rank, rerankTokens, unknownField } from './rerank-score.js';

const FIELDS = ['query', 'documents', 'model', 'top_k', 'return_documents', 'truncation'];

export function startFakeVoyage(opts: { apiKey?: string } = {}): Promise<FakeUpstream> {
  const apiKey = opts.apiKey ?? 'pa-fake-key';
  return startFakeServer({
    headers: () => ({}),
    errorFor: (status) => ({ body: { detail: status === 429 ? 'You have exceeded your rate limit.' : 'Internal server error' } }),
    async handle(ctx: RequestContext) {
      if (ctx.req.headers.authorization !== `Bearer ${apiKey}`) return sendJson(ctx, 401, { detail: 'Provided API key is invalid.' });
      if (ctx.call.method !== 'POST' || ctx.url.pathname !== '/v1/rerank') return sendJson(ctx, 404, { detail: 'Not Found' });
      const body = (ctx.call.body ?? {}) as Record<string, unknown>;
      const extra = unknownField(body, FIELDS);
      if (extra) return sendJson(ctx, 400, { detail: `Request body has an unknown field: ${extra}` });
      if (typeof body.query !== 'string' || !Array.isArray(body.documents) || body.documents.some((d) => typeof d !== 'string'))
        return sendJson(ctx, 400, { detail: 'query must be a string and documents a list of strings' });
      const docs = body.documents as string[];
      const data = rank(body.query, docs, typeof body.top_k === 'number' ? body.top_k : undefined).map((r) =>
        body.return_documents === true ? { ...r, document: docs[r.index] } : r,
      );
      return sendJson(ctx, 200, { object: 'list', data, model: body.model, usage: { total_tokens: rerankTokens(body.query, docs) } });
    },
  });
}
