import { blendedSentiment, builtInTopicRules, classifiedTopic, type NaiveBayesModel, type TopicRule } from '@strata/core';
import { findTextModel, findTextSettings, type TextModelKind, type WorkspaceScope } from '@strata/storage';

/** What a workspace has taught its text analysis: its models in use (if any) and its topic rules. */
export interface WorkspaceTextSettings {
  blend: ((text: string, lexiconScore: number) => number) | undefined;
  /** The trained topic classifier, for tickets the keyword rules find no topic in. */
  classifyTopic: ((text: string) => string | undefined) | undefined;
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

/** The workspace's models in use and topic rules; read outside any transaction. */
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
  const [sentiment, topic] = await Promise.all([
    modelInUse(scope, 'sentiment', settings.sentimentModel),
    modelInUse(scope, 'topic', settings.topicModel),
  ]);
  return {
    blend: sentiment && ((text, lexiconScore) => blendedSentiment(sentiment, text, lexiconScore)),
    classifyTopic: topic && ((text) => classifiedTopic(topic, text, [])),
    topicRules: settings.topicRules ?? builtInTopicRules,
  };
}

async function modelInUse(
  scope: WorkspaceScope,
  kind: TextModelKind,
  version: { inUse: boolean; trainedAt: Date | null } | undefined,
): Promise<NaiveBayesModel | undefined> {
  if (!version?.inUse || !version.trainedAt) return undefined;
  const key = `${scope.workspaceId}:${kind}`;
  const trainedAt = new Date(version.trainedAt).getTime();
  const cached = models.get(key);
  if (cached?.trainedAt === trainedAt) return cached.model;
  const row = await findTextModel(scope, kind);
  if (!row?.model || !row.in_use) return undefined;
  models.set(key, { trainedAt, model: row.model as NaiveBayesModel });
  return row.model as NaiveBayesModel;
}
