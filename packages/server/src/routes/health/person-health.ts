import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Authenticated } from '../../http/management-auth.js';
import { personHealthHistorySchema, personHealthSchema } from './health-schemas.js';
import {
  day,
  personModelQuery as modelQuery,
  readProfileHealth,
  readProfileHistory,
  resolveHealthProfile,
  setManualMeasure,
} from './profile-health.js';

const userParams = z.object({ userId: z.string().min(1) });

/**
 * A person's health under a person model (default: the one people's rule fields read, the first
 * person model by key): score, band, trend and each measure's part; daily history; hand-set measures.
 */
export function registerPersonHealthRoutes(app: FastifyInstance, deps: { auth: Authenticated }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/people/:userId/health',
    {
      schema: {
        operationId: 'getPersonHealth',
        summary:
          "A person's health under a person model (default: the first person model by key): score, band, trend, and each measure's value, score, weight and contribution",
        tags: ['health'],
        params: userParams,
        querystring: modelQuery,
        response: { 200: personHealthSchema },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'people:read');
      const { userId } = request.params;
      const { profileId, model } = await resolveHealthProfile(scope, 'person', userId, request.query.model);
      return { userId, ...(await readProfileHealth(scope, model, profileId)) };
    },
  );
  api.get(
    '/people/:userId/health/history',
    {
      schema: {
        operationId: 'getPersonHealthHistory',
        summary: "A person's daily scores under a person model between two days (UTC, both included; default the last 90 days)",
        tags: ['health'],
        params: userParams,
        querystring: modelQuery.extend({ from: day.optional(), to: day.optional() }),
        response: { 200: personHealthHistorySchema },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'people:read');
      const { userId } = request.params;
      const { profileId, model } = await resolveHealthProfile(scope, 'person', userId, request.query.model);
      return { userId, ...(await readProfileHistory(scope, model, profileId, request.query)) };
    },
  );
  api.put(
    '/people/:userId/health/measures/:measure',
    {
      schema: {
        operationId: 'setPersonManualHealthMeasure',
        summary: "Set a manual measure's value for a person (who and when are kept); the person is rescored",
        tags: ['health'],
        params: userParams.extend({ measure: z.string().min(1).max(64) }),
        querystring: modelQuery,
        body: z.object({ value: z.number().finite() }),
        response: { 200: personHealthSchema },
      },
    },
    async (request) => {
      const caller = await deps.auth(request, 'health:write');
      const { userId, measure } = request.params;
      const found = await resolveHealthProfile(caller.scope, 'person', userId, request.query.model);
      return { userId, ...(await setManualMeasure(request, caller, found, measure, request.body.value, userId)) };
    },
  );
}
