import { healthTopic, ruleDependencies, topicMatches } from '@strata/core';
import { findLinkedProfiles, lockProfiles, type WorkspaceScope } from '@strata/storage';
import type { ProfileWork } from '../segments/index.js';
import { recomputeAccountHealth } from './compute-health.js';
import { fieldModelKeys, modelReadingRule, workspaceHealthModels } from './health-models.js';

/**
 * The live engine's health step, run in its batch transaction before segments are decided: the
 * accounts whose changed topics a model's measures read (directly, or through their people) are
 * rescored, and those whose score, band or trend changed get the `health` topic, so segments on
 * `health_score` re-evaluate in the same batch. Returns the work with those topics added.
 */
export async function recomputeHealthForWork(scope: WorkspaceScope, work: readonly ProfileWork[]): Promise<ProfileWork[]> {
  const models = (await workspaceHealthModels(scope)).filter((m) => m.target === 'account');
  const rescored = new Set<string>();
  for (const model of models) {
    const reads = ruleDependencies(modelReadingRule(model)).topics;
    // A model never reads its own output; `health` is what this step emits.
    const concerns = (topic: string) => topic !== healthTopic && reads.some((read) => topicMatches(read, topic));
    const accounts = new Set(work.filter((w) => w.target === 'account' && [...w.topics].some(concerns)).map((w) => w.profileId));
    const people = work.filter((w) => w.target === 'person' && [...w.topics].some((t) => concerns(`person:${t}`)));
    if (people.length > 0)
      for (const link of await findLinkedProfiles(
        scope,
        'person',
        people.map((p) => p.profileId),
      ))
        accounts.add(link.to);
    // The batch holds its profiles' locks; accounts reached through their people are locked here, before they are written.
    await lockProfiles(
      scope,
      [...accounts].filter((id) => !work.some((w) => w.profileId === id)),
    );
    const { changed } = await recomputeAccountHealth(scope, model, [...accounts].sort());
    if (fieldModelKeys.has(model.key)) for (const id of changed) rescored.add(id);
  }
  if (rescored.size === 0) return [...work];
  const result = work.map((w) =>
    w.target === 'account' && rescored.has(w.profileId) ? { ...w, topics: new Set([...w.topics, healthTopic]) } : w,
  );
  const cause = work[0]!.cause;
  for (const id of rescored)
    if (!work.some((w) => w.target === 'account' && w.profileId === id))
      result.push({ target: 'account', profileId: id, topics: new Set([healthTopic]), cause });
  return result;
}
