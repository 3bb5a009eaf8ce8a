import { classificationQuality, type ClassificationQuality } from './classification-metrics.js';
import { crossValidate } from './cross-validate.js';
import { naiveBayesProbabilities, trainNaiveBayes, type NaiveBayesModel } from './naive-bayes.js';
import { minimumPerSentimentLabel, minimumSentimentLabels } from './sentiment-model.js';
import { textFeatures } from './text-features.js';

/** A ticket an agent tagged with a topic, with the topics the keyword rules found in it. */
export interface TopicExample {
  text: string;
  topic: string;
  keywordTopics: readonly string[];
}

// The classifier speaks only where the keyword rules found nothing, and only when fairly sure.
const minimumProbability = 0.5;
const folds = 5;
const noTopic = '';

export type TopicTraining =
  | { status: 'too-few-labels'; samples: number; needed: { total: number; perLabel: number } }
  | { status: 'trained'; inUse: boolean; keywords: ClassificationQuality; model: ClassificationQuality; trained: NaiveBayesModel };

/** The main topic of a text: the keyword rules' first, else the classifier's when it is fairly sure. */
export function classifiedTopic(model: NaiveBayesModel, text: string, keywordTopics: readonly string[]): string | undefined {
  if (keywordTopics.length > 0) return keywordTopics[0];
  const p = naiveBayesProbabilities(model, textFeatures(text));
  const [topic, probability] = Object.entries(p).sort((a, b) => b[1] - a[1])[0] ?? [noTopic, 0];
  return probability >= minimumProbability ? topic : undefined;
}

/**
 * Trains a topic classifier on the topics agents set (as tags) and measures, by 5-fold
 * cross-validation on the same tickets, keyword rules alone against keyword rules with the
 * classifier for tickets they miss; in use only when that raises macro-F1. The same minimum of
 * labels as sentiment applies, with two topics of at least five tickets each.
 */
export function trainTopicModel(examples: readonly TopicExample[]): TopicTraining {
  const counts = new Map<string, number>();
  for (const e of examples) counts.set(e.topic, (counts.get(e.topic) ?? 0) + 1);
  const enough = [...counts.values()].filter((n) => n >= minimumPerSentimentLabel).length;
  if (examples.length < minimumSentimentLabels || enough < 2)
    return {
      status: 'too-few-labels',
      samples: examples.length,
      needed: { total: minimumSentimentLabels, perLabel: minimumPerSentimentLabel },
    };
  const focus = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? noTopic;
  const keywords = classificationQuality(
    examples.map((e) => [e.topic, e.keywordTopics[0] ?? noTopic]),
    focus,
  );
  const fit = (train: readonly TopicExample[]) => trainNaiveBayes(train.map((e) => ({ features: textFeatures(e.text), label: e.topic })));
  const pairs = crossValidate(
    examples,
    (e) => e.topic,
    folds,
    (train, test) => {
      const model = fit(train);
      return test.map((e) => classifiedTopic(model, e.text, e.keywordTopics) ?? noTopic);
    },
  );
  const model = classificationQuality(pairs, focus);
  return { status: 'trained', inUse: model.macroF1 > keywords.macroF1, keywords, model, trained: fit(examples) };
}
