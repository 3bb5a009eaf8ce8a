/** A segment as the overlap and the warnings see it. */
export interface SegmentSize {
  key: string;
  target: 'person' | 'account';
  size: number;
}

/** Members two segments share (only pairs of one target share any). */
export interface SharedMembers {
  a: string;
  b: string;
  shared: number;
}

/**
 * The overlap of segments: `matrix[i][j]` members in both (the size on the diagonal),
 * `jaccard[i][j]` shared / members of either, `containment[i][j]` the share of i's members that are
 * also in j (1 when i is inside j). Empty segments have 0 Jaccard and containment.
 */
export interface SegmentOverlap {
  segments: string[];
  sizes: number[];
  matrix: number[][];
  jaccard: number[][];
  containment: number[][];
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

/** The overlap matrices of `segments` from their pairwise shared members. */
export function segmentOverlap(segments: readonly SegmentSize[], pairs: readonly SharedMembers[]): SegmentOverlap {
  const index = new Map(segments.map((s, i) => [s.key, i]));
  const matrix = segments.map((s, i) => segments.map((_, j) => (i === j ? s.size : 0)));
  for (const { a, b, shared } of pairs) {
    const i = index.get(a);
    const j = index.get(b);
    if (i === undefined || j === undefined || i === j) continue;
    matrix[i]![j] = shared;
    matrix[j]![i] = shared;
  }
  const sizes = segments.map((s) => s.size);
  const jaccard = matrix.map((row, i) =>
    row.map((shared, j) => {
      const union = sizes[i]! + sizes[j]! - shared;
      return union === 0 ? 0 : round4(shared / union);
    }),
  );
  const containment = matrix.map((row, i) => row.map((shared) => (sizes[i] === 0 ? 0 : round4(shared / sizes[i]!))));
  return { segments: segments.map((s) => s.key), sizes, matrix, jaccard, containment };
}
