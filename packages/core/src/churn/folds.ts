/**
 * Assigns each example a fold so each outcome is spread evenly (stratified) and deterministically:
 * the i-th example of an outcome goes to fold i mod folds. Same rule as the text models' folds.
 */
export function stratifiedFolds(outcomes: readonly number[], folds: number): number[] {
  const seen = new Map<number, number>();
  return outcomes.map((y) => {
    const index = seen.get(y) ?? 0;
    seen.set(y, index + 1);
    return index % folds;
  });
}

/**
 * Fits on all folds but one and scores the one left out, for each fold in turn: every example
 * gets a score from a model that never saw it.
 */
export function outOfFoldScores<T>(
  examples: readonly T[],
  foldOf: readonly number[],
  folds: number,
  fitAndScore: (train: readonly T[], trainIndexes: readonly number[], test: readonly T[]) => number[],
): number[] {
  const scores = Array<number>(examples.length).fill(0);
  for (let fold = 0; fold < folds; fold += 1) {
    const testIndexes = examples.map((_, i) => i).filter((i) => foldOf[i] === fold);
    if (testIndexes.length === 0) continue;
    const trainIndexes = examples.map((_, i) => i).filter((i) => foldOf[i] !== fold);
    const predicted = fitAndScore(
      trainIndexes.map((i) => examples[i]!),
      trainIndexes,
      testIndexes.map((i) => examples[i]!),
    );
    testIndexes.forEach((i, k) => (scores[i] = predicted[k]!));
  }
  return scores;
}

/**
 * Folds by group when examples share one (the same account at several snapshots): every example
 * of a group lands in the same fold, so a model never scores an account it saw in training.
 * Groups take folds in order of first appearance.
 */
export function groupedFolds(groups: readonly string[], folds: number): number[] {
  const foldOfGroup = new Map<string, number>();
  return groups.map((group) => {
    if (!foldOfGroup.has(group)) foldOfGroup.set(group, foldOfGroup.size % folds);
    return foldOfGroup.get(group)!;
  });
}

/** The folds of examples: grouped when they carry groups, else stratified by outcome. */
export function foldsOf(outcomes: readonly number[], groups: readonly string[] | undefined, folds: number): number[] {
  return groups === undefined ? stratifiedFolds(outcomes, folds) : groupedFolds(groups, folds);
}
