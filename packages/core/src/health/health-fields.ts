import { registerComputedField } from '../segments/computed-fields.js';
import { defaultQuadrantThresholds, quadrantOf, type QuadrantThresholds } from './quadrant.js';

/**
 * The topic a rule on health fields depends on: the health engine names it for an account when
 * its stored score, band or trend changes, so segments on them re-evaluate in the same batch.
 */
export const healthTopic = 'health';

/**
 * Registers the rule fields `health_score` (0-100), `health_band` and `health_trend` (`up`,
 * `down`, `flat`): of accounts under the workspace's `default` model, of people under its people's
 * model, the first person model by key (`peopleHealthModelKey`). They read what the health
 * engine stored, loaded onto the record as columns; `quadrant` from the default and `value` scores; storage's `registerHealthFieldSql` is the SQL
 * side. Returns the unregistration.
 */
export function registerHealthFields(): () => void {
  const fields = [
    { name: 'health_score', type: 'number' },
    { name: 'health_band', type: 'string' },
    { name: 'health_trend', type: 'string' },
  ] as const;
  const unregister = (['account', 'person'] as const).flatMap((target) =>
    fields.map((field) =>
      registerComputedField({
        ...field,
        target,
        topics: [healthTopic],
        read: (record) => record.columns[field.name],
      }),
    ),
  );
  // Computed from the two stored scores and the workspace's thresholds, all loaded as columns.
  unregister.push(
    registerComputedField({
      name: 'quadrant',
      type: 'string',
      target: 'account',
      topics: [healthTopic],
      read: (record) => {
        const { health_score: health, value_score: value, quadrant_thresholds: thresholds } = record.columns;
        if (typeof health !== 'number' || typeof value !== 'number') return undefined;
        return quadrantOf(value, health, (thresholds as QuadrantThresholds | undefined) ?? defaultQuadrantThresholds);
      },
    }),
  );
  return () => unregister.forEach((u) => u());
}

/**
 * The person model whose scores people's `health_score`, `health_band` and `health_trend` read:
 * the first by key of the workspace's person models (none is built in), or undefined when it has none.
 */
export function peopleHealthModelKey(models: ReadonlyArray<{ key: string; target: string }>): string | undefined {
  return models
    .filter((m) => m.target === 'person')
    .map((m) => m.key)
    .sort()[0];
}
