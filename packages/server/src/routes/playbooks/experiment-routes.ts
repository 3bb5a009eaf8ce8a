import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { playbookExperimentReadout } from '@strata/engine';
import { findPlaybook } from '@strata/storage';
import { AppError } from '../../http/app-error.js';
import type { Authenticated } from '../../http/management-auth.js';
import { noPlaybook } from './playbook-routes.js';
import { playbookKeyParams } from './playbook-schemas.js';

const n = z.number().describe('how many were measured: the sample size of every statistic of the group');
const group = {
  enrolled: z.number(),
  n,
  reached: z.number().nullable().describe('how many reached the goal (rates); null for a mean'),
  rate: z.number().nullable().describe('reached / n; null for a mean'),
  mean: z.number().nullable().describe('the mean measure (csat, tickets-per-account); null for a rate'),
};
const readoutSchema = z.object({
  playbook: z.string(),
  versions: z.array(z.number()).describe('the versions counted: every version with this same experiment'),
  holdoutPercent: z.number(),
  goal: z.object({ rule: z.string().optional(), metric: z.string().optional(), event: z.string().optional(), withinDays: z.number() }),
  kind: z.enum(['proportion', 'mean']).describe("proportion: a two-proportion z-test of rates; mean: Welch's t-test"),
  baseline: z.string().describe('what each arm is compared with: "holdout", or the first arm when nothing is held out'),
  arms: z.array(
    z.object({
      key: z.string(),
      ...group,
      lift: z.number().nullable().describe('arm minus baseline: rates as fractions, means in their unit'),
      relativeLift: z.number().nullable(),
      ci: z.tuple([z.number(), z.number()]).nullable().describe('95% interval of the lift'),
      pValue: z.number().nullable().describe('two-sided; read it with n and baselineN'),
      baselineN: z.number(),
      mde: z.number().nullable().describe('the smallest lift these sample sizes detect with 80% power at alpha 0.05'),
    }),
  ),
  holdout: z.object(group).nullable(),
  sampleRatio: z.object({ chiSquare: z.number(), degreesOfFreedom: z.number(), pValue: z.number().nullable(), mismatch: z.boolean() }),
  warnings: z.array(
    z.object({ code: z.enum(['sample-ratio-mismatch', 'too-early', 'small-sample']), message: z.string(), arm: z.string().optional() }),
  ),
});

/** The readout of a playbook's A/B test: each arm against the holdout, with its statistics and warnings. */
export function registerPlaybookExperimentRoutes(app: FastifyInstance, deps: { auth: Authenticated }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/playbooks/:key/experiment',
    {
      schema: {
        operationId: 'getPlaybookExperiment',
        summary: "A playbook experiment's readout: per arm and holdout enrolled, reached, rate, lift, 95% interval and p-value with n",
        tags: ['playbooks'],
        params: playbookKeyParams,
        response: { 200: readoutSchema },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'settings:read');
      const playbook = await findPlaybook(scope, request.params.key);
      if (!playbook) throw noPlaybook(request.params.key);
      const readout = await playbookExperimentReadout(scope, playbook);
      if (!readout)
        throw new AppError(
          'NOT_FOUND',
          `playbook "${playbook.key}" runs no experiment: add one with PUT /api/v1/playbooks/${playbook.key} {experiment}`,
        );
      return readout;
    },
  );
}
