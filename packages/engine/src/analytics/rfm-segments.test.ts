import { expect, it } from 'vitest';
import { quintileScores } from './rfm-segments.js';

it('scores ten distinct values two to a quintile', () => {
  expect(quintileScores([10, 1, 2, 3, 4, 5, 6, 7, 8, 9])).toEqual([5, 1, 1, 2, 2, 3, 3, 4, 4, 5]);
});

it('gives tied values one score, the lower one when a quintile edge falls inside the tie', () => {
  // 1 has 0 values below (score 1); each 2 has 1 below: 1 + floor(5/10) = 1, although the
  // second and third values would straddle the edge between quintiles 1 and 2 if ties were split.
  expect(quintileScores([1, 2, 2, 2, 5, 6, 7, 8, 9, 10])).toEqual([1, 1, 1, 1, 3, 3, 4, 4, 5, 5]);
});

it('scores fewer days since the last purchase higher for recency', () => {
  expect(quintileScores([1, 30, 30, 400, 2], true)).toEqual([5, 2, 2, 1, 4]);
});
