import { describe, expect, it } from 'vitest';
import { rankBm25 } from './bm25.js';

describe('BM25', () => {
  // Two documents, k1 = 1.2, b = 0.75:
  //   d0 = [refund, refund, invoice] (|d0| = 3), d1 = [password, reset] (|d1| = 2); avgdl = 2.5.
  // Query [refund, password, missing]:
  //   idf(refund)   = ln(1 + (2 − 1 + 0.5) / (1 + 0.5)) = ln 2
  //   idf(password) = ln 2 as well; "missing" is in no document and adds nothing.
  //   d0: norm = 1 − 0.75 + 0.75 · 3/2.5 = 1.15; refund: ln2 · 2 · 2.2 / (2 + 1.2 · 1.15) = ln2 · 4.4 / 3.38
  //   d1: norm = 1 − 0.75 + 0.75 · 2/2.5 = 0.85; password: ln2 · 1 · 2.2 / (1 + 1.2 · 0.85) = ln2 · 2.2 / 2.02
  const documents = [
    ['refund', 'refund', 'invoice'],
    ['password', 'reset'],
  ];

  it('answers the scores computed by hand, best first', () => {
    const ranked = rankBm25(documents, ['refund', 'password', 'missing']);
    expect(ranked.map((m) => m.index)).toEqual([0, 1]);
    expect(ranked[0]!.score).toBeCloseTo((Math.LN2 * 4.4) / 3.38, 12);
    expect(ranked[1]!.score).toBeCloseTo((Math.LN2 * 2.2) / 2.02, 12);
    expect(ranked[0]!.terms).toEqual([{ term: 'refund', score: ranked[0]!.score }]);
  });

  it('keeps a term found in every document positive, and leaves out documents with no query term', () => {
    // idf(refund) with n(t) = N = 1: ln(1 + 0.5 / 1.5) = ln(4/3); tf 2, norm 1: ln(4/3) · 2 · 2.2 / (2 + 1.2).
    const [only] = rankBm25([['refund', 'refund']], ['refund']);
    expect(only!.score).toBeCloseTo((Math.log(4 / 3) * 4.4) / 3.2, 12);
    expect(rankBm25(documents, ['nothing'])).toEqual([]);
    expect(rankBm25([], ['refund'])).toEqual([]);
  });

  it('counts a repeated query term once and ranks equal scores by position', () => {
    const same = [['login'], ['login']];
    const ranked = rankBm25(same, ['login', 'login']);
    expect(ranked.map((m) => m.index)).toEqual([0, 1]);
    expect(ranked[0]!.score).toBeCloseTo(ranked[1]!.score, 12);
    expect(ranked[0]!.score).toBeCloseTo(rankBm25(same, ['login'])[0]!.score, 12);
  });
});
