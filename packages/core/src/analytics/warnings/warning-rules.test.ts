import { describe, expect, it } from 'vitest';
import { defaultAnalyticsSettings } from '../analytics-settings.js';
import type { WarnedSegment, WarningFacts } from './warning-model.js';
import { findWarnings } from './warning-rules.js';

const segment = (key: string, size: number, over: Partial<WarnedSegment> = {}): WarnedSegment => ({
  key,
  target: 'person',
  size,
  active: true,
  readers: ['support-policy:p'],
  ...over,
});
const facts = (segments: WarnedSegment[], over: Partial<WarningFacts> = {}): WarningFacts => ({
  segments,
  shared: [],
  targets: { person: { profiles: 1000, inNoSegment: 0 }, account: { profiles: 0, inNoSegment: 0 } },
  settings: defaultAnalyticsSettings,
  ...over,
});
const codes = (f: WarningFacts) => findWarnings(f).map((w) => `${w.code}:${w.segments.join('+')}`);

describe('segmentation warnings', () => {
  it('finds none in a healthy set', () => {
    expect(codes(facts([segment('a', 300), segment('b', 400)], { shared: [{ a: 'a', b: 'b', shared: 50 }] }))).toEqual([]);
  });

  it('flags near-duplicates at the Jaccard floor, not below it', () => {
    // 90 shared of 100 and 90: Jaccard 90 / 100 = 0.9.
    const at = facts([segment('a', 100), segment('b', 90, { readers: [] })], { shared: [{ a: 'a', b: 'b', shared: 90 }] });
    expect(findWarnings(at).find((w) => w.code === 'near-duplicate')).toMatchObject({ segments: ['a', 'b'], jaccard: 0.9, shared: 90 });
    const below = facts([segment('a', 100), segment('b', 90)], { shared: [{ a: 'a', b: 'b', shared: 89 }] });
    expect(codes(below)).not.toContain('near-duplicate:a+b');
  });

  it('flags a segment inside another only when something reads both', () => {
    const shared = [{ a: 'big', b: 'small', shared: 40 }];
    expect(codes(facts([segment('big', 400), segment('small', 40)], { shared }))).toEqual(['contained:small+big']);
    const apart = facts([segment('big', 400, { readers: ['webhook:w'] }), segment('small', 40)], { shared });
    expect(codes(apart)).toEqual([]);
  });

  it('flags tiny below either floor, giant above the ceiling, and empty', () => {
    // 1000 people: 0.5% is 5 members, so 19 members is tiny by the count floor.
    expect(codes(facts([segment('few', 19), segment('ok', 20), segment('most', 801), segment('none', 0)]))).toEqual([
      'tiny:few',
      'giant:most',
      'empty:none',
    ]);
    // 10 000 people: 49 members is under 0.5%.
    const share = facts([segment('thin', 49)], {
      targets: { person: { profiles: 10_000, inNoSegment: 0 }, account: { profiles: 0, inNoSegment: 0 } },
    });
    expect(findWarnings(share)).toEqual([expect.objectContaining({ code: 'tiny', share: 0.0049, floorShare: 0.005 })]);
  });

  it('flags unused, too many and uncovered from the settings', () => {
    const settings = { ...defaultAnalyticsSettings, tooManySegments: 2 };
    const found = codes(
      facts([segment('a', 300), segment('b', 300, { readers: [] }), segment('c', 300), segment('off', 0, { active: false })], {
        settings,
        targets: { person: { profiles: 1000, inNoSegment: 250 }, account: { profiles: 10, inNoSegment: 2 } },
      }),
    );
    expect(found).toEqual(['unused:b', 'too-many:a+b+c', 'uncovered:']);
  });
});
