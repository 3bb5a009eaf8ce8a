import { expect, it } from 'vitest';
import { compareMeans, compareProportions, summarize, wilsonInterval } from './index.js';

// Reference values computed outside this code: R's prop.test(c(45, 30), c(100, 100), correct = FALSE)
// gives X-squared = 4.8, p = 0.02846; the Wald interval and Wilson's were worked out by hand.
it('compares two proportions as R does', () => {
  const result = compareProportions({ n: 100, successes: 45 }, { n: 100, successes: 30 });
  expect(result.difference).toBeCloseTo(0.15, 10);
  expect(result.pValue).toBeCloseTo(0.0284597, 6);
  expect(result.ci.low).toBeCloseTo(0.0174305, 6);
  expect(result.ci.high).toBeCloseTo(0.2825695, 6);
  expect(result.warnings).toEqual([]);
  const wilson = wilsonInterval({ n: 100, successes: 45 })!;
  expect(wilson.low).toBeCloseTo(0.3561454, 6);
  expect(wilson.high).toBeCloseTo(0.547554, 6);
});

it('warns rather than pretends on small or one-sided samples', () => {
  expect(compareProportions({ n: 10, successes: 2 }, { n: 10, successes: 5 }).warnings[0]).toContain('too few to test');
  expect(compareProportions({ n: 0, successes: 0 }, { n: 10, successes: 5 }).pValue).toBeNull();
  expect(compareProportions({ n: 20, successes: 20 }, { n: 20, successes: 20 }).pValue).toBeNull();
  expect(wilsonInterval({ n: 0, successes: 0 })).toBeNull();
});

// R: t.test(extra ~ group, data = sleep): t = -1.8608, df = 17.776, p-value = 0.07939,
// 95 percent confidence interval -3.3654832 0.2054832.
it("compares two means with Welch's t-test as R does", () => {
  const one = summarize([0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]);
  const two = summarize([1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]);
  const result = compareMeans(one, two);
  expect(result.difference).toBeCloseTo(-1.58, 10);
  expect(result.degreesOfFreedom).toBeCloseTo(17.776, 3);
  expect(result.pValue).toBeCloseTo(0.07939, 5);
  expect(result.ci!.low).toBeCloseTo(-3.3654832, 6);
  expect(result.ci!.high).toBeCloseTo(0.2054832, 6);
  expect(result.warnings[0]).toContain('small samples');
  expect(compareMeans(summarize([1]), two).pValue).toBeNull();
});
