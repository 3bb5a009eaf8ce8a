import { percent, type WarningRule } from './warning-model.js';

/** An active segment nothing reads: no policy, webhook, playbook, canned response or other segment. */
export const unusedWarning: WarningRule = {
  code: 'unused',
  description: 'an active segment no support policy, webhook, playbook, canned response or segment rule reads',
  find: (facts) =>
    facts.segments
      .filter((s) => s.active && s.readers.length === 0)
      .map((s) => ({
        code: 'unused',
        segments: [s.key],
        message: `nothing reads segment "${s.key}": no policy, webhook, playbook, canned response or segment rule`,
        size: s.size,
      })),
};

/** More active segments than a team can act on. */
export const tooManyWarning: WarningRule = {
  code: 'too-many',
  description: 'more active segments than `tooManySegments` (30)',
  find: (facts) => {
    const active = facts.segments.filter((s) => s.active);
    const limit = facts.settings.tooManySegments;
    if (active.length <= limit) return [];
    return [
      {
        code: 'too-many',
        segments: active.map((s) => s.key),
        message: `${active.length} active segments, more than the ${limit} a team can act on: merge or delete some`,
        count: active.length,
        limit,
      },
    ];
  },
};

/** A share of a target's profiles in no segment at all, above the setting. */
export const uncoveredWarning: WarningRule = {
  code: 'uncovered',
  description: 'a share of people or accounts above `uncoveredShare` (20%) in no segment of their target',
  find: (facts) =>
    (['person', 'account'] as const).flatMap((target) => {
      const { profiles, inNoSegment } = facts.targets[target];
      const share = profiles === 0 ? 0 : inNoSegment / profiles;
      if (share <= facts.settings.uncoveredShare) return [];
      const noun = target === 'person' ? 'people' : 'accounts';
      return [
        {
          code: 'uncovered',
          segments: [],
          message: `${inNoSegment} ${noun} (${percent(share)}) are in no segment`,
          target,
          profiles,
          inNoSegment,
          share,
        },
      ];
    }),
};
