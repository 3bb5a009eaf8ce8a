/**
 * Okapi BM25 over a handful of documents (a workspace's canned responses), written here because
 * the packages we looked at refuse collections this small (wink-bm25-text-search needs at least
 * three documents before it ranks anything).
 *
 * score(D, Q) = Σ over distinct terms t of Q present in D of
 *   idf(t) · tf(t, D) · (k1 + 1) / (tf(t, D) + k1 · (1 − b + b · |D| / avgdl))
 * with idf(t) = ln(1 + (N − n(t) + 0.5) / (n(t) + 0.5)), the Lucene form, which stays positive
 * when a term is in every document (the classic form goes negative, and in a collection of two
 * a shared word would then count against a response).
 */
export interface Bm25Options {
  /** Term-frequency saturation; 1.2 by default. */
  k1?: number;
  /** Length normalisation, 0 (none) to 1 (full); 0.75 by default. */
  b?: number;
}

export interface Bm25Match {
  /** Index of the document in the collection as given. */
  index: number;
  score: number;
  /** Each query term found in the document with its part of the score, largest first. */
  terms: Array<{ term: string; score: number }>;
}

/** Ranks documents (each a list of terms) against a query's terms, best first; documents with no query term are left out. */
export function rankBm25(documents: ReadonlyArray<readonly string[]>, query: readonly string[], options: Bm25Options = {}): Bm25Match[] {
  const k1 = options.k1 ?? 1.2;
  const b = options.b ?? 0.75;
  const n = documents.length;
  if (n === 0) return [];
  const averageLength = documents.reduce((sum, d) => sum + d.length, 0) / n;
  const frequencies = documents.map((terms) => {
    const counts = new Map<string, number>();
    for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
    return counts;
  });
  const queryTerms = [...new Set(query)];
  const idf = new Map(
    queryTerms.map((term) => {
      const containing = frequencies.filter((counts) => counts.has(term)).length;
      return [term, Math.log(1 + (n - containing + 0.5) / (containing + 0.5))];
    }),
  );
  const matches: Bm25Match[] = [];
  frequencies.forEach((counts, index) => {
    const length = documents[index]!.length;
    // An empty collection of words has average 0: no length to normalise against.
    const norm = averageLength === 0 ? 1 : 1 - b + (b * length) / averageLength;
    const terms = queryTerms
      .filter((term) => counts.has(term))
      .map((term) => {
        const tf = counts.get(term)!;
        return { term, score: (idf.get(term)! * tf * (k1 + 1)) / (tf + k1 * norm) };
      })
      .sort((x, y) => y.score - x.score || x.term.localeCompare(y.term));
    if (terms.length > 0) matches.push({ index, score: terms.reduce((sum, t) => sum + t.score, 0), terms });
  });
  return matches.sort((x, y) => y.score - x.score || x.index - y.index);
}
