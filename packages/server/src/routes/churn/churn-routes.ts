import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requestChurnTraining } from '@strata/engine';
import {
  findChurnModel,
  findChurnScoreByGroupId,
  findSegment,
  inWorkspaceTransaction,
  recordAudit,
  type ChurnModelRecord,
} from '@strata/storage';
import { AppError } from '../../http/app-error.js';
import type { Authenticated } from '../../http/management-auth.js';
import { auditBy } from '../audit/index.js';

const contributionSchema = z.object({
  feature: z.string(),
  value: z.union([z.number(), z.string()]).nullable().describe("the account's value; null when missing"),
  effect: z.number().describe('log-odds this feature adds to the risk against an average account (positive raises it)'),
});
const churnRiskSchema = z.object({
  probability: z.number().describe('chance the account churns within the next 90 days, 0-1'),
  band: z.enum(['low', 'medium', 'high']).describe('high from 0.5, medium from 0.2'),
  modelVersion: z.number().int(),
  trainedAt: z.date().nullable(),
  scoredAt: z.date(),
  contributions: z.array(contributionSchema).describe('largest effects first'),
});
const calibrationSchema = z.object({
  decile: z.number().int().describe('1 holds the lowest tenth of predicted probabilities, 10 the highest'),
  n: z.number().int(),
  meanPredicted: z.number(),
  observedRate: z.number(),
});
const modelSchema = z.object({
  status: z.enum(['untrained', 'queued', 'training', 'trained', 'failed']),
  version: z.number().int().describe('0 until the first model'),
  trainedAt: z.date().nullable(),
  requestedAt: z.date().nullable(),
  auc: z.number().nullable().describe('ROC AUC on the held-out later period: 0.5 is chance, 1 a perfect ranking'),
  brier: z.number().nullable().describe('mean squared error of the probabilities on the held-out period: lower is better'),
  liftTopDecile: z.number().nullable().describe('churn rate of the riskiest tenth over the overall rate'),
  calibration: z.array(calibrationSchema),
  trainingSize: z.number().int().describe('examples (an account at one snapshot) the measured model learned from'),
  testedSize: z.number().int().describe('examples of the held-out later period'),
  testedChurned: z.number().int(),
  trainedAsOf: z
    .array(z.string())
    .describe('snapshots the measured model learned from: accounts as of each, labelled by churn in the horizon after'),
  testedAsOf: z.array(z.string()).describe('later snapshots held out to measure it'),
  horizonDays: z.number().int().nullable(),
  features: z.array(z.string()),
  leaks: z.array(z.object({ feature: z.string(), auc: z.number(), kept: z.boolean() })).describe('features that alone reach AUC 0.95'),
  identifiers: z.array(z.string()).describe('categories left out because they name the account (about one value per account)'),
  keepFeatures: z.array(z.string()).describe('leaks the workspace keeps in the model anyway'),
  labelSegment: z
    .string()
    .nullable()
    .describe("the account segment whose first entry is an account's churn; null: churn is read from churned_at and the statuses"),
  warnings: z.array(z.object({ code: z.string(), message: z.string() })),
  scoring: z
    .object({ done: z.number().int(), total: z.number().int() })
    .nullable()
    .describe("progress of scoring the workspace's accounts"),
  error: z.string().nullable(),
});

function modelView(record: ChurnModelRecord | undefined): z.output<typeof modelSchema> {
  const assessment = record?.assessment ?? null;
  return {
    status: record?.status ?? 'untrained',
    version: record?.version ?? 0,
    trainedAt: record?.trainedAt ?? null,
    requestedAt: record?.requestedAt ?? null,
    auc: assessment?.quality.auc ?? null,
    brier: assessment?.quality.brier ?? null,
    liftTopDecile: assessment?.quality.liftTopDecile ?? null,
    calibration: assessment?.quality.calibration ?? [],
    trainingSize: assessment?.trainingSize ?? 0,
    testedSize: assessment?.quality.n ?? 0,
    testedChurned: assessment?.quality.positives ?? 0,
    trainedAsOf: assessment?.trainedAsOf ?? [],
    testedAsOf: assessment?.testedAsOf ?? [],
    horizonDays: assessment?.horizonDays ?? null,
    features: assessment?.features ?? [],
    leaks: assessment?.leaks ?? [],
    identifiers: assessment?.identifiers ?? [],
    keepFeatures: record?.keepFeatures ?? [],
    labelSegment: record?.labelSegment ?? null,
    warnings: assessment?.warnings ?? [],
    scoring: record?.toScore == null ? null : { done: record.scored ?? 0, total: record.toScore },
    error: record?.error ?? null,
  };
}

