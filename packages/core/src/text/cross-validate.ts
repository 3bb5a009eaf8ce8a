/**
 * Splits examples into `folds` folds with each label spread evenly (stratified, deterministic:
 * the i-th example of a label goes to fold i mod folds), fits on all folds but one and predicts
 * the one left out, for each fold in turn. Answers [true, predicted] for every example.
 */
export function crossValidate<T>(
  examples: readonly T[],
  labelOf: (example: T) => string,
  folds: number,
  fitAndPredict: (train: readonly T[], test: readonly T[]) => string[],
): Array<[string, string]> {
  const seen = new Map<string, number>();
  const foldOf = examples.map((example) => {
    const label = labelOf(example);
    const index = seen.get(label) ?? 0;
    seen.set(label, index + 1);
    return index % folds;
  });
  const pairs: Array<[string, string]> = [];
  for (let fold = 0; fold < folds; fold += 1) {
    const test = examples.filter((_, i) => foldOf[i] === fold);
    if (test.length === 0) continue;
    const predicted = fitAndPredict(
      examples.filter((_, i) => foldOf[i] !== fold),
      test,
    );
    test.forEach((example, i) => pairs.push([labelOf(example), predicted[i] ?? '']));
  }
  return pairs;
}
