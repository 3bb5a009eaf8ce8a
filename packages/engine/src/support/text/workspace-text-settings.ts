import { blendedSentiment, builtInTopicRules, type NaiveBayesModel, type TopicRule } from '@strata/core';
import { findTextModel, findTextSettings, type WorkspaceScope } from '@strata/storage';

/** What a workspace has taught its text analysis: a sentiment model in use (if any) and its topic rules. */
export interface WorkspaceTextSettings {
  blend: ((text: string, lexiconScore: number) => number) | undefined;
  topicRules: readonly TopicRule[];
}

// A trained model is read from the database once per training run, not on every ticket write.
const models = new Map<string, { trainedAt: number; model: NaiveBayesModel }>();
// The settings are read at most once per workspace in this time, not on every ticket write: a
// change made in another process (new rules, a model trained by a worker) applies within it.
const settingsTtlMs = 5000;
const recent = new Map<string, { readAt: number; settings: Promise<WorkspaceTextSettings> }>();

/** Forgets the workspace's settings read in this process, after changing them here. */
export function forgetWorkspaceTextSettings(workspaceId: string): void {
  recent.delete(workspaceId);
}

/** The workspace's in-use sentiment model and topic rules; read outside any transaction. */
export function loadWorkspaceTextSettings(scope: WorkspaceScope): Promise<WorkspaceTextSettings> {
  const cached = recent.get(scope.workspaceId);
  if (cached && performance.now() - cached.readAt < settingsTtlMs) return cached.settings;
  const settings = readWorkspaceTextSettings(scope);
  recent.set(scope.workspaceId, { readAt: performance.now(), settings });
  // A failed read is not remembered: the next write tries again.
  settings.catch(() => forgetWorkspaceTextSettings(scope.workspaceId));
  return settings;
}

async function readWorkspaceTextSettings(scope: WorkspaceScope): Promise<WorkspaceTextSettings> {
  const settings = await findTextSettings(scope);
  const topicRules = settings.topicRules ?? builtInTopicRules;
  const version = settings.sentimentModel;
  if (!version?.inUse || !version.trainedAt) return { blend: undefined, topicRules };
  const trainedAt = new Date(version.trainedAt).getTime();
  let cached = models.get(scope.workspaceId);
  if (cached?.trainedAt !== trainedAt) {
    const row = await findTextModel(scope, 'sentiment');
    if (!row?.model || !row.in_use) return { blend: undefined, topicRules };
    cached = { trainedAt, model: row.model as NaiveBayesModel };
    models.set(scope.workspaceId, cached);
  }
  const model = cached.model;
  return { blend: (text, lexiconScore) => blendedSentiment(model, text, lexiconScore), topicRules };
}
