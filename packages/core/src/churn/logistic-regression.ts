import { Matrix, solve } from 'ml-matrix';

/** Intercept and one weight per input column, in the units of the inputs the fit was given. */
export interface LogisticCoefficients {
  intercept: number;
  weights: number[];
}

export interface LogisticFitOptions {
  /** Strength of the L2 penalty (l2/2 · Σ weight²) added to the summed log-loss; the intercept is not penalised. */
  l2: number;
  maxIterations?: number;
}

const sigmoid = (t: number) => (t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t)));

/** The probability the coefficients give one row of inputs. */
export function logisticProbability(coefficients: LogisticCoefficients, row: readonly number[]): number {
  return sigmoid(coefficients.weights.reduce((sum, w, j) => sum + w * row[j]!, coefficients.intercept));
}

/**
 * Fits L2-regularised logistic regression by Newton's method (iteratively reweighted least
 * squares): the penalised log-loss is convex, so Newton converges in a few steps from zero. A
 * small floor on the curvature keeps the system solvable when a class is perfectly separated.
 */
export function fitLogisticRegression(
  rows: readonly (readonly number[])[],
  outcomes: readonly number[],
  options: LogisticFitOptions,
): LogisticCoefficients {
  const n = rows.length;
  const width = (rows[0]?.length ?? 0) + 1;
  const x = new Matrix(rows.map((row) => [1, ...row]));
  const penalty = Matrix.eye(width, width).mul(options.l2);
  penalty.set(0, 0, 0);
  let beta = Matrix.zeros(width, 1);
  for (let iteration = 0; iteration < (options.maxIterations ?? 50); iteration += 1) {
    const p = x.mmul(beta).to1DArray().map(sigmoid);
    const gradient = new Matrix([p.map((pi, i) => pi - outcomes[i]!)]).mmul(x).transpose().add(penalty.mmul(beta));
    const weighted = new Matrix(x.to2DArray().map((row, i) => row.map((v) => v * Math.max(p[i]! * (1 - p[i]!), 1e-10))));
    const hessian = x
      .transpose()
      .mmul(weighted)
      .add(penalty)
      .add(Matrix.eye(width, width).mul(1e-9 * n));
    const step = solve(hessian, gradient);
    beta = beta.sub(step);
    if (step.abs().max() < 1e-10) break;
  }
  const [intercept, ...weights] = beta.to1DArray();
  return { intercept: intercept!, weights };
}
