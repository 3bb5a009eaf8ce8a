import { describe, expect, it } from 'vitest';
import { fitLogisticRegression, logisticProbability } from './logistic-regression.js';

// A separate solver for the same objective: plain gradient descent on the mean penalised log-loss,
// many small steps. Slow, but shares no code with the Newton fit it checks.
function gradientDescent(rows: number[][], y: number[], l2: number): number[] {
  const width = rows[0]!.length + 1;
  const beta = Array<number>(width).fill(0);
  for (let step = 0; step < 200_000; step += 1) {
    const gradient = Array<number>(width).fill(0);
    rows.forEach((row, i) => {
      const t = beta[0]! + row.reduce((s, v, j) => s + v * beta[j + 1]!, 0);
      const error = 1 / (1 + Math.exp(-t)) - y[i]!;
      gradient[0]! += error;
      row.forEach((v, j) => (gradient[j + 1]! += error * v));
    });
    for (let j = 1; j < width; j += 1) gradient[j]! += l2 * beta[j]!;
    for (let j = 0; j < width; j += 1) beta[j]! -= (0.5 / rows.length) * gradient[j]!;
  }
  return beta;
}

describe('fitLogisticRegression', () => {
  it('without a penalty, one binary input gives the closed form: intercept the base log-odds, weight the log odds ratio', () => {
    // x = 0: 1 positive of 4; x = 1: 3 positives of 4.
    const rows = [[0], [0], [0], [0], [1], [1], [1], [1]];
    const y = [1, 0, 0, 0, 1, 1, 1, 0];
    const fit = fitLogisticRegression(rows, y, { l2: 0 });
    expect(fit.intercept).toBeCloseTo(Math.log(1 / 3), 8);
    expect(fit.weights[0]).toBeCloseTo(Math.log(3) - Math.log(1 / 3), 8);
    expect(logisticProbability(fit, [1])).toBeCloseTo(0.75, 8);
  });

  it('with an L2 penalty, matches gradient descent on the same objective', () => {
    const rows = [
      [0.5, -1.2],
      [1.5, 0.3],
      [-0.7, 0.8],
      [2.1, -0.4],
      [-1.3, -0.9],
      [0.2, 1.7],
      [1.1, 1.1],
      [-0.4, -1.5],
      [0.9, 0.1],
      [-1.8, 0.6],
    ];
    const y = [0, 1, 0, 1, 0, 1, 1, 0, 1, 0];
    const fit = fitLogisticRegression(rows, y, { l2: 1 });
    const reference = gradientDescent(rows, y, 1);
    expect(fit.intercept).toBeCloseTo(reference[0]!, 5);
    expect(fit.weights[0]).toBeCloseTo(reference[1]!, 5);
    expect(fit.weights[1]).toBeCloseTo(reference[2]!, 5);
    // The penalty shrinks: a stronger one gives smaller weights.
    const strong = fitLogisticRegression(rows, y, { l2: 10 });
    expect(Math.abs(strong.weights[0]!)).toBeLessThan(Math.abs(fit.weights[0]!));
  });

  it('stays finite when the classes are perfectly separated', () => {
    const fit = fitLogisticRegression([[-2], [-1], [1], [2]], [0, 0, 1, 1], { l2: 0.1 });
    expect(Number.isFinite(fit.weights[0])).toBe(true);
    expect(logisticProbability(fit, [2])).toBeGreaterThan(0.9);
  });
});
