import type { Condition, SegmentRule } from './ir.js';
import {
  evaluateCondition,
  fieldOf,
  present,
  valueOf,
  type AccountRecord,
  type Moment,
  type PersonRecord,
  type Profile,
} from './evaluate.js';
import { printComparison, printCondition, printValue } from './print.js';

/** Why one condition of a rule holds or not for one profile. */
export interface ConditionExplanation {
  /** Canonical text of the condition. */
  text: string;
  holds: boolean;
  /** For a comparison: the value compared (a trait, an aggregate's result); null when missing. */
  actual?: unknown;
  /** For a comparison: what it needs, such as `>= 5`. */
  needs?: string;
  /** One line a person reads: `count(events "login" within last 30 days) = 2, needs >= 5`. */
  summary: string;
  /** The parts of an `and`, `or` or `not`. */
  conditions?: ConditionExplanation[];
}

export interface RuleExplanation {
  member: boolean;
  conditions: ConditionExplanation[];
}

/**
 * Explains a rule for one loaded profile: each condition with its truth value and the values
 * behind it. It uses the in-memory evaluator, so it says exactly what the evaluator decides.
 * `timezone` is the workspace's, which calendar windows are aligned to.
 */
export function explainRule(rule: SegmentRule, record: PersonRecord | AccountRecord, now: Date, timezone: string): RuleExplanation {
  const profile = { target: rule.target, record } as Profile;
  const root = explainCondition(rule.condition, profile, { now: now.getTime(), timezone });
  const top = rule.condition.kind === 'and' || rule.condition.kind === 'or' ? (root.conditions ?? []) : [root];
  return { member: root.holds, conditions: top };
}

function explainCondition(condition: Condition, profile: Profile, now: Moment): ConditionExplanation {
  const text = printCondition(condition);
  const holds = evaluateCondition(condition, profile, now);
  switch (condition.kind) {
    case 'and':
    case 'or':
    case 'not': {
      const parts = condition.kind === 'not' ? [condition.condition] : condition.conditions;
      return { text, holds, summary: `${text}: ${word(holds)}`, conditions: parts.map((c) => explainCondition(c, profile, now)) };
    }
    case 'in-segment':
      return { text, holds, summary: `${holds ? 'is' : 'is not'} in segment "${condition.key}"` };
    case 'did':
    case 'quantified':
      return { text, holds, summary: `${text}: ${word(holds)}` };
    case 'predicate': {
      const needs = printComparison(condition.operator, condition.operands);
      const actual = actualValue(condition, profile, now);
      return { text, holds, actual, needs, summary: `${printValue(condition.subject)} = ${show(actual)}, needs ${needs}` };
    }
  }
}

function actualValue(condition: Extract<Condition, { kind: 'predicate' }>, profile: Profile, now: Moment): unknown {
  const subject = condition.subject;
  if (subject.kind === 'field' && subject.scope === 'person-account' && profile.target === 'person') {
    // account.x from a person: one value per account, since any one of them may satisfy it.
    return profile.record.accounts.map((a) => present(fieldOf(subject, a), subject.type) ?? null);
  }
  return present(valueOf(subject, profile, now), subject.type) ?? null;
}

function show(value: unknown): string {
  if (value === null) return 'missing';
  if (typeof value === 'number') return String(Math.round(value * 1000) / 1000);
  return JSON.stringify(value);
}

const word = (holds: boolean) => (holds ? 'true' : 'false');
