import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerMrrChangeField } from '../lifecycle/mrr-change.js';
import type { AccountRecord } from '../segments/evaluate.js';
import { baseFieldSchema } from '../segments/field-schema.js';
import { defaultHealthModel } from './default-health-model.js';
import { checkMeasureExpression, evaluateMeasure } from './measure-expression.js';
import { validateHealthModel } from './validate-health-model.js';

const schema = baseFieldSchema();
const now = Date.parse('2026-06-01T00:00:00Z');
const day = 86_400_000;
const account = (traits: Record<string, unknown>, logins: number[]): AccountRecord => ({
  id: 'a1',
  columns: {},
  traits,
  people: [],
  events: logins.map((daysAgo, i) => ({ messageId: `m${i}`, name: 'login', at: now - daysAgo * day, properties: {} })),
  tickets: [],
  surveys: [],
  segments: new Set(),
});
const valueFor = (text: string, record: AccountRecord) => {
  const checked = checkMeasureExpression(text, { target: 'account', schema });
  if (!checked.ok) throw new Error(JSON.stringify(checked.diagnostics));
  return evaluateMeasure(checked.program, { target: 'account', record }, { now, timezone: 'UTC' });
};

describe('measure expressions', () => {
  it('arithmetic over aggregates and traits, * and / before + and -, parentheses group', () => {
    const record = account({ seats: 4, mrr: 100 }, [1, 2, 3, 40]);
    // Three logins in 30 days over 4 seats.
    expect(valueFor('count(events "login" within last 30 days) / seats', record)).toBe(0.75);
    expect(valueFor('mrr - 10 * seats', record)).toBe(60);
    expect(valueFor('(mrr - 10) * seats', record)).toBe(360);
    expect(valueFor('mrr / seats + 1', record)).toBe(26);
  });

  it('a missing operand or a division by zero is missing, not 0', () => {
    expect(valueFor('count(events "login" within last 30 days) / seats', account({}, [1]))).toBeUndefined();
    expect(valueFor('mrr / seats', account({ mrr: 5, seats: 0 }, []))).toBeUndefined();
  });

  it('a condition is 1 when true, 0 when false', () => {
    expect(valueFor('mrr >= 100 and count(events "login" within last 30 days) >= 3', account({ mrr: 100 }, [1, 2, 3]))).toBe(1);
    expect(valueFor('mrr >= 100', account({ mrr: 99 }, []))).toBe(0);
  });

  it('mistakes point at the operand in the measure text', () => {
    const text = 'count(events "login" within last 30 days) / seatz';
    const checked = checkMeasureExpression(text, { target: 'account', schema });
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.diagnostics[0]).toMatchObject({ code: 'unknown-field' });
    expect(text.slice(checked.diagnostics[0]!.span.start, checked.diagnostics[0]!.span.end)).toBe('seatz');
    const notNumber = checkMeasureExpression('mrr / plan', { target: 'account', schema });
    expect(notNumber).toMatchObject({ ok: false, diagnostics: [{ code: 'type-mismatch' }] });
    // A lone value that fails its check: its own mistake, not "expected a comparison".
    const lone = 'avg(surveys.csatt within last 90 days)';
    const unknown = checkMeasureExpression(lone, { target: 'account', schema });
    expect(unknown).toMatchObject({ ok: false, diagnostics: [{ code: 'unknown-field' }] });
    if (!unknown.ok) expect(unknown.diagnostics[0]!.message).toContain('csat');
    // No arithmetic and no valid condition: the condition's own mistake is reported.
    expect(checkMeasureExpression('mrr >=', { target: 'account', schema })).toMatchObject({
      ok: false,
      diagnostics: [{ code: 'syntax-error' }],
    });
  });
});

describe('validating a model', () => {
  // Its MRR trend reads a computed field, registered by every program that checks models.
  let unregister: () => void = () => undefined;
  beforeAll(() => {
    unregister = registerMrrChangeField();
  });
  afterAll(() => unregister());

  it('the default model is valid in a workspace that has no data yet', () => {
    const checked = validateHealthModel('default', defaultHealthModel, schema);
    expect(checked.ok ? checked.model.measures.map((m) => m.program?.kind) : checked.issues).toEqual([
      'number',
      'number',
      'number',
      'number',
      'number',
      'number',
      'condition',
      'number',
    ]);
  });

  it('reports every mistake at once, each naming its field and the fix', () => {
    const checked = validateHealthModel(
      'Bad Key',
      {
        name: 'x',
        method: 'weighted',
        measures: [
          { key: 'usage', name: 'Usage', expression: 'count(events "login" within last 30 days) / seatz', weight: 1 },
          { key: 'usage', name: 'Again', weight: 1 },
        ],
        bands: [{ key: 'ok', name: 'OK', min: 0 }],
      },
      schema,
    );
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.issues.map((i) => [i.field, i.code])).toEqual([
      ['key', 'invalid-value'],
      ['measures[0].expression', 'unknown-field'],
      ['measures[1].key', 'duplicate-key'],
      ['measures[1].expression', 'required'],
    ]);
    expect(checked.issues[3]!.message).toContain('"manual": true');
  });

  it('shape mistakes name the path', () => {
    const checked = validateHealthModel(
      'm',
      { name: 'x', method: 'best', measures: [], bands: [{ key: 'a', name: 'A', min: 120 }] },
      schema,
    );
    expect(checked.ok ? [] : checked.issues.map((i) => i.field)).toEqual(['method', 'measures', 'bands[0].min']);
  });

  it('checks a person model against the person schema: person fields and account.FIELD, not account fields', () => {
    const person = (expression: string) =>
      validateHealthModel(
        'engagement',
        { ...defaultHealthModel, target: 'person', measures: [{ key: 'a', name: 'A', expression, weight: 1 }] },
        schema,
      );
    const ok = person('count(events "login" within last 30 days) + account.seats');
    expect(ok.ok ? [ok.model.target, ok.model.measures[0]!.program?.kind] : ok.issues).toEqual(['person', 'number']);
    // Checked as a person rule: an account's aggregate over its people is refused, naming the measure.
    const wrong = person('count(people where did "login" within last 30 days)');
    expect(wrong.ok ? [] : wrong.issues.map((i) => i.field)).toEqual(['measures[0].expression']);
  });
});
