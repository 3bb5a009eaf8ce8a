import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HealthMethod, MeasureDefinition, MissingPolicy } from './health-model.js';
import { healthTrend, scoreHealth, scoreValue } from './score-health.js';

const bands = [
  { key: 'poor', name: 'Poor', min: 0 },
  { key: 'fair', name: 'Fair', min: 40 },
  { key: 'good', name: 'Good', min: 70 },
];
const measure = (
  key: string,
  weight: number,
  missing: MissingPolicy = 'skip',
  extra: Partial<MeasureDefinition> = {},
): MeasureDefinition => ({
  key,
  name: key,
  weight,
  missing,
  scoring: { type: 'linear', min: 0, max: 10 },
  ...extra,
});
/** A condition measure: no scoring, so 1 scores 100 and 0 scores 0. */
const condition = (key: string, weight: number): MeasureDefinition => ({ key, name: key, weight, missing: 'skip' });
const values = (entries: Record<string, number | undefined>) => new Map(Object.entries(entries));

describe('scoring a value', () => {
  it('linear: min scores 0, max 100, clamped; min above max means lower is better', () => {
    expect(scoreValue(2.5, { type: 'linear', min: 0, max: 10 }, false)).toBe(25);
    expect(scoreValue(12, { type: 'linear', min: 0, max: 10 }, false)).toBe(100);
    expect(scoreValue(-1, { type: 'linear', min: 0, max: 10 }, false)).toBe(0);
    // 3 urgent tickets score 0, none 100: one ticket is two thirds of the way.
    expect(scoreValue(1, { type: 'linear', min: 3, max: 0 }, false)).toBeCloseTo(66.667, 3);
  });

  it('thresholds: the highest step reached, in any order; below all, 0', () => {
    const steps = {
      type: 'thresholds' as const,
      steps: [
        { min: 6, score: 100 },
        { min: 1, score: 40 },
        { min: 3, score: 70 },
      ],
    };
    expect(scoreValue(0, steps, false)).toBe(0);
    expect(scoreValue(1, steps, false)).toBe(40);
    expect(scoreValue(5, steps, false)).toBe(70);
    expect(scoreValue(9, steps, false)).toBe(100);
  });

  it('without scoring: a condition is 0 or 100, a number is itself clamped', () => {
    expect(scoreValue(1, undefined, true)).toBe(100);
    expect(scoreValue(0, undefined, true)).toBe(0);
    expect(scoreValue(73, undefined, false)).toBe(73);
    expect(scoreValue(140, undefined, false)).toBe(100);
  });
});

describe('methods', () => {
  it('weighted: (3·80 + 1·40) / 4 = 70, contributions 60 and 10, band good', () => {
    const result = scoreHealth({ method: 'weighted', measures: [measure('a', 3), measure('b', 1)], bands }, values({ a: 8, b: 4 }));
    expect(result.score).toBeCloseTo(70, 10);
    expect(result.band).toBe('good');
    expect(result.measures.map((m) => [m.key, m.value, m.score, m.weight, m.contribution])).toEqual([
      ['a', 8, 80, 3, 60],
      ['b', 4, 40, 1, 10],
    ]);
  });

  it('points: each measure adds its weight at full score, summed and capped at 100', () => {
    const conditions = [condition('a', 30), condition('b', 50)];
    const isCondition = () => true;
    expect(scoreHealth({ method: 'points', measures: conditions, bands }, values({ a: 1, b: 0 }), isCondition).score).toBe(30);
    expect(scoreHealth({ method: 'points', measures: conditions, bands }, values({ a: 1, b: 1 }), isCondition).score).toBe(80);
    const big = [...conditions, condition('c', 40)];
    const capped = scoreHealth({ method: 'points', measures: big, bands }, values({ a: 1, b: 1, c: 1 }), isCondition);
    expect(capped.score).toBe(100);
    expect(capped.measures.map((m) => m.contribution)).toEqual([30, 50, 40]);
  });

  it('worst: the lowest measure decides and carries the whole score', () => {
    const result = scoreHealth(
      { method: 'worst', measures: [measure('a', 1), measure('b', 1), measure('c', 1)], bands },
      values({ a: 9, b: 3, c: 6 }),
    );
    expect(result.score).toBe(30);
    expect(result.band).toBe('poor');
    expect(result.measures.map((m) => m.contribution)).toEqual([0, 30, 0]);
  });
});

describe('missing data', () => {
  const model = (missing: MissingPolicy, method: HealthMethod = 'weighted') => ({
    method,
    measures: [measure('a', 1), measure('b', 1, missing)],
    bands,
  });

  it('skip: the others are re-weighted, so a lone 80 scores 80', () => {
    const result = scoreHealth(model('skip'), values({ a: 8, b: undefined }));
    expect(result.score).toBe(80);
    expect(result.measures[1]).toMatchObject({ value: undefined, score: undefined, weight: 0, contribution: 0 });
  });

  it('zero: missing scores 0, so (80 + 0) / 2 = 40', () => {
    expect(scoreHealth(model('zero'), values({ a: 8 })).score).toBe(40);
  });

  it('neutral: missing scores 50, so (80 + 50) / 2 = 65', () => {
    expect(scoreHealth(model('neutral'), values({ a: 8 })).score).toBe(65);
  });

  it('worst ignores a skipped measure but not a zeroed one', () => {
    expect(scoreHealth(model('skip', 'worst'), values({ a: 8 })).score).toBe(80);
    expect(scoreHealth(model('zero', 'worst'), values({ a: 8 })).score).toBe(0);
  });

  it('nothing scored at all scores 0', () => {
    expect(scoreHealth({ method: 'weighted', measures: [measure('a', 1)], bands }, values({})).score).toBe(0);
  });
});

it('trend: up or down by 5 points or more, else flat', () => {
  expect(healthTrend(60, 50)).toBe('up');
  expect(healthTrend(44, 50)).toBe('down');
  expect(healthTrend(53, 50)).toBe('flat');
  expect(healthTrend(53, undefined)).toBe('flat');
});

it('weighted contributions add up to the score, whatever the measures, values and policies', () => {
  const measureArbitrary = fc.record({
    weight: fc.double({ min: 0, max: 100, noNaN: true }),
    missing: fc.constantFrom<MissingPolicy>('skip', 'zero', 'neutral'),
    min: fc.integer({ min: -50, max: 50 }),
    span: fc.integer({ min: 1, max: 100 }),
    reversed: fc.boolean(),
    value: fc.option(fc.double({ min: -200, max: 200, noNaN: true }), { nil: undefined }),
  });
  fc.assert(
    fc.property(fc.array(measureArbitrary, { minLength: 1, maxLength: 8 }), (generated) => {
      const measures = generated.map((g, i) =>
        measure(`m${i}`, g.weight, g.missing, {
          scoring: g.reversed ? { type: 'linear', min: g.min + g.span, max: g.min } : { type: 'linear', min: g.min, max: g.min + g.span },
        }),
      );
      const result = scoreHealth({ method: 'weighted', measures, bands }, new Map(generated.map((g, i) => [`m${i}`, g.value])));
      const sum = result.measures.reduce((total, m) => total + m.contribution, 0);
      expect(sum).toBeCloseTo(result.score, 9);
      expect(result.score).toBeGreaterThanOrEqual(0);
      expect(result.score).toBeLessThanOrEqual(100 + 1e-9);
    }),
  );
});
