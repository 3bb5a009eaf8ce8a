import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { baseFieldSchema } from './field-schema.js';
import type { Target } from './ir.js';
import { validateRule } from './validate-rule.js';

/** The rule-language table of the contract: every sentence must validate with the meaning given. */
const sentences: Array<[string, Target[]]> = [
  ['plan = "pro"', ['person', 'account']],
  ['plan in ["pro", "enterprise"] and mrr >= 1000', ['account']],
  ['email ends with "@acme.com" or not (country in ["US", "CA"])', ['person']],
  ['signed_up_at within last 14 days', ['person']],
  ['count(events "login" within last 30 days) >= 5', ['person']],
  ['count(events "feature_used" where feature = "export" within last 7 days) >= 1', ['person']],
  ['last(events "login") more than 14 days ago', ['person']],
  ['not did "login" within last 14 days', ['person']],
  ['count(people where did "login" within last 7 days) >= 3', ['account']],
  ['count(tickets where priority = "urgent" within last 30 days) >= 2', ['account']],
  ['avg(tickets.csat within last 90 days) < 3', ['account']],
  ['last(surveys.nps) <= 6', ['person']],
  ['in segment "trial" and not in segment "churned"', ['account']],
  ['trial_ends_at within next 3 days', ['account']],
  ['count(events "login" within last 90 minutes) >= 1', ['person']],
  // Calendar windows (docs/segments.md, "Calendar windows and timezones").
  ['trial_ends_at within this month', ['account']],
  ['did "login" within this week', ['person']],
  ['count(events "invoice_paid" within last 2 calendar months) >= 2', ['account']],
  ['count(tickets within this quarter) >= 5', ['account']],
  ['trial_ends_at within next 1 calendar week in customer timezone', ['person', 'account']],
  ['not did "login" within last 1 calendar weeks in customer timezone', ['person']],
];

describe('the contract sentences', () => {
  for (const [text, targets] of sentences) {
    for (const target of targets) {
      it(`[${target}] ${text}`, () => {
        const result = validateRule(text, { target, schema: baseFieldSchema() });
        expect(result.ok ? [] : result.diagnostics).toEqual([]);
        if (!result.ok) return;
        const again = validateRule(result.text, { target, schema: baseFieldSchema() });
        expect(again.ok && again.rule).toEqual(result.rule);
      });
    }
  }

  it('reads them with the meaning given', () => {
    const rule = (text: string, target: Target = 'person') => {
      const result = validateRule(text, { target, schema: baseFieldSchema() });
      if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
      return result.rule.condition;
    };
    expect(rule('trial_ends_at within next 1 calendar week in customer timezone')).toMatchObject({
      operator: 'within-calendar',
      operands: [{ kind: 'calendar', period: 'next', amount: 1, unit: 'weeks', zone: 'customer' }],
    });
    expect(rule('did "login" within this week')).toEqual({
      kind: 'did',
      event: 'login',
      window: { kind: 'calendar', period: 'this', amount: 1, unit: 'weeks', zone: 'workspace' },
    });
    expect(rule('not did "login" within last 14 days')).toEqual({
      kind: 'not',
      condition: { kind: 'did', event: 'login', window: { direction: 'last', amount: 14, unit: 'days' } },
    });
    expect(rule('avg(tickets.csat within last 90 days) < 3', 'account')).toMatchObject({
      kind: 'predicate',
      operator: 'lt',
      operands: [3],
      subject: {
        kind: 'aggregate',
        fn: 'avg',
        source: { from: 'tickets', field: { name: 'csat', type: 'number' }, window: { direction: 'last', amount: 90, unit: 'days' } },
      },
    });
    expect(rule('last(events "login") more than 14 days ago')).toMatchObject({
      operator: 'more-than-ago',
      subject: { fn: 'last', type: 'datetime', source: { from: 'events', event: 'login' } },
    });
  });
});

describe('mistakes', () => {
  const diagnostics = (text: string, target: Target = 'person') => {
    const result = validateRule(text, { target, schema: baseFieldSchema(), segmentKey: 'mine' });
    return result.ok ? [] : result.diagnostics;
  };

  it('names an unknown field with a suggestion and its position', () => {
    expect(diagnostics('plna = "pro"')).toEqual([
      { code: 'unknown-field', message: 'unknown field "plna" - did you mean "plan"?', span: { start: 0, end: 4 } },
    ]);
  });

  it('reports type mismatches at the operator or the value', () => {
    expect(diagnostics('mrr >= "lots"', 'account')).toMatchObject([{ code: 'type-mismatch', span: { start: 7, end: 13 } }]);
    expect(diagnostics('plan within last 3 days')).toMatchObject([{ code: 'type-mismatch', span: { start: 5, end: 16 } }]);
  });

  it('reports unknown segments, wrong targets and cycles', () => {
    expect(diagnostics('in segment "trail"', 'account')).toMatchObject([
      { code: 'unknown-segment', message: 'unknown segment "trail" - did you mean "trial"?' },
    ]);
    expect(diagnostics('in segment "trial"', 'person')).toMatchObject([{ code: 'wrong-target' }]);
    const schema = baseFieldSchema();
    schema.segments['a'] = { target: 'person', references: ['b'] };
    schema.segments['b'] = { target: 'person', references: ['mine'] };
    const result = validateRule('in segment "a"', { target: 'person', schema, segmentKey: 'mine' });
    expect(result.ok ? [] : result.diagnostics).toMatchObject([{ code: 'segment-cycle', span: { start: 11, end: 14 } }]);
  });

  it('reports several syntax errors in one run', () => {
    const found = diagnostics('plan = and mrr >= or count(events "x" within last 0 days) > 1', 'account');
    expect(found.map((d) => d.code)).toEqual(['syntax-error', 'syntax-error', 'invalid-value']);
  });

  it('refuses patterns that could hang the database', () => {
    expect(diagnostics('email matches "(a+)+$"')).toMatchObject([{ code: 'unsafe-pattern' }]);
    expect(diagnostics('email matches "^[a-z]+@acme\\\\.com$"')).toEqual([]);
  });
});

/** The examples of docs/segments.md ("Calendar windows and timezones") are valid rules of both targets, and print as written. */
describe('the calendar-window examples in docs/segments.md', () => {
  const doc = readFileSync(new URL('../../../../docs/segments.md', import.meta.url), 'utf8');
  const section = doc.slice(doc.indexOf('## Calendar windows and timezones'));
  const start = section.indexOf('```\n') + 4;
  const examples = section.slice(start, section.indexOf('\n```', start)).split('\n').filter(Boolean);
  it('are there', () => expect(examples.length).toBeGreaterThanOrEqual(4));
  it.each(examples)('%s', (text) => {
    for (const target of ['person', 'account'] as const) {
      const result = validateRule(text, { target, schema: baseFieldSchema() });
      expect(result.ok ? result.text : result.diagnostics).toEqual(text);
    }
  });
});
