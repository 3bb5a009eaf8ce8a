import type { AnalyticsSettings } from '../analytics-settings.js';
import type { SegmentSize, SharedMembers } from '../segment-overlap.js';

/** A warning about the segmentation: a stable code, the segments it is about, a message, and its numbers. */
export interface AnalyticsWarning {
  code: string;
  segments: string[];
  message: string;
  [number: string]: unknown;
}

/** A segment with what the warnings need to know about it. */
export interface WarnedSegment extends SegmentSize {
  /** Whether it has an active version (a segment still backfilling or never activated is not). */
  active: boolean;
  /** What reads it, as `kind:key` (`support-policy:vip`, `webhook:crm`, `segment:key`, ...). */
  readers: string[];
}

/** What the warnings read: plain data gathered once per request. */
export interface WarningFacts {
  segments: WarnedSegment[];
  /** Pairs of segments of one target that share members. */
  shared: SharedMembers[];
  /** Per target: its profiles, and how many of them are in no segment. */
  targets: Record<'person' | 'account', { profiles: number; inNoSegment: number }>;
  settings: AnalyticsSettings;
}

/** One kind of warning: a code and how it is found. A new one is a new file added to `warningRules`. */
export interface WarningRule {
  code: string;
  /** What the code means, for docs/analytics.md. */
  description: string;
  find(facts: WarningFacts): AnalyticsWarning[];
}

/** A share as a percentage for messages, with at most one decimal. */
export function percent(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}
