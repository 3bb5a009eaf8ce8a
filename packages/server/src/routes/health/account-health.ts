import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Authenticated } from '../../http/management-auth.js';
import { accountHealthSchema, healthHistorySchema } from './health-schemas.js';
import { day, modelQuery, readProfileHealth, readProfileHistory, resolveHealthProfile, setManualMeasure } from './profile-health.js';

const groupParams = z.object({ groupId: z.string().min(1) });

/** An account's health: score, band, trend and each measure's part; its daily history; hand-set measures. */
export function registerAccountHealthRoutes(app: FastifyInstance, deps: { auth: Authenticated }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/accounts/:groupId/health',
    {
      schema: {
        operationId: 'getAccountHealth',
        summary:
          "An account's health under a model (default: `default`): score, band, trend, and each measure's value, score, weight and contribution",
        tags: ['health'],
        params: groupParams,
        querystring: modelQuery,
        response: { 200: accountHealthSchema },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'people:read');
      const { groupId } = request.params;
      const { profileId, model } = await resolveHealthProfile(scope, 'account', groupId, request.query.model);
      return { groupId, ...(await readProfileHealth(scope, model, profileId)) };
    },
  );
  api.get(
    '/accounts/:groupId/health/history',
    {
      schema: {
        operationId: 'getAccountHealthHistory',
        summary: "An account's daily scores under a model between two days (UTC, both included; default the last 90 days)",
        tags: ['health'],
        params: groupParams,
        querystring: modelQuery.extend({ from: day.optional(), to: day.optional() }),
        response: { 200: healthHistorySchema },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'people:read');
      const { groupId } = request.params;
      const { profileId, model } = await resolveHealthProfile(scope, 'account', groupId, request.query.model);
      return { groupId, ...(await readProfileHistory(scope, model, profileId, request.query)) };
    },
  );
  api.put(
    '/accounts/:groupId/health/measures/:measure',
    {
      schema: {
        operationId: 'setManualHealthMeasure',
        summary: "Set a manual measure's value for an account (who and when are kept); the account is rescored",
        tags: ['health'],
        params: groupParams.extend({ measure: z.string().min(1).max(64) }),
        querystring: modelQuery,
        body: z.object({ value: z.number().finite() }),
        response: { 200: accountHealthSchema },
      },
    },
    async (request) => {
      const caller = await deps.auth(request, 'health:write');
      const { groupId, measure } = request.params;
      const found = await resolveHealthProfile(caller.scope, 'account', groupId, request.query.model);
      return { groupId, ...(await setManualMeasure(request, caller, found, measure, request.body.value, groupId)) };
    },
  );
}
