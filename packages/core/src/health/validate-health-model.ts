import { z } from 'zod';
import type { Diagnostic } from '../segments/diagnostics.js';
import type { FieldSchema } from '../segments/field-schema.js';
import { healthMethods, missingPolicies, type HealthModel } from './health-model.js';
import { checkMeasureExpression } from './measure-expression.js';

/** A mistake in a health model: the field it is in (`measures[1].expression`), a stable code, what to do; rule mistakes carry their span. */
export interface HealthModelIssue {
  field: string;
  code: string;
  message: string;
  span?: Diagnostic['span'];
}

const key = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'use lowercase letters, digits and dashes (at most 64)');
const finite = z.number().finite();
const scoring = z.discriminatedUnion('type', [
  z.object({ type: z.literal('linear'), min: finite, max: finite }),
  z.object({
    type: z.literal('thresholds'),
    steps: z.array(z.object({ min: finite, score: finite.min(0).max(100) })).min(1, 'give at least one step {min, score}'),
  }),
]);
const measure = z.object({
  key,
  name: z.string().min(1, 'give the measure a name').max(200),
  expression: z.string().max(10_000).optional(),
  manual: z.boolean().optional(),
  weight: finite.min(0, 'weights are 0 or more').max(1000),
  scoring: scoring.optional(),
  missing: z.enum(missingPolicies).default('skip'),
});
const modelInput = z.object({
  name: z.string().min(1, 'give the model a name').max(200),
  target: z.enum(['account', 'person']).default('account'),
  method: z.enum(healthMethods),
  measures: z.array(measure).min(1, 'add at least one measure').max(50),
  bands: z
    .array(z.object({ key, name: z.string().min(1).max(200), min: finite.min(0).max(100) }))
    .min(1, 'add at least one band {key, name, min}'),
});

/** What a client sends to create or replace a model. */
export type HealthModelInput = z.input<typeof modelInput>;

const fieldOf = (path: readonly PropertyKey[]) =>
  path.reduce<string>(
    (text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part)),
    '',
  );

/**
 * Checks a model sent by a client against the workspace's fields and reports every mistake at
 * once, each naming its field; measure expressions are checked like segment rules.
 */
export function validateHealthModel(
  modelKey: string,
  input: unknown,
  schema: FieldSchema,
): { ok: true; model: HealthModel } | { ok: false; issues: HealthModelIssue[] } {
  const issues: HealthModelIssue[] = [];
  if (!key.safeParse(modelKey).success)
    issues.push({ field: 'key', code: 'invalid-value', message: 'the model key must use lowercase letters, digits and dashes' });
  const parsed = modelInput.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) issues.push({ field: fieldOf(issue.path), code: 'invalid-value', message: issue.message });
    return { ok: false, issues };
  }
  const { measures, bands, ...rest } = parsed.data;
  const checked: HealthModel['measures'] = [];
  for (const [i, m] of measures.entries()) {
    const { expression, manual, scoring: measureScoring, ...common } = m;
    if (measures.findIndex((other) => other.key === m.key) !== i)
      issues.push({
        field: `measures[${i}].key`,
        code: 'duplicate-key',
        message: `measure key "${m.key}" is used twice: keys must differ`,
      });
    if (manual) {
      if (expression !== undefined)
        issues.push({
          field: `measures[${i}].expression`,
          code: 'invalid-value',
          message: 'a manual measure has no expression: remove it, or drop "manual"',
        });
      checked.push({ ...common, manual: true, ...(measureScoring ? { scoring: measureScoring } : {}) });
      continue;
    }
    if (expression === undefined) {
      issues.push({
        field: `measures[${i}].expression`,
        code: 'required',
        message: 'give an expression (a number or a condition), or set "manual": true',
      });
      continue;
    }
    const program = checkMeasureExpression(expression, { target: rest.target, schema });
    if (!program.ok) {
      for (const d of program.diagnostics)
        issues.push({ field: `measures[${i}].expression`, code: d.code, message: d.message, span: d.span });
      continue;
    }
    checked.push({ ...common, expression, program: program.program, ...(measureScoring ? { scoring: measureScoring } : {}) });
  }
  if (rest.method === 'weighted' && measures.every((m) => m.weight === 0))
    issues.push({ field: 'measures', code: 'invalid-value', message: 'every weight is 0: give at least one measure a weight above 0' });
  for (const [i, band] of bands.entries())
    if (bands.findIndex((other) => other.key === band.key) !== i)
      issues.push({ field: `bands[${i}].key`, code: 'duplicate-key', message: `band key "${band.key}" is used twice: keys must differ` });
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, model: { key: modelKey, ...rest, measures: checked, bands: [...bands].sort((a, b) => a.min - b.min) } };
}
