import { z } from 'zod';

/**
 * The most documents one rerank request may carry, in every dialect: Cohere
 * recommends at most 1,000 and Voyage refuses more. Past it the gateway
 * answers 400 naming `documents`, before any upstream is asked.
 * @see https://docs.cohere.com/v2/reference/rerank
 * @see https://docs.voyageai.com/reference/reranker-api
 */
export const MAX_RERANK_DOCUMENTS = 1000;

const model = z.string().min(1);
const query = z.string().min(1);
const count = z.number().int().positive();

function documentsOf<T extends z.ZodType>(item: T) {
  return z.array(item).min(1).max(MAX_RERANK_DOCUMENTS);
}

/**
 * Cohere v1 (`POST /v1/rerank`): documents are strings or objects; an object
 * is ranked by its `text`, or by the fields `rank_fields` names.
 * The gateway needs `model` to route, although Cohere's v1 has a default.
 * @see https://docs.cohere.com/v1/reference/rerank
 */
export const cohereV1Rerank = z
  .looseObject({
    model,
    query,
    documents: documentsOf(z.union([z.string(), z.looseObject({})])),
    top_n: count.optional(),
    rank_fields: z.array(z.string().min(1)).min(1).optional(),
    return_documents: z.boolean().optional(),
    max_chunks_per_doc: count.optional(),
  })
  .superRefine((body, check) => {
    if (body.rank_fields) return;
    body.documents.forEach((doc, i) => {
      if (typeof doc !== 'string' && typeof doc.text !== 'string')
        check.addIssue({ code: 'custom', path: ['documents', i, 'text'], message: 'is required (a string) in an object document unless rank_fields names its fields' });
    });
  });

/**
 * Cohere v2 (`POST /v2/rerank`): documents are strings (structured data as
 * YAML strings), `max_tokens_per_doc` truncates each.
 * @see https://docs.cohere.com/v2/reference/rerank
 */
export const cohereV2Rerank = z.looseObject({
  model,
  query,
  documents: documentsOf(z.string()),
  top_n: count.optional(),
  max_tokens_per_doc: count.optional(),
});

/**
 * Jina (`POST /v1/rerank` at api.jina.ai): documents are strings or `{text}`
 * objects; `return_documents` defaults to true.
 * @see https://jina.ai/reranker/
 */
export const jinaRerank = z.looseObject({
  model,
  query,
  documents: documentsOf(z.union([z.string(), z.looseObject({ text: z.string() })])),
  top_n: count.optional(),
  return_documents: z.boolean().optional(),
});

/**
 * Voyage (`POST /v1/rerank` at api.voyageai.com): documents are strings,
 * `top_k` limits the answer, `truncation` (default true) cuts what is too long.
 * @see https://docs.voyageai.com/reference/reranker-api
 */
export const voyageRerank = z.looseObject({
  model,
  query,
  documents: documentsOf(z.string()),
  top_k: count.optional(),
  return_documents: z.boolean().optional(),
  truncation: z.boolean().optional(),
});
