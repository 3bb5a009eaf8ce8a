import { describe, expect, it } from 'vitest';
import {
  baseFieldSchema,
  evaluateRule,
  inlineSegmentReferences,
  validateRule,
  type AccountRecord,
  type PersonRecord,
  type SegmentRule,
} from '../index.js';

const now = new Date('2026-03-01T00:00:00Z');
const schema = baseFieldSchema();
schema.segments['pros'] = { target: 'person', references: [] };
const rule = (text: string, target: 'person' | 'account'): SegmentRule => {
  const result = validateRule(text, { target, schema });
  if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
  return result.rule;
};
const person = (id: string, plan: string, segments: string[]): PersonRecord => ({
  id,
  columns: {},
  traits: { plan },
  accounts: [],
  events: [],
  tickets: [],
  surveys: [],
  segments: new Set(segments),
});

describe('inlineSegmentReferences', () => {
  const pros = rule('plan = "pro"', 'person');
  const rules = new Map([['pros', pros]]);

  it('decides what the reference decides when members are current, without reading them', () => {
    const proOrFree = rule('in segment "pros" or plan = "free"', 'person');
    const inlined = inlineSegmentReferences(proOrFree, rules);
    expect(JSON.stringify(inlined)).not.toContain('in-segment');
    for (const p of [person('a', 'pro', ['pros']), person('b', 'free', []), person('c', 'team', [])])
      expect(evaluateRule(inlined, { ...p, segments: new Set() }, now, 'UTC')).toBe(evaluateRule(proOrFree, p, now, 'UTC'));
  });

  it('reaches into people rollups of an account rule', () => {
    const allPro = rule('all(people where in segment "pros")', 'account');
    const account: AccountRecord = {
      id: 'acc',
      columns: {},
      traits: {},
      people: [person('a', 'pro', []), person('b', 'free', [])],
      events: [],
      tickets: [],
      surveys: [],
      segments: new Set(),
    };
    expect(evaluateRule(inlineSegmentReferences(allPro, rules), account, now, 'UTC')).toBe(false);
    account.people = [person('a', 'pro', [])];
    expect(evaluateRule(inlineSegmentReferences(allPro, rules), account, now, 'UTC')).toBe(true);
  });
});
