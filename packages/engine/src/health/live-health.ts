import { healthTopic, ruleDependencies, topicMatches, type Target } from '@strata/core';
import {
  claimHealthWork,
  enqueueSegmentWork,
  findLinkedProfiles,
  inWorkspaceTransaction,
  queueHealthWork,
  type WorkspaceScope,
} from '@strata/storage';
import type { ProfileWork } from '../segments/index.js';
import { recomputeHealth } from './compute-health.js';
import { isFieldModel, modelReadingRule, workspaceHealthModels, type WorkspaceHealthModel } from './health-models.js';

/** Whether a topic of a model's target concerns its measures; a model never reads its own output (`health` is what scoring emits). */
function concernsModels(models: readonly WorkspaceHealthModel[]): (topic: string) => boolean {
  const reads = models.flatMap((model) => ruleDependencies(modelReadingRule(model)).topics);
  return (topic) => topic !== healthTopic && reads.some((read) => topicMatches(read, topic));
}

/**
 * The live engine's health step, run in its batch transaction: the profiles whose changed topics
 * a model's measures read are queued to be scored (`health_work`, `person_health_work`), not
 * scored here. Account models read their own topics and their people's (`person:TOPIC`); person
 * models their own and their accounts' (`account-TOPIC`). Scoring one account at a time was
 * measured at size s at 10.7-14.9 s for the accounts of a batch of 1,000 people, against about
 * 1 s for all 50 segments of the batch, which would wait behind it with the batch's locks held.
 */
export async function queueHealthForWork(scope: WorkspaceScope, work: readonly ProfileWork[]): Promise<void> {
  if (work.length === 0) return;
  const models = await workspaceHealthModels(scope);
  const accountReads = concernsModels(models.filter((m) => m.target === 'account'));
  const personModels = models.filter((m) => m.target === 'person');
  const personReads = concernsModels(personModels);
  const queued: Record<Target, Set<string>> = { account: new Set(), person: new Set() };
  const peopleOfAccounts = new Set<string>();
  const accountsOfPeople = new Set<string>();
  for (const w of work) {
    if (w.target === 'account') {
      if ([...w.topics].some(accountReads)) queued.account.add(w.profileId);
      if (personModels.length > 0 && [...w.topics].some((t) => personReads(`account-${t}`))) peopleOfAccounts.add(w.profileId);
    } else {
      if ([...w.topics].some((t) => accountReads(`person:${t}`))) accountsOfPeople.add(w.profileId);
      if ([...w.topics].some(personReads)) queued.person.add(w.profileId);
    }
  }
  if (accountsOfPeople.size > 0)
    for (const link of await findLinkedProfiles(scope, 'person', [...accountsOfPeople])) queued.account.add(link.to);
  if (peopleOfAccounts.size > 0)
    for (const link of await findLinkedProfiles(scope, 'account', [...peopleOfAccounts])) queued.person.add(link.to);
  for (const target of ['account', 'person'] as const)
    if (queued[target].size > 0) await queueHealthWork(scope, [...queued[target]], work[0]!.cause, target);
}

/**
 * Scores up to `limit` queued accounts of a workspace in one transaction, then up to `limit`
 * queued people in another (both each turn, so a steady stream of one kind never starves the
 * other): each under every model of its kind, holding their profile locks as live evaluation
 * does; the profiles whose score, band or trend changed under a model rule fields read get segment
 * work with the `health` topic (and the cause they were queued with), so segments on
 * `health_score` follow. Returns how many profiles it took.
 */
export async function scoreQueuedHealth(scope: WorkspaceScope, limit: number): Promise<number> {
  let taken = 0;
  for (const target of ['account', 'person'] as const) {
    const scored = await inWorkspaceTransaction(scope, async (tx) => {
      const claimed = await claimHealthWork(tx, limit, target);
      if (claimed.length === 0) return 0;
      // The claim holds the profiles' locks: no live batch evaluates them meanwhile.
      const ids = claimed.map((c) => c.profileId);
      const models = await workspaceHealthModels(tx);
      const rescored = new Set<string>();
      for (const model of models.filter((m) => m.target === target)) {
        const { changed } = await recomputeHealth(tx, model, ids);
        if (isFieldModel(model, models)) for (const id of changed) rescored.add(id);
      }
      await enqueueSegmentWork(
        tx,
        claimed
          .filter((c) => rescored.has(c.profileId))
          .map((c) => ({ target, profileId: c.profileId, topics: [healthTopic], cause: c.cause })),
      );
      return claimed.length;
    });
    taken += scored;
  }
  return taken;
}
