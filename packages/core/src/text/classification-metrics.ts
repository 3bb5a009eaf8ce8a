/** How well predicted labels match the true ones. */
export interface ClassificationQuality {
  /** Number of labelled texts the numbers are measured on. */
  samples: number;
  accuracy: number;
  /** Mean of the per-label F1 over the labels that occur (in the truth or the predictions). */
  macroF1: number;
  /** F1 of one label of interest (for sentiment, "negative": the tickets that need attention). */
  focusF1: number;
}

/** Accuracy, macro-F1 and the F1 of `focus` over pairs of [true, predicted] labels. */
export function classificationQuality(pairs: ReadonlyArray<readonly [string, string]>, focus: string): ClassificationQuality {
  const labels = [...new Set(pairs.flat())];
  const f1 = (label: string) => {
    const truePositives = pairs.filter(([truth, predicted]) => truth === label && predicted === label).length;
    const predictedCount = pairs.filter(([, predicted]) => predicted === label).length;
    const actualCount = pairs.filter(([truth]) => truth === label).length;
    return predictedCount + actualCount === 0 ? 0 : (2 * truePositives) / (predictedCount + actualCount);
  };
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    samples: pairs.length,
    accuracy: round(pairs.length === 0 ? 0 : pairs.filter(([t, p]) => t === p).length / pairs.length),
    macroF1: round(labels.length === 0 ? 0 : labels.reduce((sum, label) => sum + f1(label), 0) / labels.length),
    focusF1: round(f1(focus)),
  };
}
