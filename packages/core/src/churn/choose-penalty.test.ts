import { expect, it } from 'vitest';
import { chooseL2, l2Candidates, logLoss } from './choose-penalty.js';

function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

it('logLoss is the mean negative log-likelihood', () => {
  // -(ln 0.8 + ln(1 - 0.4)) / 2
  expect(logLoss([0.8, 0.4], [1, 0])).toBeCloseTo(-(Math.log(0.8) + Math.log(0.6)) / 2, 12);
  expect(Number.isFinite(logLoss([1, 0], [0, 1]))).toBe(true);
});

it('chooses the strongest penalty for noise and a weak one for a clear signal', () => {
  const next = random(3);
  const specs = Array.from({ length: 8 }, (_, j) => ({ name: `x${j}`, kind: 'number' as const }));
  const rows = Array.from({ length: 120 }, () => Object.fromEntries(specs.map((s) => [s.name, next() * 2 - 1])));
  const noise = rows.map(() => (next() < 0.3 ? 1 : 0));
  expect(chooseL2(specs, rows, noise)).toBe(l2Candidates.at(-1));
  const signal = rows.map((row) => (row['x0']! + 0.2 * (next() - 0.5) > 0 ? 1 : 0));
  expect(chooseL2(specs, rows, signal)).toBe(l2Candidates[0]);
});
