import { percent, type WarningRule } from './warning-model.js';

const profilesOf = (facts: Parameters<WarningRule['find']>[0], target: 'person' | 'account') => facts.targets[target].profiles;
const noun = (target: 'person' | 'account') => (target === 'person' ? 'people' : 'accounts');

/** An active segment no one is in. */
export const emptyWarning: WarningRule = {
  code: 'empty',
  description: 'an active segment with no members',
  find: (facts) =>
    facts.segments
      .filter((s) => s.active && s.size === 0)
      .map((s) => ({ code: 'empty', segments: [s.key], message: `segment "${s.key}" has no members`, size: 0 })),
};

/** A segment too small for a team to act on: below a share of its target or a number of members. */
export const tinyWarning: WarningRule = {
  code: 'tiny',
  description: 'members below the `tinyMembers` floor (20) or below the `tinyShare` (0.5%) of its target',
  find: (facts) =>
    facts.segments.flatMap((s) => {
      const profiles = profilesOf(facts, s.target);
      const share = profiles === 0 ? 0 : s.size / profiles;
      const { tinyMembers, tinyShare } = facts.settings;
      if (!s.active || s.size === 0 || (s.size >= tinyMembers && share >= tinyShare)) return [];
      return [
        {
          code: 'tiny',
          segments: [s.key],
          message: `segment "${s.key}" has ${s.size} members (${percent(share)} of ${noun(s.target)}), below the floor of ${tinyMembers} members or ${percent(tinyShare)}`,
          size: s.size,
          share,
          floorMembers: tinyMembers,
          floorShare: tinyShare,
        },
      ];
    }),
};

/** A segment holding most of its target: it hardly segments at all. */
export const giantWarning: WarningRule = {
  code: 'giant',
  description: 'members above the `giantShare` (80%) of its target',
  find: (facts) =>
    facts.segments.flatMap((s) => {
      const profiles = profilesOf(facts, s.target);
      const share = profiles === 0 ? 0 : s.size / profiles;
      if (!s.active || share <= facts.settings.giantShare) return [];
      return [
        {
          code: 'giant',
          segments: [s.key],
          message: `segment "${s.key}" holds ${percent(share)} of ${noun(s.target)}, above ${percent(facts.settings.giantShare)}`,
          size: s.size,
          share,
          ceilingShare: facts.settings.giantShare,
        },
      ];
    }),
};
