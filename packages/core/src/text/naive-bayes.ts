/** A labelled text's features and its label. */
export interface LabelledFeatures {
  features: readonly string[];
  label: string;
}

/**
 * A multinomial naive Bayes model over binary features, as plain data (it is stored as JSON):
 * per label the log prior and the log probability of each seen feature, and the log probability
 * of a feature the label never had (Laplace smoothing with `alpha`).
 */
export interface NaiveBayesModel {
  kind: 'naive-bayes';
  labels: string[];
  logPriors: Record<string, number>;
  logLikelihoods: Record<string, Record<string, number>>;
  logUnseen: Record<string, number>;
}

/**
 * Trains naive Bayes: P(label) = count/total; P(feature | label) = (n(feature, label) + alpha) /
 * (n(label) + alpha * |vocabulary|), where n counts feature occurrences in the label's texts.
 */
export function trainNaiveBayes(examples: readonly LabelledFeatures[], alpha = 1): NaiveBayesModel {
  const labels = [...new Set(examples.map((e) => e.label))].sort();
  const vocabulary = new Set(examples.flatMap((e) => e.features));
  const model: NaiveBayesModel = { kind: 'naive-bayes', labels, logPriors: {}, logLikelihoods: {}, logUnseen: {} };
  for (const label of labels) {
    const mine = examples.filter((e) => e.label === label);
    const counts = new Map<string, number>();
    for (const example of mine) for (const feature of example.features) counts.set(feature, (counts.get(feature) ?? 0) + 1);
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    const denominator = total + alpha * vocabulary.size;
    model.logPriors[label] = Math.log(mine.length / examples.length);
    model.logLikelihoods[label] = Object.fromEntries([...counts].map(([feature, n]) => [feature, Math.log((n + alpha) / denominator)]));
    model.logUnseen[label] = Math.log(alpha / denominator);
  }
  return model;
}

/** Each label's posterior probability for a text's features; features no label saw are ignored. */
export function naiveBayesProbabilities(model: NaiveBayesModel, features: readonly string[]): Record<string, number> {
  const known = features.filter((f) => model.labels.some((label) => model.logLikelihoods[label]?.[f] !== undefined));
  const logScores = model.labels.map(
    (label) =>
      (model.logPriors[label] ?? 0) + known.reduce((sum, f) => sum + (model.logLikelihoods[label]?.[f] ?? model.logUnseen[label] ?? 0), 0),
  );
  // Softmax from the largest log score, so that long texts do not underflow to 0/0.
  const top = Math.max(...logScores);
  const weights = logScores.map((s) => Math.exp(s - top));
  const sum = weights.reduce((a, b) => a + b, 0);
  return Object.fromEntries(model.labels.map((label, i) => [label, (weights[i] ?? 0) / sum]));
}
