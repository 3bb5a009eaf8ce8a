import { percent, type AnalyticsWarning, type WarningFacts, type WarningRule } from './warning-model.js';

function pairsOf(facts: WarningFacts) {
  const size = new Map(facts.segments.map((s) => [s.key, s]));
  return facts.shared.flatMap(({ a, b, shared }) => {
    const first = size.get(a);
    const second = size.get(b);
    return first && second && first.active && second.active ? [{ first, second, shared }] : [];
  });
}

/** Two segments with nearly the same members: one of them is probably not needed. */
export const nearDuplicateWarning: WarningRule = {
  code: 'near-duplicate',
  description: 'two segments whose Jaccard index (shared / either) is at or above `nearDuplicateJaccard` (0.9)',
  find: (facts) =>
    pairsOf(facts).flatMap(({ first, second, shared }): AnalyticsWarning[] => {
      const union = first.size + second.size - shared;
      const jaccard = union === 0 ? 0 : shared / union;
      if (jaccard < facts.settings.nearDuplicateJaccard) return [];
      return [
        {
          code: 'near-duplicate',
          segments: [first.key, second.key],
          message: `segments "${first.key}" and "${second.key}" share ${percent(jaccard)} of their members (Jaccard ${jaccard.toFixed(3)})`,
          jaccard,
          shared,
        },
      ];
    }),
};

/**
 * One segment inside another while something reads both: the smaller one may be all that reader
 * needs, or the larger one already covers it.
 */
export const containedWarning: WarningRule = {
  code: 'contained',
  description: 'every member of one segment is in another, and a policy, webhook, playbook or rule reads both',
  find: (facts) =>
    pairsOf(facts).flatMap(({ first, second, shared }) => {
      const found: AnalyticsWarning[] = [];
      for (const [inner, outer] of [
        [first, second],
        [second, first],
      ] as const) {
        if (inner.size === 0 || shared !== inner.size || (inner.size === outer.size && inner.key > outer.key)) continue;
        const common = inner.readers.filter((r) => outer.readers.includes(r));
        if (common.length === 0) continue;
        found.push({
          code: 'contained',
          segments: [inner.key, outer.key],
          message: `every member of "${inner.key}" is in "${outer.key}", and ${common.join(', ')} read both`,
          shared,
          readers: common,
        });
      }
      return found;
    }),
};
