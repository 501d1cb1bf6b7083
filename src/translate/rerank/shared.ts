import { GatewayError } from '../../protocols/errors.js';
import { isRecord } from '../shared/json.js';
import type { RerankRequest, RerankResponse } from './ir.js';

/** The fields of `body` not in `known`: a dialect's own, dropped (and named) when translated. */
export function unknownFields(body: Record<string, unknown>, known: readonly string[]): string[] {
  return Object.keys(body).filter((k) => !known.includes(k));
}

/** Warnings for the IR fields a dialect has no place for, by the name the client used. */
export function dropped(request: RerankRequest, dialect: string, carried: { maxChunksPerDoc?: boolean; maxTokensPerDoc?: boolean; truncation?: boolean }): string[] {
  const warnings: string[] = [];
  const drop = (field: string) => warnings.push(`${field} dropped: ${dialect} rerank has no such field`);
  if (request.maxChunksPerDoc !== undefined && !carried.maxChunksPerDoc) drop('max_chunks_per_doc');
  if (request.maxTokensPerDoc !== undefined && !carried.maxTokensPerDoc) drop('max_tokens_per_doc');
  if (request.truncation !== undefined && !carried.truncation) drop('truncation');
  for (const field of request.unknownFields) drop(field);
  return warnings;
}

/**
 * The ranked results of an upstream answer (`results` or Voyage's `data`),
 * each an index and a score; anything else is not a rerank answer (502).
 */
export function rankedResults(list: unknown, what: string): RerankResponse['results'] {
  if (!Array.isArray(list)) throw invalid(`${what} is not a list`);
  return list.map((entry, i) => {
    if (!isRecord(entry) || typeof entry.index !== 'number' || typeof entry.relevance_score !== 'number')
      throw invalid(`${what}[${i}] has no index and relevance_score`);
    return { index: entry.index, score: entry.relevance_score };
  });
}

/** `usage.total_tokens` (Jina, Voyage and the compatible servers that count), when given. */
export function totalTokens(body: Record<string, unknown>): number | undefined {
  const usage = body.usage;
  return isRecord(usage) && typeof usage.total_tokens === 'number' ? usage.total_tokens : undefined;
}

/** The results a client gets: the best `topN` (a server that ignores it is cut here), documents checked to exist. */
export function clientResults(response: RerankResponse, request: RerankRequest): RerankResponse['results'] {
  const results = request.topN === undefined ? response.results : response.results.slice(0, request.topN);
  for (const r of results)
    if (!Number.isInteger(r.index) || r.index < 0 || r.index >= request.documents.length)
      throw invalid(`a result's index ${r.index} is not one of the ${request.documents.length} documents`);
  return results;
}

export function invalid(why: string): GatewayError {
  return new GatewayError('SB_ERR_UPSTREAM_INVALID', `upstream answered the rerank with something else: ${why}`);
}

export function answerId(response: RerankResponse): string {
  return response.id ?? crypto.randomUUID();
}
