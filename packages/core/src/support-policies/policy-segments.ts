import type { Condition } from '../segments/ir.js';
import type { SupportPolicy } from './policy-model.js';

/** Segment keys a condition reads with `in segment`. */
function segmentsOf(condition: Condition, into: Set<string>): Set<string> {
  switch (condition.kind) {
    case 'and':
    case 'or':
      for (const c of condition.conditions) segmentsOf(c, into);
      break;
    case 'not':
      segmentsOf(condition.condition, into);
      break;
    case 'in-segment':
      into.add(condition.key);
      break;
    case 'predicate':
    case 'did':
    case 'quantified':
      break; // ticket rules hold no segment reference below these
  }
  return into;
}

/** The segments any of the policies reads: a requester or account entering or leaving one re-decides their open tickets. */
export function segmentsReadByPolicies(policies: readonly Pick<SupportPolicy, 'when'>[]): Set<string> {
  const keys = new Set<string>();
  for (const policy of policies) segmentsOf(policy.when.condition, keys);
  return keys;
}
