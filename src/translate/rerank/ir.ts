import type { Protocol } from '../../protocols/protocol.js';

/**
 * Rerank's own small IR: what the four dialects (Cohere v1 and v2, Jina,
 * Voyage) share. Rerank never goes through the chat IR (translate/ir.ts).
 */
export interface RerankRequest {
  query: string;
  /** Each document as the text to rank, and as the client sent it (answers that return documents give that back). */
  documents: { text: string; original: unknown }[];
  /** How many of the best results to answer with; absent: all. */
  topN?: number;
  /** Whether the client's answer carries the documents (each dialect has its own default). */
  returnDocuments: boolean;
  /** Cohere v1's `max_chunks_per_doc`. */
  maxChunksPerDoc?: number;
  /** Cohere v2's `max_tokens_per_doc`. */
  maxTokensPerDoc?: number;
  /** Voyage's `truncation`. */
  truncation?: boolean;
  /** Fields of the client's body no other dialect has: named in a warning when translated, never sent on. */
  unknownFields: string[];
}

export interface RerankResponse {
  /** The upstream's id for the answer, when it gives one. */
  id?: string;
  /** Best first, as the upstream ranked them; `index` into the request's documents. */
  results: { index: number; score: number }[];
  /** Search units the upstream billed (Cohere's `meta.billed_units.search_units`). */
  searches?: number;
  /** Tokens the upstream counted (`usage.total_tokens`). */
  tokens?: number;
}

/** One dialect, both ways. A codec knows its wire format and this IR, nothing about HTTP. */
export interface RerankCodec {
  protocol: Protocol;
  /** A client body (already checked by protocols/rerank.ts) as the IR. */
  decodeRequest(body: Record<string, unknown>): RerankRequest;
  /** The IR as this dialect's request for `model`, asking for no documents back (the gateway has them); warnings name what it cannot carry. */
  encodeRequest(request: RerankRequest, model: string): { body: Record<string, unknown>; warnings: string[] };
  /** An upstream's answer in this dialect; throws SB_ERR_UPSTREAM_INVALID when it is not one. */
  decodeResponse(body: unknown): RerankResponse;
  /** The answer to `request` in this dialect; `model` is the one the client asked for. */
  encodeResponse(response: RerankResponse, request: RerankRequest, model: string): Record<string, unknown>;
}

/**
 * Search units as Cohere counts them: one query over up to 100 documents is
 * one search, so 250 documents are three.
 * @see https://cohere.com/pricing
 */
export function searchUnits(documents: number): number {
  return Math.max(1, Math.ceil(documents / 100));
}
