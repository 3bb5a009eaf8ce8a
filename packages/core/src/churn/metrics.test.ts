import { describe, expect, it } from 'vitest';
import { brierScore, calibrationByDecile, liftTopDecile, rocAuc } from './metrics.js';

describe('rocAuc', () => {
  it('is 1 for a perfect ranking, 0 for a reversed one, and undefined with one class', () => {
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
    expect(rocAuc([0.1, 0.2], [1, 1])).toBeNull();
  });

  it('counts each positive-negative pair, ties as one half', () => {
    // Pairs (positive, negative): positives 0.8, 0.4, 0.4; negatives 0.4, 0.3, 0.9.
    // 0.8 beats 0.4 and 0.3, loses to 0.9: 2. Each 0.4 ties 0.4 (0.5), beats 0.3 (1), loses to 0.9: 1.5 each.
    // (2 + 1.5 + 1.5) / 9 = 5/9.
    expect(rocAuc([0.8, 0.4, 0.4, 0.4, 0.3, 0.9], [1, 1, 1, 0, 0, 0])).toBeCloseTo(5 / 9, 12);
    // All tied: one half.
    expect(rocAuc([0.5, 0.5, 0.5], [1, 0, 0])).toBe(0.5);
  });
});

it('brierScore is the mean squared error of the probabilities', () => {
  // (0.1² + 0.2² + 0.7² + 0²) / 4 = (0.01 + 0.04 + 0.49) / 4
  expect(brierScore([0.9, 0.2, 0.3, 0], [1, 0, 1, 0])).toBeCloseTo(0.54 / 4, 12);
});

describe('deciles', () => {
  // 20 examples, probabilities 0.00 .. 0.95; positives are the examples at 0.95, 0.90 and 0.10.
  const probabilities = Array.from({ length: 20 }, (_, i) => i / 20);
  const outcomes = probabilities.map((p) => (p >= 0.9 || p === 0.1 ? 1 : 0));

  it('lift in the top decile is its positive rate over the overall rate', () => {
    // Top two (0.95, 0.90) are both positive: rate 1; overall 3/20: lift 20/3.
    expect(liftTopDecile(probabilities, outcomes)).toBeCloseTo(20 / 3, 12);
    expect(
      liftTopDecile(
        probabilities,
        outcomes.map(() => 0),
      ),
    ).toBeNull();
  });

  it('calibration gives each tenth its mean probability and observed rate', () => {
    const bins = calibrationByDecile(probabilities, outcomes);
    expect(bins.map((b) => b.n)).toEqual(Array(10).fill(2));
    expect(bins[0]).toEqual({ decile: 1, n: 2, meanPredicted: 0.025, observedRate: 0 });
    expect(bins[1]).toMatchObject({ decile: 2, observedRate: 0.5 });
    expect(bins[1]!.meanPredicted).toBeCloseTo(0.125, 12);
    expect(bins[9]).toMatchObject({ decile: 10, observedRate: 1 });
    expect(bins[9]!.meanPredicted).toBeCloseTo(0.925, 12);
  });

  it('uneven counts put the extra examples in the highest tenths', () => {
    const bins = calibrationByDecile([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.1, 1.2], Array(12).fill(0));
    expect(bins.map((b) => b.n)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 2, 2]);
    expect(bins[9]!.meanPredicted).toBeCloseTo(1.15, 12);
  });
});
