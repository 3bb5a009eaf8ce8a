import { expect, it } from 'vitest';
import { checkSampleRatio, meanDetectableEffect, proportionDetectableEffect, sizePerGroupToDetect } from './index.js';

// With 2 degrees of freedom the chi-square upper tail is exp(-x/2) in closed form; with 1 it is
// 2 (1 - Phi(sqrt(x))); table values: 10.828 on 1 df is p = 0.001, 13.816 on 2 df is p = 0.001.
it('tests the split against the weights with a chi-square goodness of fit', () => {
  // Expected 25, 50, 25: (30-25)^2/25 + 0 + (20-25)^2/25 = 2.
  const three = checkSampleRatio([
    { observed: 30, weight: 1 },
    { observed: 50, weight: 2 },
    { observed: 20, weight: 1 },
  ]);
  expect(three.chiSquare).toBeCloseTo(2, 10);
  expect(three.degreesOfFreedom).toBe(2);
  expect(three.pValue).toBeCloseTo(Math.exp(-1), 8);
  expect(three.mismatch).toBe(false);
  // 520 against 480 of an even split: (20^2 + 20^2) / 500 = 1.6, p = 2 (1 - Phi(1.2649)) = 0.20590.
  const two = checkSampleRatio([
    { observed: 520, weight: 50 },
    { observed: 480, weight: 50 },
  ]);
  expect(two.chiSquare).toBeCloseTo(1.6, 10);
  expect(two.pValue).toBeCloseTo(0.2059032, 6);
});

it('calls a split a mismatch below p = 0.001, at the table values', () => {
  // Two groups of n/2 + d and n/2 - d against an even split give chi-square 4 d^2 / n:
  // choose d so that it is the table's 10.828 (1 df, p = 0.001) with n = 10,000.
  const d = Math.sqrt((10.828 * 10_000) / 4);
  const atTable = checkSampleRatio([
    { observed: 5_000 + d, weight: 1 },
    { observed: 5_000 - d, weight: 1 },
  ]);
  expect(atTable.chiSquare).toBeCloseTo(10.828, 6);
  expect(atTable.pValue).toBeCloseTo(0.001, 5);
  // 5,200 against 4,800: chi-square 16, well past the bar.
  const skewed = checkSampleRatio([
    { observed: 5_200, weight: 1 },
    { observed: 4_800, weight: 1 },
  ]);
  expect(skewed.chiSquare).toBeCloseTo(16, 10);
  expect(skewed.mismatch).toBe(true);
  // Three groups of 1,000 + e, 1,000 - e, 1,000 give 2 e^2 / 1,000: the table's 13.816 (2 df, p = 0.001).
  const e = Math.sqrt((13.816 * 1_000) / 2);
  const table2 = checkSampleRatio([
    { observed: 1_000 + e, weight: 1 },
    { observed: 1_000 - e, weight: 1 },
    { observed: 1_000, weight: 1 },
  ]);
  expect(table2.chiSquare).toBeCloseTo(13.816, 6);
  expect(table2.pValue).toBeCloseTo(0.001, 5);
  expect(checkSampleRatio([{ observed: 10, weight: 1 }]).pValue).toBeNull();
});

// z_0.975 + z_0.8 = 1.959964 + 0.841621 = 2.801585 (normal tables).
it('gives the minimum detectable effect at 80% power and alpha 0.05', () => {
  // 2.801585 * sqrt(0.2 * 0.8 * (1/1000 + 1/1000)) = 2.801585 * 0.0178885 = 0.0501163.
  expect(proportionDetectableEffect(0.2, 1_000, 1_000)).toBeCloseTo(0.0501163, 6);
  // 2.801585 * sqrt(4/100 + 9/50) = 2.801585 * 0.469042 = 1.314062.
  expect(meanDetectableEffect(4, 100, 9, 50)).toBeCloseTo(1.314062, 5);
  expect(proportionDetectableEffect(0.2, 0, 1_000)).toBeNull();
  // 2 * 2.801585^2 * 0.16 / 0.05^2 = 1004.66, so 1,005 in each group.
  expect(sizePerGroupToDetect(0.05, 0.16)).toBe(1_005);
  expect(sizePerGroupToDetect(0, 0.16)).toBe(Infinity);
});
