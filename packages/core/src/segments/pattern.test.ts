import { describe, expect, it } from 'vitest';
import { baseFieldSchema, evaluateRule, explainRule, validateRule, type PersonRecord, type SegmentRule } from '../index.js';
import { checkPattern } from './pattern.js';

const schema = () => ({ ...baseFieldSchema(), person: { ...baseFieldSchema().person, nick: 'string' as const } });
const person = (nick: string): PersonRecord => ({
  id: 'p',
  columns: {},
  traits: { nick },
  accounts: [],
  events: [],
  tickets: [],
  surveys: [],
  segments: new Set(),
});
const rule = (pattern: string): SegmentRule => ({
  version: 1,
  target: 'person',
  condition: {
    kind: 'predicate',
    subject: { kind: 'field', scope: 'person', name: 'nick', type: 'string' },
    operator: 'matches',
    operands: [pattern],
  },
});
const now = new Date('2026-03-15T12:00:00Z');

describe('the pattern dialect', () => {
  it('refuses what PostgreSQL refuses or reads otherwise, with a code and the offending part', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['a{256}', 'invalid-pattern', /up to 255/],
      ['\\p{L}', 'invalid-pattern', /"\\p" is not supported/],
      ['\\k', 'invalid-pattern', /"\\k" is not supported/],
      ['\\bword', 'invalid-pattern', /word boundaries/],
      ['(a)\\1', 'invalid-pattern', /back-references/],
      ['a(?=b)', 'invalid-pattern', /look-arounds/],
      ['a{3,2}', 'invalid-pattern', /must not be smaller/],
      ['a**', 'invalid-pattern', /cannot follow a repetition/],
      ['[z-a]', 'invalid-pattern', /backwards/],
      ['[[:letter:]]', 'invalid-pattern', /unknown class/],
      ['x{', 'invalid-pattern', /literal brace/],
      ['(a', 'invalid-pattern', /unclosed/],
      ['(a+)+', 'unsafe-pattern', /repeats a group/],
      ['a'.repeat(201), 'unsafe-pattern', /limit is 200/],
      // Both engines work in proportion to the expanded size: 5 × 250 would let one explain stall the server.
      ['\\w{250}'.repeat(5), 'unsafe-pattern', /1250 characters once its counts are expanded; the limit is 1000/],
    ];
    for (const [pattern, code, message] of cases) {
      const result = validateRule(`nick matches ${JSON.stringify(pattern)}`, { target: 'person', schema: schema() });
      expect(result.ok, pattern).toBe(false);
      if (result.ok) continue;
      const span = result.diagnostics[0]!.span;
      expect(result.diagnostics[0]!.code, pattern).toBe(code);
      expect(span.start, pattern).toBeGreaterThanOrEqual(13);
      expect(span.end, pattern).toBeLessThanOrEqual(13 + JSON.stringify(pattern).length);
      expect(result.diagnostics[0]!.message, pattern).toMatch(message);
    }
    expect(checkPattern('ab\\k')).toMatchObject({ ok: false, start: 2, end: 4 });
  });

  it('writes classes out as ASCII ranges for both engines', () => {
    expect(checkPattern('^[[:alpha:]]\\d$')).toEqual({ ok: true, re2: '^[A-Za-z][0-9]$', postgres: '^[A-Za-z][0-9]$' });
    expect(checkPattern('(?i)é.')).toEqual({ ok: true, re2: '\\x{E9}(?s:.)', postgres: '\\u00E9.' });
    expect(checkPattern('(?i)a\\S')).toMatchObject({ re2: '[Aa][^\\x{09}-\\x{0D} ]' });
  });

  it('decides classes in ASCII and "." across newlines, in memory as in SQL', () => {
    const decide = (pattern: string, nick: string) => evaluateRule(rule(pattern), person(nick), now, 'UTC');
    expect(decide('^[[:alpha:]]$', 'a')).toBe(true);
    expect(decide('^[[:alpha:]]$', 'é')).toBe(false);
    expect(decide('\\d', '٣')).toBe(false);
    expect(decide('^a.b$', 'a\nb')).toBe(true);
    expect(decide('^a$', 'a\n')).toBe(false);
    expect(decide('(?i)^straSSe$', 'STRASSE')).toBe(true);
    expect(decide('(?i)^é$', 'É')).toBe(false);
    expect(explainRule(rule('[[:alpha:]]'), person('é'), now, 'UTC').member).toBe(false);
    expect(explainRule(rule('[[:alpha:]]'), person('a'), now, 'UTC').member).toBe(true);
  });

  it('runs patterns that backtrack exponentially elsewhere in linear time', () => {
    // A backtracking engine would not finish these within the test's timeout.
    const long = `${'a'.repeat(5_000)}b`;
    expect(evaluateRule(rule('^a*a*a*a*a*a*a*a*a*a*a*a*$'), person(long), now, 'UTC')).toBe(false);
    expect(evaluateRule(rule('^(a|a)*$'), person(long), now, 'UTC')).toBe(false);
    expect(evaluateRule(rule('^(a|aa)*c$'), person(long), now, 'UTC')).toBe(false);
    expect(explainRule(rule('^(a|a)*$'), person('a'.repeat(5_000)), now, 'UTC').member).toBe(true);
  });
});
