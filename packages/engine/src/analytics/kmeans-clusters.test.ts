import { expect, it } from 'vitest';
import { bestClustering, silhouette, standardise } from './kmeans-clusters.js';

it('computes the silhouette of a clustering as worked out by hand', () => {
  // Points 0, 1 | 10, 12. Point 0: a = 1, b = (10 + 12) / 2 = 11, s = 10/11. Point 1: a = 1,
  // b = (9 + 11) / 2 = 10, s = 9/10. Point 10: a = 2, b = (10 + 9) / 2 = 9.5, s = 7.5/9.5.
  // Point 12: a = 2, b = (12 + 11) / 2 = 11.5, s = 9.5/11.5.
  const expected = (10 / 11 + 9 / 10 + 7.5 / 9.5 + 9.5 / 11.5) / 4;
  expect(silhouette([[0], [1], [10], [12]], [0, 0, 1, 1])).toBeCloseTo(expected, 12);
});

it('scores a point alone in its cluster 0, and a wrong split below a right one', () => {
  // Point 0: a = 1, b = 10; point 1: a = 1, b = 9; point 10 is alone.
  expect(silhouette([[0], [1], [10]], [0, 0, 1])).toBeCloseTo((9 / 10 + 8 / 9 + 0) / 3, 12);
  expect(silhouette([[0], [1], [10], [12]], [0, 1, 1, 1])).toBeLessThan(silhouette([[0], [1], [10], [12]], [0, 0, 1, 1]));
});

it('standardises columns to mean 0 and deviation 1, a missing value to 0, a constant column to 0', () => {
  expect(
    standardise([
      [1, 5, null],
      [3, 5, 2],
      [null, 5, 4],
    ]),
  ).toEqual([
    [-1, 0, 0],
    [1, 0, -1],
    [0, 0, 1],
  ]);
});

it('finds three well separated groups, numbered by size, whatever the seed', () => {
  const points = [...[0, 0.1, 0.2, 0.3].map((x) => [x, 0]), ...[5, 5.1, 5.2].map((x) => [x, 5]), ...[10, 10.1].map((x) => [x, 0])];
  for (const seed of [1, 2, 3]) {
    const result = bestClustering(points, seed);
    expect(result.k).toBe(3);
    expect(result.clusters).toEqual([0, 0, 0, 0, 1, 1, 1, 2, 2]);
  }
});
