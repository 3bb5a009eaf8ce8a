import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crossValidateChurnModel } from './assess-churn-model.js';
import { predictChurn, trainChurnModel } from './churn-model.js';
import { labelledTableExamples } from './labelled-table.js';
import { findLeaks, singleFeatureAuc } from './leakage.js';

// A deterministic pseudo-random stream, so examples repeat run to run.
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('trainChurnModel and predictChurn', () => {
  const rows = [
    { logins: 1, plan: 'basic' },
    { logins: 2, plan: 'basic' },
    { logins: 9, plan: 'pro' },
    { logins: 8, plan: 'pro' },
    { logins: null, plan: 'basic' },
    { logins: 7, plan: null },
  ];
  const outcomes = [1, 1, 0, 0, 1, 0];
  const specs = [
    { name: 'logins', kind: 'number' as const },
    { name: 'plan', kind: 'category' as const },
  ];

  it('contributions add up to the log-odds of the probability, largest first', () => {
    const model = trainChurnModel(specs, rows, outcomes);
    for (const row of rows) {
      const { probability, contributions } = predictChurn(model, row);
      const logOdds = model.intercept + contributions.reduce((sum, c) => sum + c.effect, 0);
      expect(Math.log(probability / (1 - probability))).toBeCloseTo(logOdds, 10);
      const sizes = contributions.map((c) => Math.abs(c.effect));
      expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    }
    // Few logins push towards churn; a missing value reads as null.
    const low = predictChurn(model, rows[0]!);
    expect(low.contributions.find((c) => c.feature === 'logins')).toMatchObject({ value: 1 });
    expect(low.contributions.find((c) => c.feature === 'logins')!.effect).toBeGreaterThan(0);
    expect(predictChurn(model, rows[4]!).contributions.find((c) => c.feature === 'logins')!.value).toBeNull();
    expect(low.probability).toBeGreaterThan(predictChurn(model, rows[2]!).probability);
  });

  it('standardises inputs: scaling a feature by 1000 gives the same probabilities', () => {
    const scaled = rows.map((r) => ({ ...r, logins: r.logins === null ? null : r.logins * 1000 }));
    const a = trainChurnModel(specs, rows, outcomes);
    const b = trainChurnModel(specs, scaled, outcomes);
    rows.forEach((row, i) => expect(predictChurn(b, scaled[i]!).probability).toBeCloseTo(predictChurn(a, row).probability, 8));
  });
});

describe('leaks and cross-validation', () => {
  // 400 accounts: churn depends on logins (a real but noisy signal); "cancelled_on" is set only for
  // those who churned (a leak); "name" is unique per row (an identifier, no signal).
  const next = random(7);
  const rows = Array.from({ length: 400 }, (_, i) => {
    const logins = Math.floor(next() * 30);
    const churned = next() < 1 / (1 + Math.exp((logins - 12) / 3)) ? 1 : 0;
    return { row: { logins, name: `Company ${i}`, cancelled_on: churned ? 19000 + Math.floor(next() * 300) : null }, churned };
  });
  const examples = {
    specs: [
      { name: 'logins', kind: 'number' as const },
      { name: 'name', kind: 'category' as const },
      { name: 'cancelled_on', kind: 'number' as const },
    ],
    rows: rows.map((r) => r.row),
    outcomes: rows.map((r) => r.churned),
  };

  it('reports a feature that alone separates the outcome, and not an identifier', () => {
    const leaks = findLeaks(examples.specs, examples.rows, examples.outcomes);
    expect(leaks.map((l) => l.feature)).toEqual(['cancelled_on']);
    expect(leaks[0]!.auc).toBeGreaterThanOrEqual(0.95);
  });

  it('leaves a leak and an identifier out unless kept, and measures the rest out of fold', () => {
    const assessed = crossValidateChurnModel(examples);
    expect(assessed.features).toEqual(['logins']);
    expect(assessed.identifiers).toEqual(['name']);
    expect(assessed.leaks).toEqual([expect.objectContaining({ feature: 'cancelled_on', kept: false })]);
    expect(assessed.quality.auc).toBeGreaterThan(0.75);
    expect(assessed.quality.auc).toBeLessThan(0.95);
    expect(assessed.warnings).toEqual([]);

    const kept = crossValidateChurnModel(examples, { keep: ['cancelled_on'] });
    expect(kept.features).toContain('cancelled_on');
    expect(kept.quality.auc).toBeGreaterThan(0.95);
  });

  it('random labels give an AUC near 0.5 and the too-little-signal warning', () => {
    const coin = random(11);
    const assessed = crossValidateChurnModel({ ...examples, outcomes: examples.outcomes.map(() => (coin() < 0.3 ? 1 : 0)) });
    expect(Math.abs(assessed.quality.auc! - 0.5)).toBeLessThan(0.1);
    expect(assessed.warnings.map((w) => w.code)).toContain('too-little-signal');
  });
});

