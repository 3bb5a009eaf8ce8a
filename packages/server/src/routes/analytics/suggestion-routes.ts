import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { suggestKmeansSegments, suggestRfmSegments, type SuggestionProblem } from '@strata/engine';
import { AppError } from '../../http/app-error.js';
import type { Authenticated } from '../../http/management-auth.js';

const suggestionRequest = z.object({
  target: z.enum(['person', 'account']),
  method: z.enum(['kmeans', 'rfm']),
  features: z
    .array(z.string().min(1).max(200))
    .min(1)
    .max(50)
    .optional()
    .describe('k-means: feature keys; all the workspace offers when absent'),
  k: z.number().int().optional().describe('k-means: number of clusters, 2 to 12; chosen by silhouette (2 to 8) when absent'),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2_147_483_647)
    .optional()
    .describe('sample and k-means seed; the same seed and data give the same answer'),
  event: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('RFM: the purchase event, whose `amount` property is the money; order_completed by default'),
});

const suggestionSchema = z.object({
  name: z.string(),
  method: z.enum(['kmeans', 'rfm']),
  rule: z.string().describe('an editable rule in the rule language'),
  size: z.number().int().describe('sampled profiles in the group'),
  share: z.number().describe('share of the sample in the group'),
  fidelity: z.object({
    precision: z.number().describe("share of the rule's sampled members that are in the group"),
    recall: z.number().describe('share of the group the rule selects'),
  }),
  distinguishing: z.array(z.object({ feature: z.string(), value: z.number().nullable(), rest: z.number().nullable() })),
  segment: z
    .object({ key: z.string(), name: z.string(), target: z.enum(['person', 'account']), rule: z.string() })
    .describe('a ready POST /api/v1/segments body'),
  sampled: z.number().int().describe('profiles the suggestion was computed on'),
  k: z.number().int().describe('clusters (k-means) or groups (RFM) found'),
  silhouette: z.number().nullable().describe('k-means: mean silhouette of the clustering, -1 to 1; null for RFM'),
});

/** A suggestion request the engine refused, naming the field at fault. */
function suggestionProblemError(problem: SuggestionProblem): AppError {
  switch (problem.code) {
    case 'unknown-feature':
      return new AppError(
        'INVALID_INPUT',
        `features: unknown ${problem.unknown.map((f) => `"${f}"`).join(', ')}; this workspace offers ${problem.known.join(', ')}`,
        { field: 'features', unknown: problem.unknown, known: problem.known },
      );
    case 'k-out-of-range':
      return new AppError(
        'INVALID_INPUT',
        `k: ${problem.k} is out of range; give 2 to ${problem.max}, or leave it out to choose by silhouette`,
        {
          field: 'k',
        },
      );
    case 'unknown-event':
      return new AppError(
        'INVALID_INPUT',
        `event: no "${problem.event}" events with a number property "amount" in this workspace; name the purchase event`,
        { field: 'event' },
      );
  }
}

/** Suggested segments: groups found in the data, each as an editable rule ready to create. */
export function registerSuggestionRoutes(app: FastifyInstance, deps: { auth: Authenticated }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post(
    '/analytics/suggestions',
    {
      schema: {
        operationId: 'suggestSegments',
        summary: 'Segments found in a sample of profiles (k-means or RFM), each as a rule with its fidelity and a ready segment body',
        security: [{ bearer: [] }],
        tags: ['analytics'],
        body: suggestionRequest,
        response: { 200: z.array(suggestionSchema) },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'segments:read');
      const body = request.body;
      const outcome =
        body.method === 'kmeans'
          ? await suggestKmeansSegments(scope, { target: body.target, features: body.features, k: body.k, seed: body.seed })
          : await suggestRfmSegments(scope, { target: body.target, event: body.event, seed: body.seed });
      if (!outcome.ok) throw suggestionProblemError(outcome.problem);
      const { suggestions, k, silhouette, sampled } = outcome.value;
      return suggestions.map((s) => ({ ...s, sampled, k, silhouette: body.method === 'kmeans' ? silhouette : null }));
    },
  );
}
