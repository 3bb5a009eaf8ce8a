import { ownValue, setOwnValue } from '../own-keys.js';

/** Per trait, `[event time ISO, messageId]` of the write that set the current value. */
export type TraitTimes = Record<string, [string, string]>;

/** A profile's traits with the version of each. */
export interface VersionedTraits {
  traits: Record<string, unknown>;
  times: TraitTimes;
}

function isNewer(candidate: [string, string], current: [string, string] | undefined): boolean {
  if (!current) return true;
  if (candidate[0] !== current[0]) return candidate[0] > current[0];
  return candidate[1] > current[1]; // same instant: the messageId breaks the tie, the same way everywhere
}

/**
 * Applies `incoming` traits stamped with an event time; each trait keeps the value of its latest
 * write, so the same writes in any order give the same profile. Mutates and returns `target`.
 */
export function applyTraits(target: VersionedTraits, incoming: Record<string, unknown>, at: Date, messageId: string): VersionedTraits {
  const stamp: [string, string] = [at.toISOString(), messageId];
  for (const [key, value] of Object.entries(incoming)) {
    if (value === undefined) continue;
    if (isNewer(stamp, ownValue(target.times, key))) {
      setOwnValue(target.traits, key, value);
      setOwnValue(target.times, key, stamp);
    }
  }
  return target;
}

/** Folds `source` into `target` trait by trait, latest write winning, as a merge of two profiles. */
export function mergeVersionedTraits(target: VersionedTraits, source: VersionedTraits): VersionedTraits {
  for (const [key, stamp] of Object.entries(source.times)) {
    if (isNewer(stamp, ownValue(target.times, key))) {
      setOwnValue(target.traits, key, ownValue(source.traits, key));
      setOwnValue(target.times, key, stamp);
    }
  }
  return target;
}