describe('labelledTableExamples', () => {
  it('infers numbers, booleans, dates and categories, handles blanks and skips unlabelled rows', () => {
    const result = labelledTableExamples(
      [
        { id: 'a', seats: '3', trial: 'True', since: '2024-01-02', plan: 'Pro', churn: 'False' },
        { id: 'b', seats: '', trial: 'false', since: '', plan: '', churn: 'True' },
        { id: 'c', seats: '5', trial: 'FALSE', since: '2024-01-03', plan: 'Basic', churn: '' },
      ],
      { label: 'churn', id: 'id' },
    );
    if (!('examples' in result)) throw new Error(JSON.stringify(result));
    expect(result.skipped).toBe(1);
    expect(result.examples.specs).toEqual([
      { name: 'seats', kind: 'number' },
      { name: 'trial', kind: 'number' },
      { name: 'since', kind: 'number' },
      { name: 'plan', kind: 'category' },
    ]);
    expect(result.examples.rows).toEqual([
      { seats: 3, trial: 1, since: 19724, plan: 'Pro' },
      { seats: null, trial: 0, since: null, plan: null },
    ]);
    expect(result.examples.outcomes).toEqual([0, 1]);
  });

  it('names the column and the fix when the label is unknown or not binary', () => {
    expect(labelledTableExamples([{ a: '1' }], { label: 'churn', id: 'key' })).toEqual({
      issues: [
        { code: 'unknown-column', message: '--label "churn" is not a column of the file (columns: a)' },
        { code: 'unknown-column', message: '--id "key" is not a column of the file (columns: a)' },
      ],
    });
    expect(labelledTableExamples([{ s: 'active' }, { s: 'canceled' }, { s: 'paused' }], { label: 's' })).toMatchObject({
      issues: [{ code: 'label-not-binary' }],
    });
    const chosen = labelledTableExamples([{ s: 'active' }, { s: 'canceled' }, { s: 'paused' }], { label: 's', positive: 'canceled' });
    expect('examples' in chosen && chosen.examples.outcomes).toEqual([0, 1, 0]);
  });
});

it('grouped folds keep every example of a group together, so a repeated identifier is no leak', () => {
  // 60 accounts, each at three snapshots with the same name; whether it churns is a coin flip.
  const coin = random(5);
  const rows: Array<{ name: string }> = [];
  const outcomes: number[] = [];
  const groups: string[] = [];
  for (let a = 0; a < 60; a += 1) {
    const churns = coin() < 0.5;
    for (let snapshot = 0; snapshot < 3; snapshot += 1) {
      rows.push({ name: `Company ${a}` });
      outcomes.push(churns ? 1 : 0);
      groups.push(`account-${a}`);
    }
  }
  const spec = { name: 'name', kind: 'category' as const };
  // Folded by row, an account's other snapshots teach its name's outcome: a perfect, false leak.
  expect(singleFeatureAuc(spec, rows, outcomes)).toBe(1);
  expect(singleFeatureAuc(spec, rows, outcomes, groups)!).toBeLessThan(0.7);
});

it('property: on any data, the intercept plus the contributions is the log-odds of the probability', () => {
  const value = fc.oneof(fc.constant(null), fc.double({ min: -1e6, max: 1e6, noNaN: true }));
  const example = fc.record({ a: value, b: value, plan: fc.constantFrom('basic', 'pro', 'enterprise', null) });
  fc.assert(
    fc.property(fc.array(fc.tuple(example, fc.boolean()), { minLength: 4, maxLength: 40 }), (data) => {
      const specs = [
        { name: 'a', kind: 'number' as const },
        { name: 'b', kind: 'number' as const },
        { name: 'plan', kind: 'category' as const },
      ];
      const model = trainChurnModel(
        specs,
        data.map(([row]) => row),
        data.map(([, churned]) => (churned ? 1 : 0)),
      );
      for (const [row] of data) {
        const { probability, contributions } = predictChurn(model, row);
        const logOdds = model.intercept + contributions.reduce((sum, c) => sum + c.effect, 0);
        expect(probability).toBeCloseTo(1 / (1 + Math.exp(-logOdds)), 9);
        expect(contributions.map((c) => c.feature).sort()).toEqual(['a', 'b', 'plan']);
      }
    }),
    { numRuns: 100 },
  );
});
