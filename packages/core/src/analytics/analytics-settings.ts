/** A workspace's analytics settings: the CLV assumption and the floors the warnings use. */
export interface AnalyticsSettings {
  /** Share of revenue kept after the cost of serving it, for CLV (0 to 1). */
  grossMargin: number;
  /** A segment is `tiny` below this share of its target's profiles... */
  tinyShare: number;
  /** ...or below this many members. */
  tinyMembers: number;
  /** A segment is `giant` above this share of its target's profiles. */
  giantShare: number;
  /** Two segments are `near-duplicate` at or above this Jaccard index. */
  nearDuplicateJaccard: number;
  /** More active segments than this is `too-many`. */
  tooManySegments: number;
  /** A target with more than this share of its profiles in no segment is `uncovered`. */
  uncoveredShare: number;
}

/** The settings a workspace has until it sets its own (docs/analytics.md explains each). */
export const defaultAnalyticsSettings: AnalyticsSettings = {
  grossMargin: 0.8,
  tinyShare: 0.005,
  tinyMembers: 20,
  giantShare: 0.8,
  nearDuplicateJaccard: 0.9,
  tooManySegments: 30,
  uncoveredShare: 0.2,
};

/** The stored settings over the defaults: a setting never stored is its default. */
export function analyticsSettingsOf(stored: Partial<Record<string, number>> | null): AnalyticsSettings {
  const settings = { ...defaultAnalyticsSettings };
  for (const key of Object.keys(settings) as Array<keyof AnalyticsSettings>) {
    const value = stored?.[key];
    if (typeof value === 'number') settings[key] = value;
  }
  return settings;
}
