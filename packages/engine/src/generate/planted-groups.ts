import { createRandom, generateAccounts, type SampleSize } from './sample-company.js';
import { accountMood } from './sample-support.js';

/** The groups a generated company is built with, which analytics should find again. */
export interface PlantedGroups {
  /** Trials that ended without paying (`status` "trial_expired"). */
  lapsingTrials: Set<string>;
  /** Active accounts whose activity fades out before the anchor. */
  drifting: Set<string>;
  /** Accounts in an unhappy mood: more and angrier tickets, low CSAT, detractors. */
  unhappy: Set<string>;
}

/**
 * The group ids of each planted group of the company `loadSampleData` generates for the same
 * size, seed and anchor, for tests that check those groups are recovered.
 */
export function plantedGroups(size: SampleSize, seed: number, anchor: number): PlantedGroups {
  const groups: PlantedGroups = { lapsingTrials: new Set(), drifting: new Set(), unhappy: new Set() };
  for (const account of generateAccounts(size, seed, anchor)) {
    const status = account.traits['status'];
    if (status === 'trial_expired') groups.lapsingTrials.add(account.groupId);
    if (status === 'active' && account.fadesFrom !== null) groups.drifting.add(account.groupId);
    // The same random stream as `generateSupport` gets in `loadSampleData`, whose first draws decide the mood.
    if (accountMood(account, createRandom(seed * 7919 + account.index + 17)) === 'unhappy') groups.unhappy.add(account.groupId);
  }
  return groups;
}
