import { expect, it } from 'vitest';
import { defaultQuadrantThresholds, quadrantOf } from './quadrant.js';

it('places value and health in the quadrant table, thresholds inclusive from below', () => {
  const t = defaultQuadrantThresholds; // high value from 50, healthy from 70, poor below 40
  expect(quadrantOf(90, 39.9, t)).toBe('at-risk');
  expect(quadrantOf(10, 39.9, t)).toBe('at-risk');
  expect(quadrantOf(50, 70, t)).toBe('key-accounts');
  expect(quadrantOf(49.9, 70, t)).toBe('highest-potential');
  expect(quadrantOf(50, 40, t)).toBe('watch');
  expect(quadrantOf(49.9, 69.9, t)).toBe('low-value');
});
