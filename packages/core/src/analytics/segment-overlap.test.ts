import { describe, expect, it } from 'vitest';
import { segmentOverlap } from './segment-overlap.js';

describe('segment overlap', () => {
  it('gives shared members, Jaccard and containment, with 0 for an empty segment', () => {
    const overlap = segmentOverlap(
      [
        { key: 'a', target: 'person', size: 4 },
        { key: 'b', target: 'person', size: 2 },
        { key: 'c', target: 'person', size: 0 },
      ],
      [{ a: 'a', b: 'b', shared: 2 }],
    );
    expect(overlap).toEqual({
      segments: ['a', 'b', 'c'],
      sizes: [4, 2, 0],
      matrix: [
        [4, 2, 0],
        [2, 2, 0],
        [0, 0, 0],
      ],
      jaccard: [
        [1, 0.5, 0],
        [0.5, 1, 0],
        [0, 0, 0],
      ],
      containment: [
        [1, 0.5, 0],
        [1, 1, 0],
        [0, 0, 0],
      ],
    });
  });
});
