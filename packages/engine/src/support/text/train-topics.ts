import { builtInTopicRules, matchTopics, trainTopicModel } from '@strata/core';
import { listTopicLabels, listTopicRules, saveTextModel, type WorkspaceScope } from '@strata/storage';
import { normaliseText } from './normalise-text.js';

/**
 * Trains the workspace's topic classifier from the topics agents set as tags, and stores it with
 * its cross-validated quality next to the keyword rules' alone; used only when it adds to them.
 */
export async function trainWorkspaceTopics(scope: WorkspaceScope): Promise<{ status: string; inUse: boolean; samples: number }> {
  const rules = (await listTopicRules(scope)) ?? builtInTopicRules;
  const labels = await listTopicLabels(
    scope,
    rules.map((r) => r.topic),
  );
  const examples = labels.map((l) => {
    const text = normaliseText(l.text).words;
    return { text, topic: l.topic, keywordTopics: matchTopics(text, rules) };
  });
  const training = trainTopicModel(examples);
  const trained = training.status === 'trained';
  await saveTextModel(scope, 'topic', {
    status: training.status,
    inUse: trained && training.inUse,
    model: trained ? training.trained : null,
    samples: examples.length,
    lexiconQuality: trained ? { ...training.keywords } : null,
    modelQuality: trained ? { ...training.model } : null,
    error: null,
    trainedAt: scope.clock(),
  });
  return { status: training.status, inUse: trained && training.inUse, samples: examples.length };
}
