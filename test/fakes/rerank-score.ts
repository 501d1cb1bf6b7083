// What the fake rerankers (cohere.ts, jina.ts, voyage.ts) share: a deterministic
// score (the share of the query's words a document holds, ties by position), a
// token count (query words per document plus the document's words, as the
// vendors count a rerank's tokens), and a strict check that a body holds only
// the fields its vendor documents, so a test sees translation leave the others out.

export interface Ranked {
  index: number;
  relevance_score: number;
}

function words(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
}

export function rank(query: string, documents: string[], top?: number): Ranked[] {
  const asked = new Set(words(query));
  const scored = documents.map((doc, index) => {
    const has = new Set(words(doc));
    const shared = [...asked].filter((w) => has.has(w)).length;
    // Never exactly 0 or 1: a real score is a probability-like float.
    return { index, relevance_score: Number((0.01 + (0.98 * shared) / Math.max(1, asked.size)).toFixed(6)) };
  });
  scored.sort((a, b) => b.relevance_score - a.relevance_score || a.index - b.index);
  return top === undefined ? scored : scored.slice(0, top);
}

export function rerankTokens(query: string, documents: string[]): number {
  return documents.reduce((sum, doc) => sum + words(query).length + words(doc).length, 0);
}

/** The first field of `body` its vendor does not document, if any. */
export function unknownField(body: Record<string, unknown>, documented: readonly string[]): string | undefined {
  return Object.keys(body).find((k) => !documented.includes(k));
}
