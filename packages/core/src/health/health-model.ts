import type { Target } from '../segments/ir.js';
import type { MeasureProgram } from './measure-expression.js';

/** How a model turns its measures into one score. */
export const healthMethods = ['weighted', 'points', 'worst'] as const;
export type HealthMethod = (typeof healthMethods)[number];

/** What a measure's score is when its value is missing: left out (the others re-weighted), 0, or 50. */
export const missingPolicies = ['skip', 'zero', 'neutral'] as const;
export type MissingPolicy = (typeof missingPolicies)[number];

/**
 * How a measure's value becomes a score of 0-100. `linear`: `min` scores 0 and `max` 100, clamped
 * (`min > max` means lower is better). `thresholds`: the score of the highest step whose `min` the
 * value reaches; below every step, 0.
 */
export type MeasureScoring =
  { type: 'linear'; min: number; max: number } | { type: 'thresholds'; steps: Array<{ min: number; score: number }> };

/** A measure as written: `expression` is rule-language text, a number or a condition; `manual` measures are set per account by a person. */
export interface MeasureDefinition {
  key: string;
  name: string;
  /** Absent for a manual measure. */
  expression?: string;
  manual?: boolean;
  weight: number;
  /** Absent: a condition scores 100 when true and 0 when false; a number is used as it is, clamped to 0-100. */
  scoring?: MeasureScoring;
  missing: MissingPolicy;
}

/** A band: an account is in the band with the highest `min` its score reaches. */
export interface HealthBand {
  key: string;
  name: string;
  min: number;
}

/** A health model as stored and served: its measures' text and their checked programs. */
export interface HealthModel {
  key: string;
  name: string;
  target: Target;
  method: HealthMethod;
  measures: Array<MeasureDefinition & { program?: MeasureProgram }>;
  bands: HealthBand[];
}
