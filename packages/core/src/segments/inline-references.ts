import type { Condition, SegmentRule } from './ir.js';
import { sources } from './sources.js';

/**
 * The rule with every `in segment "K"` replaced by K's own condition (recursively), so it can be
 * evaluated at any instant without reading materialised members. Segment references never form
 * cycles (the checker refuses them), so this ends. A key missing from `rules` stays a reference.
 */
export function inlineSegmentReferences(rule: SegmentRule, rules: ReadonlyMap<string, SegmentRule>): SegmentRule {
  return { ...rule, condition: inline(rule.condition, rules) };
}

function inline(condition: Condition, rules: ReadonlyMap<string, SegmentRule>): Condition {
  switch (condition.kind) {
    case 'and':
    case 'or':
      return { ...condition, conditions: condition.conditions.map((c) => inline(c, rules)) };
    case 'not':
      return { ...condition, condition: inline(condition.condition, rules) };
    case 'quantified':
      return { ...condition, where: inline(condition.where, rules) };
    case 'in-segment': {
      const referenced = rules.get(condition.key);
      return referenced ? inline(referenced.condition, rules) : condition;
    }
    case 'predicate':
      // Rows of people are profiles, whose conditions may refer to segments.
      if (
        condition.subject.kind === 'aggregate' &&
        sources[condition.subject.source.from].rows === 'people' &&
        condition.subject.source.where
      ) {
        const source = { ...condition.subject.source, where: inline(condition.subject.source.where, rules) };
        return { ...condition, subject: { ...condition.subject, source } };
      }
      return condition;
    case 'did':
      return condition;
  }
}
