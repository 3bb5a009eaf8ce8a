import type { Target } from '@strata/core';
import type { ChangeCause, SegmentWork } from '@strata/storage';
import type { ProfileWork } from './evaluate-profiles.js';

/**
 * Gathers what one transaction changed, per profile, as segment work: the topics that changed
 * (see dependencies.ts in core) and the latest cause. One item per profile however many messages
 * touched it.
 */
export class WorkCollector {
  private readonly items = new Map<
    string,
    { target: Target; profileId: string; topics: Set<string>; cause: ChangeCause; attempts: number }
  >();

  /** `attempts`: failed attempts of the queued work this comes from; the profile keeps the most. */
  add(target: Target, profileId: string, topics: Iterable<string>, cause: ChangeCause, attempts = 0): void {
    const key = `${target}:${profileId}`;
    let item = this.items.get(key);
    if (!item) this.items.set(key, (item = { target, profileId, topics: new Set(), cause, attempts }));
    for (const topic of topics) item.topics.add(topic);
    item.cause = cause;
    item.attempts = Math.max(item.attempts, attempts);
  }

  /** The gathered profiles, for evaluation. */
  profiles(): ProfileWork[] {
    return [...this.items.values()];
  }

  /** The gathered profiles, for the queue. */
  work(): SegmentWork[] {
    return [...this.items.values()].map((i) => ({
      target: i.target,
      profileId: i.profileId,
      topics: [...i.topics].sort(),
      cause: i.cause,
    }));
  }
}
