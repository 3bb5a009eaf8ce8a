import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { recomputeAccountHealth, utcDay, workspaceHealthModel, type AccountHealth, type WorkspaceHealthModel } from '@strata/engine';
import {
  findAccountHealth,
  findAccountIdByGroupId,
  inWorkspaceTransaction,
  listHealthDays,
  lockProfiles,
  recordAudit,
  saveManualHealthValue,
  type WorkspaceScope,
} from '@strata/storage';
import type { MeasureResult } from '@strata/core';
import { AppError } from '../../http/app-error.js';
import type { Authenticated } from '../../http/management-auth.js';
import { auditActor, auditBy } from '../audit/index.js';
import { accountHealthSchema, healthHistorySchema } from './health-schemas.js';

const groupParams = z.object({ groupId: z.string().min(1) });
const modelQuery = z.object({ model: z.string().min(1).max(64).default('default') });
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD')
  // A real calendar day of years 1000-9999, the dates the rule language knows.
  .refine((d) => {
    const at = Date.parse(`${d}T00:00:00Z`);
    return d >= '1000' && !Number.isNaN(at) && new Date(at).toISOString().slice(0, 10) === d;
  }, 'a day that exists, as YYYY-MM-DD');

async function resolve(
  scope: WorkspaceScope,
  groupId: string,
  modelKey: string,
): Promise<{ accountId: string; model: WorkspaceHealthModel }> {
  const accountId = await findAccountIdByGroupId(scope, groupId);
  if (!accountId) throw new AppError('NOT_FOUND', `no account with groupId "${groupId}"`);
  const model = await workspaceHealthModel(scope, modelKey);
  if (!model) throw new AppError('NOT_FOUND', `no health model "${modelKey}": list them with GET /health-models`);
  if (model.target !== 'account')
    throw new AppError('INVALID_INPUT', `health model "${modelKey}" scores people, not accounts: choose an account model`);
  return { accountId, model };
}

/** Rescores one account now, in a transaction holding its lock (the live engine's lock). */
async function rescore(scope: WorkspaceScope, model: WorkspaceHealthModel, accountId: string): Promise<AccountHealth> {
  return inWorkspaceTransaction(scope, async (tx) => {
    await lockProfiles(tx, [accountId]);
    return (await recomputeAccountHealth(tx, model, [accountId])).results[0]!;
  });
}

const view = (groupId: string, h: AccountHealth): z.output<typeof accountHealthSchema> => ({
  groupId,
  model: h.model,
  modelVersion: h.modelVersion,
  score: h.score,
  band: h.band,
  trend: h.trend,
  measures: h.measures.map((m) => ({ ...m, value: m.value ?? null, score: m.score ?? null })),
  computedAt: h.computedAt,
});

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
      const { accountId, model } = await resolve(scope, request.params.groupId, request.query.model);
      const [stored] = await findAccountHealth(scope, model.key, [accountId]);
      // Scored on first read when the engine has not scored it under this version yet.
      if (!stored || stored.modelVersion !== model.version) return view(request.params.groupId, await rescore(scope, model, accountId));
      return view(request.params.groupId, {
        accountId,
        model: stored.modelKey,
        modelVersion: stored.modelVersion,
        score: stored.score,
        band: stored.band,
        trend: stored.trend,
        measures: stored.measures as MeasureResult[],
        computedAt: stored.computedAt,
      });
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
      const { accountId, model } = await resolve(scope, request.params.groupId, request.query.model);
      const to = request.query.to ?? utcDay(scope.clock());
      const from = request.query.from ?? utcDay(new Date(Date.parse(`${to}T00:00:00Z`) - 89 * 86_400_000));
      if (from > to) throw new AppError('INVALID_INPUT', `from (${from}) is after to (${to}): swap them`);
      const days = await listHealthDays(scope, model.key, accountId, from, to);
      return { groupId: request.params.groupId, model: model.key, days: days.map((d) => ({ day: d.day, score: d.score, band: d.band })) };
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
      const { accountId, model } = await resolve(caller.scope, request.params.groupId, request.query.model);
      const measure = model.measures.find((m) => m.key === request.params.measure);
      if (!measure?.manual)
        throw new AppError(
          'INVALID_INPUT',
          `model "${model.key}" has no manual measure "${request.params.measure}": manual measures are ${
            model.measures
              .filter((m) => m.manual)
              .map((m) => m.key)
              .join(', ') || 'none'
          }`,
        );
      const actor = auditActor(caller.actor);
      await inWorkspaceTransaction(caller.scope, async (tx) => {
        await saveManualHealthValue(tx, {
          modelKey: model.key,
          accountId,
          measureKey: measure.key,
          value: request.body.value,
          setBy: actor.label ?? actor.id ?? actor.kind,
          setAt: tx.clock(),
        });
        await recordAudit(tx, {
          ...auditBy(request, caller),
          kind: 'health-measure.set',
          subject: `${model.key}/${measure.key}/${request.params.groupId}`,
          before: null,
          after: { value: request.body.value },
        });
      });
      return view(request.params.groupId, await rescore(caller.scope, model, accountId));
    },
  );
}
