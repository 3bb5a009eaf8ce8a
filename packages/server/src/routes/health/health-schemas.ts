import { z } from 'zod';

const scoring = z.union([
  z
    .object({ type: z.literal('linear'), min: z.number(), max: z.number() })
    .describe('min scores 0 and max 100, clamped; min > max means lower is better'),
  z
    .object({ type: z.literal('thresholds'), steps: z.array(z.object({ min: z.number(), score: z.number() })) })
    .describe('the score of the highest step reached; 0 below all'),
]);

/** A measure as served (its checked program is internal). */
export const measureSchema = z.object({
  key: z.string(),
  name: z.string(),
  expression: z.string().optional().describe('rule-language text: a number (arithmetic over values) or a condition (1 or 0)'),
  manual: z
    .boolean()
    .optional()
    .describe('set per profile by a person (PUT /accounts/{groupId}/health/measures/{key}, or /people/{userId}/... for a person model)'),
  weight: z.number(),
  scoring: scoring.optional(),
  missing: z.enum(['skip', 'zero', 'neutral']),
});

export const healthModelSchema = z.object({
  key: z.string(),
  name: z.string(),
  target: z.enum(['account', 'person']),
  method: z.enum(['weighted', 'points', 'worst']),
  measures: z.array(measureSchema),
  bands: z.array(z.object({ key: z.string(), name: z.string(), min: z.number() })),
  version: z.number().int().describe('0 for the built-in default until it is edited'),
  predefined: z.boolean(),
  recompute: z
    .object({
      status: z.enum(['running', 'done', 'failed']),
      done: z.number().int(),
      total: z.number().int(),
      error: z.string().nullable(),
    })
    .nullable()
    .describe('the latest history recompute after a change: profiles (accounts or people, as the target says) done of total'),
});

/** The body of PUT /health-models/{key}; checked fully by the health domain, which names each field. */
export const healthModelBody = z
  .object({})
  .passthrough()
  .describe('{name, target, method, measures: [{key, name, expression | manual, weight, scoring?, missing?}], bands: [{key, name, min}]}');

/** A profile's health as served; each schema below adds the profile's external id (`groupId` or `userId`). */
const healthFields = {
  model: z.string(),
  modelVersion: z.number().int(),
  score: z.number().describe('0-100'),
  band: z.string().nullable(),
  trend: z.enum(['up', 'down', 'flat']).describe('against the score 30 days before, by 5 points or more'),
  measures: z.array(
    z.object({
      key: z.string(),
      name: z.string(),
      value: z.number().nullable().describe('null when missing'),
      score: z.number().nullable().describe('null when missing and skipped'),
      weight: z.number().describe('0 when skipped'),
      contribution: z.number().describe('what the measure adds to the score; contributions add up to it for weighted'),
    }),
  ),
  computedAt: z.date(),
};
const historyFields = {
  model: z.string(),
  days: z.array(z.object({ day: z.string(), score: z.number(), band: z.string().nullable() })),
};

export const accountHealthSchema = z.object({ groupId: z.string(), ...healthFields });
export const personHealthSchema = z.object({ userId: z.string(), ...healthFields });
export const healthHistorySchema = z.object({ groupId: z.string(), ...historyFields });
export const personHealthHistorySchema = z.object({ userId: z.string(), ...historyFields });

export const healthPreviewSchema = z.object({
  sampled: z.number().describe('accounts scored: the first ones by id, the same on every preview'),
  accounts: z.number().describe('accounts in the workspace'),
  bins: z
    .array(z.object({ from: z.number(), to: z.number(), count: z.number(), savedCount: z.number() }))
    .describe('scores in bins of ten points, under the edited model (count) and the saved one (savedCount)'),
  bands: z.array(z.object({ key: z.string(), name: z.string(), count: z.number() })),
  bandChanges: z.number().describe('sampled accounts whose band the edit would change'),
  samples: z.array(z.object({ groupId: z.string(), saved: z.number().nullable(), preview: z.number(), band: z.string().nullable() })),
});
