import type { HealthBand, HealthMethod, MeasureDefinition, MeasureScoring } from './health-model.js';

/** A measure's part of a score: its value (undefined: missing), its score 0-100, its weight and what it adds. */
export interface MeasureResult {
  key: string;
  name: string;
  value: number | undefined;
  /** Undefined when missing and skipped. */
  score: number | undefined;
  /** The weight it counted with: 0 when skipped. */
  weight: number;
  contribution: number;
}

export interface HealthResult {
  score: number;
  band: string | undefined;
  measures: MeasureResult[];
}

const clamp = (x: number) => Math.min(100, Math.max(0, x));

/** The score of a value under a scoring; without one, the value itself clamped to 0-100 (a condition gives 0 or 100 by its value of 0 or 1). */
export function scoreValue(value: number, scoring: MeasureScoring | undefined, isCondition: boolean): number {
  if (!scoring) return isCondition ? value * 100 : clamp(value);
  switch (scoring.type) {
    case 'linear':
      // min > max: lower is better, the same line read from the other end.
      return scoring.min === scoring.max
        ? value >= scoring.max
          ? 100
          : 0
        : clamp(((value - scoring.min) / (scoring.max - scoring.min)) * 100);
    case 'thresholds': {
      let score = 0;
      let reached = -Infinity;
      for (const step of scoring.steps)
        if (value >= step.min && step.min >= reached) {
          reached = step.min;
          score = step.score;
        }
      return clamp(score);
    }
  }
}

const neutralScore = 50;

/** A measure's score under its missing-data policy; undefined means left out. */
function scoreOrPolicy(measure: MeasureDefinition, value: number | undefined, isCondition: boolean): number | undefined {
  if (value !== undefined) return scoreValue(value, measure.scoring, isCondition);
  switch (measure.missing) {
    case 'skip':
      return undefined;
    case 'zero':
      return 0;
    case 'neutral':
      return neutralScore;
  }
}

/** Combines scored measures into the model's score; each method says what each measure contributes. */
const combine: Record<
  HealthMethod,
  (scored: Array<{ score: number | undefined; weight: number }>) => { score: number; contributions: number[] }
> = {
  // A weighted mean over the measures that have a score: skipped ones drop out and the rest re-weight.
  weighted: (scored) => {
    const total = scored.reduce((sum, m) => sum + (m.score === undefined ? 0 : m.weight), 0);
    const contributions = scored.map((m) => (m.score === undefined || total === 0 ? 0 : (m.weight * m.score) / total));
    return { score: contributions.reduce((a, b) => a + b, 0), contributions };
  },
  // Each measure adds its weight in points at a score of 100 (a true condition), in proportion below; capped at 100.
  points: (scored) => {
    const contributions = scored.map((m) => (m.score === undefined ? 0 : (m.weight * m.score) / 100));
    return { score: clamp(contributions.reduce((a, b) => a + b, 0)), contributions };
  },
  // The worst scored measure decides; it carries the whole score.
  worst: (scored) => {
    let worst = -1;
    for (const [i, m] of scored.entries()) if (m.score !== undefined && (worst < 0 || m.score < scored[worst]!.score!)) worst = i;
    const score = worst < 0 ? 0 : scored[worst]!.score!;
    return { score, contributions: scored.map((_, i) => (i === worst ? score : 0)) };
  },
};

/**
 * Scores measure values (undefined: missing) with a model's method, policies and bands. With no
 * measure scored, the score is 0. Example: weighted, usage 80 (weight 2) and CSAT 50 (weight 1)
 * give (2·80 + 1·50) / 3 = 70.
 */
export function scoreHealth(
  model: { method: HealthMethod; measures: readonly MeasureDefinition[]; bands: readonly HealthBand[] },
  values: ReadonlyMap<string, number | undefined>,
  isCondition: (measure: MeasureDefinition) => boolean = () => false,
): HealthResult {
  const scored = model.measures.map((m) => {
    const value = values.get(m.key);
    const score = scoreOrPolicy(m, value, isCondition(m));
    return { measure: m, value, score, weight: score === undefined ? 0 : m.weight };
  });
  const { score, contributions } = combine[model.method](scored);
  return {
    score,
    band: bandOf(model.bands, score),
    measures: scored.map((s, i) => ({
      key: s.measure.key,
      name: s.measure.name,
      value: s.value,
      score: s.score,
      weight: s.weight,
      contribution: contributions[i]!,
    })),
  };
}

/** The band with the highest `min` the score reaches; undefined when below all. */
export function bandOf(bands: readonly HealthBand[], score: number): string | undefined {
  let best: HealthBand | undefined;
  for (const band of bands) if (score >= band.min && (!best || band.min > best.min)) best = band;
  return best?.key;
}

/** Whether a score went up, down or stayed (within `flat` points) since an earlier one; flat without an earlier one. */
export function healthTrend(now: number, earlier: number | undefined, flat = 5): 'up' | 'down' | 'flat' {
  if (earlier === undefined || Math.abs(now - earlier) < flat) return 'flat';
  return now > earlier ? 'up' : 'down';
}
