// Fake Jina reranker API: POST /v1/rerank with a Bearer key; `{model, usage: {total_tokens},
// results: [{index, relevance_score, document: {text}}]}`, documents returned unless
// `return_documents: false`. Errors are FastAPI's `{"detail"}`. Strict: undocumented fields are refused (422).
// https://jina.ai/reranker/
import type { FakeUpstream, RequestContext } from './server.js';
import { sendJson, startFakeServer } from './server.js';
import { rank, rerankTokens, unknownField } from './rerank-score.js';

const FIELDS = ['model', 'query', 'documents', 'top_n', 'return_documents'];

export function startFakeJina(opts: { apiKey?: string } = {}): Promise<FakeUpstream> {
  const apiKey = opts.apiKey ?? 'jina_fake_key';
  return startFakeServer({
    headers: () => ({}),
    errorFor: (status) => ({ body: { detail: status === 429 ? 'Rate limit exceeded' : 'Internal Server Error' } }),
    async handle(ctx: RequestContext) {
      if (ctx.req.headers.authorization !== `Bearer ${apiKey}`) return sendJson(ctx, 401, { detail: 'Invalid API key' });
      if (ctx.call.method !== 'POST' || ctx.url.pathname !== '/v1/rerank') return sendJson(ctx, 404, { detail: 'Not Found' });
      const body = (ctx.call.body ?? {}) as Record<string, unknown>;
      const extra = unknownField(body, FIELDS);
      if (extra) return sendJson(ctx, 422, { detail: `Extra inputs are not permitted: ${extra}` });
      if (typeof body.query !== 'string' || !Array.isArray(body.documents)) return sendJson(ctx, 422, { detail: 'query and documents are required' });
      const docs = body.documents.map((d) => (typeof d === 'string' ? d : String((d as { text?: unknown }).text ?? '')));
      const results = rank(body.query, docs, typeof body.top_n === 'number' ? body.top_n : undefined).map((r) =>
        body.return_documents === false ? r : { ...r, document: { text: docs[r.index] } },
      );
      return sendJson(ctx, 200, { model: body.model, usage: { total_tokens: rerankTokens(body.query, docs) }, results });
    },
  });
}
