import { classificationQuality, type ClassificationQuality } from './classification-metrics.js';
import { crossValidate } from './cross-validate.js';
import { naiveBayesProbabilities, trainNaiveBayes, type NaiveBayesModel } from './naive-bayes.js';
import { textFeatures } from './text-features.js';

/** A labelled customer message with the lexicon's score of it (-1..1), as the training reads it. */
export interface SentimentExample {
  text: string;
  label: 'negative' | 'neutral' | 'positive';
  lexiconScore: number;
}

/** Below these, cross-validated numbers say too little to trust a model (docs/text-signals.md). */
export const minimumSentimentLabels = 30;
export const minimumPerSentimentLabel = 5;
const folds = 5;
// The model's and the lexicon's scores count equally: the lexicon carries words the team's
// labels have not shown yet, the model the team's own vocabulary.
const modelWeight = 0.5;
const positiveFrom = 0.05;
const negativeTo = -0.05;

export type SentimentTraining =
  | { status: 'too-few-labels'; samples: number; needed: { total: number; perLabel: number } }
  | {
      status: 'trained';
      inUse: boolean;
      /** The lexicon alone and the blend, cross-validated on the same labels and folds. */
      lexicon: ClassificationQuality;
      model: ClassificationQuality;
      trained: NaiveBayesModel;
    };

/** The sentiment score of a text: the lexicon's blended with the model's P(positive) - P(negative). */
export function blendedSentiment(model: NaiveBayesModel, text: string, lexiconScore: number): number {
  const p = naiveBayesProbabilities(model, textFeatures(text));
  return modelWeight * ((p.positive ?? 0) - (p.negative ?? 0)) + (1 - modelWeight) * lexiconScore;
}

export const labelOfScore = (score: number): 'negative' | 'neutral' | 'positive' =>
  score >= positiveFrom ? 'positive' : score <= negativeTo ? 'negative' : 'neutral';

/**
 * Trains a naive Bayes model on a workspace's labelled messages and measures the blend against
 * the lexicon by 5-fold cross-validation; the model is in use only when the blend's macro-F1 is
 * higher than the lexicon's and its negative-class F1 is no lower.
 */
export function trainSentimentModel(examples: readonly SentimentExample[]): SentimentTraining {
  const perLabel = (label: string) => examples.filter((e) => e.label === label).length;
  const labelsWithEnough = ['negative', 'neutral', 'positive'].filter((l) => perLabel(l) >= minimumPerSentimentLabel).length;
  if (examples.length < minimumSentimentLabels || labelsWithEnough < 2)
    return {
      status: 'too-few-labels',
      samples: examples.length,
      needed: { total: minimumSentimentLabels, perLabel: minimumPerSentimentLabel },
    };
  const lexicon = classificationQuality(
    examples.map((e) => [e.label, labelOfScore(e.lexiconScore)]),
    'negative',
  );
  const fit = (train: readonly SentimentExample[]) =>
    trainNaiveBayes(train.map((e) => ({ features: textFeatures(e.text), label: e.label })));
  const pairs = crossValidate(
    examples,
    (e) => e.label,
    folds,
    (train, test) => {
      const model = fit(train);
      return test.map((e) => labelOfScore(blendedSentiment(model, e.text, e.lexiconScore)));
    },
  );
  const model = classificationQuality(pairs, 'negative');
  const inUse = model.macroF1 > lexicon.macroF1 && model.focusF1 >= lexicon.focusF1;
  return { status: 'trained', inUse, lexicon, model, trained: fit(examples) };
}
