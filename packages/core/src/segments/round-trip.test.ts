import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ruleArbitrary, testSchema } from '../../../../test-support/segment-arbitraries.js';
import { parseRule } from './parse.js';
import { printRule } from './print.js';
import { validateRule } from './validate-rule.js';

const runs = Number(process.env['PROPERTY_RUNS'] ?? 1000);

describe('print and parse', () => {
  for (const target of ['person', 'account'] as const) {
    it(`round-trips every ${target} rule: validating the printed text gives the same IR`, () => {
      fc.assert(
        fc.property(ruleArbitrary(target), (rule) => {
          const text = printRule(rule);
          const again = validateRule(text, { target, schema: testSchema() });
          expect(again.ok ? again.rule : again.diagnostics, text).toEqual(rule);
          expect(again.ok && again.text).toBe(text);
        }),
        { numRuns: runs },
      );
    });
  }
});

// Words and symbols of the language, so fuzzed text reaches deep into the grammar, not just the lexer.
const vocabulary = [
  'plan',
  '=',
  '"pro"',
  'and',
  'or',
  'not',
  '(',
  ')',
  '[',
  ']',
  ',',
  'in',
  'segment',
  'count',
  'events',
  '"login"',
  'where',
  'within',
  'last',
  'next',
  '30',
  'days',
  'more',
  'than',
  'ago',
  'between',
  'is',
  'set',
  'did',
  'people',
  'tickets',
  '.',
  'csat',
  'avg',
  '>=',
  '<',
  'contains',
  'ignoring',
  'case',
  'starts',
  'with',
  'matches',
  '"(a+)+"',
  'any',
  'all',
  'none',
  'share',
  'surveys',
  'nps',
  'true',
  '-1.5',
  '"',
];
const fuzzText = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.array(fc.constantFrom(...vocabulary), { maxLength: 60 }).map((words) => words.join(' ')),
  fc.array(fc.constantFrom(...vocabulary), { maxLength: 30 }).map((words) => words.join('')),
);

describe('the parser on arbitrary text', () => {
  it('never throws, and reports a mistake with a span inside the text', () => {
    fc.assert(
      fc.property(fuzzText, (text) => {
        const { diagnostics } = parseRule(text);
        for (const d of diagnostics) {
          expect(d.span.start).toBeGreaterThanOrEqual(0);
          expect(d.span.end).toBeLessThanOrEqual(text.length);
          expect(d.span.start).toBeLessThanOrEqual(d.span.end);
        }
        validateRule(text, { target: 'account', schema: testSchema() });
      }),
      { numRuns: Number(process.env['FUZZ_RUNS'] ?? 100_000) },
    );
  });

  it('reads 10 KB of text, however nested, without throwing or stalling', () => {
    const inputs = [
      '('.repeat(10_000),
      'not '.repeat(2_500),
      `${'plan = "pro" and '.repeat(600)}plan = "pro"`,
      `"${'\\'.repeat(9_998)}`,
      'count(events where '.repeat(500),
      Array.from({ length: 10_000 }, (_, i) => String.fromCharCode(i % 128)).join(''),
    ];
    // No time limit here (speed belongs to the benchmark): a parser that loops fails on the test timeout.
    for (const text of inputs) expect(parseRule(text).ast).toBeDefined();
  });
});
