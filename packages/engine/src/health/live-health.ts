import { healthTopic, ruleDependencies, topicMatches } from '@strata/core';
import {
  claimHealthWork,
  enqueueSegmentWork,
  findLinkedProfiles,
  inWorkspaceTransaction,
  queueHealthWork,
  type WorkspaceScope,
} from '@strata/storage';
import type { ProfileWork } from '../segments/index.js';
import { recomputeAccountHealth } from './compute-health.js';
import { fieldModelKeys, modelReadingRule, workspaceHealthModels } from './health-models.js';

/**
 * The live engine's health step, run in its batch transaction: the accounts whose changed topics a
 * model's measures read (directly, or through their people) are queued to be scored
 * (`health_work`), not scored here. Scoring one account at a time was measured at size s at
 * 10.7-14.9 s for the accounts of a batch of 1,000 people, against about 1 s for all 50 segments
 * of the batch, which would wait behind it with the batch's locks held.
 */
export async function queueHealthForWork(scope: WorkspaceScope, work: readonly ProfileWork[]): Promise<void> {
  const models = (await workspaceHealthModels(scope)).filter((m) => m.target === 'account');
  const accounts = new Set<string>();
  const people = new Set<string>();
  for (const model of models) {
    const reads = ruleDependencies(modelReadingRule(model)).topics;
    // A model never reads its own output; `health` is what scoring emits.
    const concerns = (topic: string) => topic !== healthTopic && reads.some((read) => topicMatches(read, topic));
    for (const w of work) {
      if (w.target === 'account' && [...w.topics].some(concerns)) accounts.add(w.profileId);
      if (w.target === 'person' && [...w.topics].some((t) => concerns(`person:${t}`))) people.add(w.profileId);
    }
  }
  if (people.size > 0) for (const link of await findLinkedProfiles(scope, 'person', [...people])) accounts.add(link.to);
  if (accounts.size > 0) await queueHealthWork(scope, [...accounts], work[0]!.cause);
}

/**
 * Scores up to `limit` queued accounts of a workspace in one transaction, each under every account
 * model, holding their profile locks as live evaluation does; the accounts whose score, band or
 * trend changed get segment work with the `health` topic (and the cause they were queued with),
 * so segments on `health_score` follow. Returns how many accounts it took.
 */
export async function scoreQueuedHealth(scope: WorkspaceScope, limit: number): Promise<number> {
  return inWorkspaceTransaction(scope, async (tx) => {
    const claimed = await claimHealthWork(tx, limit);
    if (claimed.length === 0) return 0;
    // The claim holds the accounts' profile locks: no live batch evaluates them meanwhile.
    const ids = claimed.map((c) => c.accountId);
    const rescored = new Set<string>();
    for (const model of (await workspaceHealthModels(tx)).filter((m) => m.target === 'account')) {
      const { changed } = await recomputeAccountHealth(tx, model, ids);
      if (fieldModelKeys.has(model.key)) for (const id of changed) rescored.add(id);
    }
    await enqueueSegmentWork(
      tx,
      claimed
        .filter((c) => rescored.has(c.accountId))
        .map((c) => ({ target: 'account' as const, profileId: c.accountId, topics: [healthTopic], cause: c.cause })),
    );
    return claimed.length;
  });
}