/** Churn risk: an account's score with its reasons, the workspace model's measured quality, training on demand. */
export function registerChurnRoutes(app: FastifyInstance, deps: { auth: Authenticated }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/accounts/:groupId/churn-risk',
    {
      schema: {
        operationId: 'getAccountChurnRisk',
        summary: "An account's churn risk (next 90 days) and the features behind it, largest effects first",
        security: [{ bearer: [] }],
        tags: ['accounts'],
        params: z.object({ groupId: z.string().min(1) }),
        response: { 200: churnRiskSchema },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'people:read');
      const score = await findChurnScoreByGroupId(scope, request.params.groupId);
      if (!score)
        throw new AppError(
          'NOT_FOUND',
          `no churn risk for account "${request.params.groupId}": the account is unknown, churned, or not scored yet (POST /api/v1/churn-model/train scores every account)`,
        );
      const model = await findChurnModel(scope);
      return {
        probability: score.probability,
        band: score.band,
        modelVersion: score.modelVersion,
        trainedAt: model?.version === score.modelVersion ? model.trainedAt : null,
        scoredAt: score.scoredAt,
        contributions: score.contributions,
      };
    },
  );
  api.get(
    '/churn-model',
    {
      schema: {
        operationId: 'getChurnModel',
        summary: "The workspace's churn model: quality on a held-out later period, training size, warnings and leaks",
        security: [{ bearer: [] }],
        tags: ['churn'],
        response: { 200: modelSchema },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'settings:read');
      return modelView(await findChurnModel(scope));
    },
  );
  api.post(
    '/churn-model/train',
    {
      schema: {
        operationId: 'trainChurnModel',
        summary: 'Train the churn model now and rescore every account, as a background job (GET /api/v1/churn-model shows progress)',
        security: [{ bearer: [] }],
        tags: ['churn'],
        body: z
          .object({
            keep: z
              .array(z.string().min(1).max(200))
              .max(100)
              .optional()
              .describe('features to keep even when the leak guard would leave them out; replaces the list kept so far'),
            labelSegment: z
              .string()
              .min(1)
              .max(200)
              .nullable()
              .optional()
              .describe(
                'an account segment: an account churned when it first entered it (its membership history); null returns to the traits; kept for later runs',
              ),
          })
          .default({}),
        response: { 202: modelSchema },
      },
    },
    async (request, reply) => {
      const caller = await deps.auth(request, 'settings:write');
      const { keep, labelSegment } = request.body;
      if (labelSegment) {
        const segment = await findSegment(caller.scope, labelSegment);
        if (segment?.target !== 'account')
          throw new AppError(
            'INVALID_INPUT',
            `labelSegment: ${segment ? `"${labelSegment}" is a segment of people` : `no segment "${labelSegment}"`}; name an account segment (GET /api/v1/segments lists them)`,
            [{ field: 'labelSegment', code: 'invalid-value', message: 'must name an account segment' }],
          );
      }
      await inWorkspaceTransaction(caller.scope, async (tx) => {
        await requestChurnTraining(tx, {
          ...(keep === undefined ? {} : { keep }),
          ...(labelSegment === undefined ? {} : { labelSegment }),
        });
        await recordAudit(tx, {
          ...auditBy(request, caller),
          kind: 'churn-model.train-requested',
          subject: 'churn-model',
          before: null,
          after: { ...request.body },
        });
      });
      return reply.status(202).send(modelView(await findChurnModel(caller.scope)));
    },
  );
}
