import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { healthTopic, quadrants } from '@strata/core';
import { quadrantPoints } from '@strata/engine';
import { enqueueSegmentWork, inWorkspaceTransaction, readQuadrantThresholds, recordAudit, writeQuadrantThresholds } from '@strata/storage';
import { AppError } from '../../http/app-error.js';
import type { Authenticated } from '../../http/management-auth.js';
import { auditBy } from '../audit/index.js';

const score = z.number().min(0).max(100);
const thresholdsSchema = z.object({
  highValue: score.describe('a value score at or above it is high value'),
  healthy: score.describe('a health score at or above it is healthy'),
  poorHealth: score.describe('a health score below it is poor: at-risk whatever the value'),
});
const settingsSchema = z.object({ quadrant: thresholdsSchema });

/** The value x health quadrant: every account's point, and the thresholds that split them (a workspace setting). */
export function registerQuadrantRoutes(app: FastifyInstance, deps: { auth: Authenticated }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/analytics/quadrant',
    {
      schema: {
        operationId: 'getQuadrant',
        summary: "Every account's value score, health score (default model) and quadrant, for a scatter plot",
        tags: ['health'],
        response: {
          200: z.array(z.object({ groupId: z.string(), value: z.number(), health: z.number(), quadrant: z.enum(quadrants) })),
        },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'segments:read');
      return quadrantPoints(scope);
    },
  );
  api.get(
    '/settings/health',
    {
      schema: {
        operationId: 'getHealthSettings',
        summary: "The quadrant's thresholds",
        tags: ['health'],
        response: { 200: settingsSchema },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'settings:read');
      return { quadrant: await readQuadrantThresholds(scope) };
    },
  );
  api.put(
    '/settings/health',
    {
      schema: {
        operationId: 'putHealthSettings',
        summary: "Set the quadrant's thresholds; segments on `quadrant` follow",
        tags: ['health'],
        body: settingsSchema,
        response: { 200: settingsSchema },
      },
    },
    async (request) => {
      const caller = await deps.auth(request, 'health:write');
      const t = request.body.quadrant;
      if (t.poorHealth > t.healthy)
        throw new AppError(
          'INVALID_INPUT',
          `quadrant.poorHealth (${t.poorHealth}) is above quadrant.healthy (${t.healthy}): lower it or raise healthy`,
          [{ field: 'quadrant.poorHealth', code: 'invalid-value', message: 'must be at most quadrant.healthy' }],
        );
      await inWorkspaceTransaction(caller.scope, async (tx) => {
        const before = await readQuadrantThresholds(tx);
        await writeQuadrantThresholds(tx, t);
        // Every account's quadrant may move: rules reading it re-evaluate through the live engine.
        const accounts = await tx.db.selectFrom('accounts').select('account_id').where('workspace_id', '=', tx.workspaceId).execute();
        await enqueueSegmentWork(
          tx,
          accounts.map((a) => ({
            target: 'account' as const,
            profileId: a.account_id,
            topics: [healthTopic],
            cause: { kind: 'rule-change' as const, version: 0 },
          })),
        );
        await recordAudit(tx, { ...auditBy(request, caller), kind: 'health-settings.saved', subject: 'quadrant', before, after: t });
      });
      return { quadrant: t };
    },
  );
}
