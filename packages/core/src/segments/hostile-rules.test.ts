import { describe, expect, it } from 'vitest';
import {
  baseFieldSchema,
  evaluateRule,
  explainRule,
  setOwnValue,
  ruleTextOfIr,
  shiftTime,
  validateRule,
  type PersonRecord,
  type SegmentRule,
} from '../index.js';

const validate = (rule: string) => validateRule(rule, { target: 'person', schema: baseFieldSchema() });
const codes = (rule: string) => {
  const result = validate(rule);
  return result.ok ? [] : result.diagnostics.map((d) => d.code);
};

describe('rule values that cannot be stored', () => {
  it('names a NUL or a lone surrogate in a string, with the string as span', () => {
    const nul = validate('email = "a\u0000b"');
    expect(nul).toMatchObject({
      ok: false,
      diagnostics: [{ code: 'invalid-value', message: expect.stringMatching(/NUL character \(U\+0000\)/), span: { start: 8, end: 13 } }],
    });
    expect(validate('did "log\udc00in"')).toMatchObject({
      ok: false,
      diagnostics: [{ code: 'invalid-value', message: expect.stringMatching(/lone surrogate \(U\+DC00\)/) }],
    });
    // A character outside the BMP is a pair, not a lone surrogate.
    expect(validate('email = "😀"').ok).toBe(true);
  });
});

describe('numbers and windows out of range', () => {
  it('answers out-of-range for a window no date can be shifted by, and for unsafe numbers', () => {
    expect(codes('last_seen_at within last 99999999999999 days')).toEqual(['out-of-range']);
    expect(codes('last_seen_at within next 12001 months')).toEqual(['out-of-range']);
    expect(codes('last_seen_at between 400000 and 5 days ago')).toEqual(['out-of-range']);
    expect(codes('count(events within last 52001 weeks) > 1')).toEqual(['out-of-range']);
    expect(codes('count(events) > 9007199254740993')).toEqual(['out-of-range']);
    expect(codes('last_seen_at within last 52000 weeks')).toEqual([]);
  });

  it('still evaluates a rule stored before the limits, without throwing', () => {
    expect(shiftTime(Date.UTC(2026, 2, 15), 99_999_999_999_999, 'days', -1)).toBe(Date.UTC(1000, 0, 1));
    expect(shiftTime(Date.UTC(2026, 2, 15), 99_999_999_999_999, 'months', 1)).toBe(Date.UTC(9999, 11, 31, 23, 59, 59, 999));
    const stored: SegmentRule = {
      version: 1,
      target: 'person',
      condition: {
        kind: 'or',
        conditions: [
          { kind: 'did', event: 'login', window: { direction: 'last', amount: 99_999_999_999_999, unit: 'days' } },
          {
            kind: 'predicate',
            subject: { kind: 'field', scope: 'person', name: 'email', type: 'string' },
            operator: 'matches',
            operands: ['\\p{L}'],
          },
        ],
      },
    };
    const person: PersonRecord = {
      id: 'p',
      columns: {},
      traits: { email: 'é' },
      accounts: [],
      events: [{ messageId: 'm', name: 'login', at: Date.UTC(2020, 0, 1), properties: {} }],
      tickets: [],
      surveys: [],
      segments: new Set(),
    };
    expect(evaluateRule(stored, person, new Date('2026-03-15T00:00:00Z'), 'UTC')).toBe(true);
    expect(
      evaluateRule(
        { ...stored, condition: stored.condition.kind === 'or' ? stored.condition.conditions[1]! : stored.condition },
        person,
        new Date(),
        'UTC',
      ),
    ).toBe(false);
  });
});

describe('rules given as IR', () => {
  const term = {
    kind: 'predicate',
    subject: { kind: 'field', scope: 'person', name: 'email', type: 'string' },
    operator: 'eq',
    operands: ['x'],
  };

  it('are held to the text limit, and measured without recursion before they are printed', () => {
    const wide = { version: 1, target: 'person', condition: { kind: 'or', conditions: Array.from({ length: 900 }, () => term) } };
    expect(ruleTextOfIr(wide)).toMatchObject({ ok: false, diagnostics: [{ code: 'rule-too-large', message: /limit is 10000/ }] });
    let deep: object = term;
    for (let i = 0; i < 100_000; i++) deep = { kind: 'not', condition: deep };
    expect(ruleTextOfIr({ version: 1, target: 'person', condition: deep })).toMatchObject({
      ok: false,
      diagnostics: [{ code: 'rule-too-large', message: /deeper than 200/ }],
    });
    expect(ruleTextOfIr({ version: 1, target: 'person', condition: term })).toEqual({ ok: true, text: 'email = "x"' });
    expect(ruleTextOfIr({ what: 'ever' })).toMatchObject({ ok: false, diagnostics: [{ code: 'syntax-error' }] });
  });
});

describe('explain', () => {
  it('says what between … ago needs as the rule says it', () => {
    const checked = validate('last_seen_at between 7 and 30 days ago');
    if (!checked.ok) throw new Error('rule');
    const person: PersonRecord = {
      id: 'p',
      columns: { last_seen_at: '2026-03-01T00:00:00Z' },
      traits: {},
      accounts: [],
      events: [],
      tickets: [],
      surveys: [],
      segments: new Set(),
    };
    const [condition] = explainRule(checked.rule, person, new Date('2026-03-15T00:00:00Z'), 'UTC').conditions;
    expect(condition).toMatchObject({ holds: true, needs: 'between 7 and 30 days ago' });
    expect(condition!.summary).toBe('last_seen_at = "2026-03-01T00:00:00Z", needs between 7 and 30 days ago');
  });
});

describe('traits named like Object.prototype members', () => {
  it('reads only what the profile holds, as SQL does, never an inherited member', () => {
    const schema = baseFieldSchema();
    setOwnValue(schema.person, '__proto__', 'object');
    setOwnValue(schema.person, 'constructor', 'object');
    const person: PersonRecord = {
      id: 'p',
      columns: {},
      traits: {},
      accounts: [],
      events: [],
      tickets: [],
      surveys: [],
      segments: new Set(),
    };
    const now = new Date('2026-03-15T00:00:00Z');
    for (const name of ['__proto__', 'constructor']) {
      const checked = validateRule(`${name} is set`, { target: 'person', schema });
      if (!checked.ok) throw new Error(JSON.stringify(checked.diagnostics));
      expect(evaluateRule(checked.rule, person, now, 'UTC')).toBe(false);
      expect(explainRule(checked.rule, person, now, 'UTC').member).toBe(false);
    }
  });
});
