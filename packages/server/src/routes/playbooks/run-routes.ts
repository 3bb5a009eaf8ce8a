import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { scheduleEnrolment } from '@strata/engine';
import {
  findPlaybook,
  findProfileId,
  inWorkspaceTransaction,
  listEnrolments,
  listStepRuns,
  lockEnrolment,
  moveEnrolment,
  type EnrolmentFilter,
  type WorkspaceScope,
} from '@strata/storage';
import { AppError } from '../../http/app-error.js';
import type { Authenticated } from '../../http/management-auth.js';
import { noPlaybook } from './playbook-routes.js';
import { playbookKeyParams, runSchema, runsQuery } from './playbook-schemas.js';

type Run = z.output<typeof runSchema>;

/** Enrolments with the steps each ran. */
async function runsOf(scope: WorkspaceScope, filter: EnrolmentFilter): Promise<Run[]> {
  const enrolments = await listEnrolments(scope, filter);
  const steps = await listStepRuns(
    scope,
    enrolments.map((e) => e.id),
  );
  return enrolments.map((e) => ({
    id: e.id,
    playbook: e.playbookKey,
    version: e.version,
    userId: e.userId,
    status: e.status,
    nextStep: e.nextStep,
    error: e.error,
    cause: e.cause,
    startedAt: e.startedAt.toISOString(),
    finishedAt: e.finishedAt?.toISOString() ?? null,
    arm: e.arm,
    steps: steps
      .filter((s) => s.enrolmentId === e.id)
      .map((s) => ({ path: s.stepPath, type: s.stepType, outcome: s.outcome, detail: s.detail, at: s.at.toISOString() })),
  }));
}

/** A person's internal id by userId; a userId nobody has matches no run rather than failing. */
async function personFilter(scope: WorkspaceScope, userId: string | undefined): Promise<{ personId?: string } | 'nobody'> {
  if (userId === undefined) return {};
  const personId = await findProfileId(scope, 'person', userId);
  return personId === undefined ? 'nobody' : { personId };
}

/** Runs (enrolments) of playbooks: what each person went through, failures and their retry. */
export function registerPlaybookRunRoutes(app: FastifyInstance, deps: { auth: Authenticated }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/playbooks/:key/runs',
    {
      schema: {
        operationId: 'listPlaybookRuns',
        summary: "A playbook's enrolments, newest first, each with the steps it ran, their times and outcomes",
        tags: ['playbooks'],
        params: playbookKeyParams,
        querystring: runsQuery,
        response: { 200: z.array(runSchema) },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'settings:read');
      if (!(await findPlaybook(scope, request.params.key))) throw noPlaybook(request.params.key);
      const person = await personFilter(scope, request.query.personId);
      if (person === 'nobody') return [];
      return runsOf(scope, { playbookKey: request.params.key, status: request.query.status, limit: request.query.limit, ...person });
    },
  );
  api.post(
    '/playbooks/:key/runs/:id/retry',
    {
      schema: {
        operationId: 'retryPlaybookRun',
        summary: 'Run a failed enrolment again from the step that failed',
        tags: ['playbooks'],
        params: playbookKeyParams.extend({ id: z.string().regex(/^\d{1,18}$/, 'a run id, as GET /playbooks/{key}/runs lists it') }),
        response: { 202: runSchema },
      },
    },
    async (request, reply) => {
      const { scope } = await deps.auth(request, 'playbooks:write');
      const { key, id } = request.params;
      await inWorkspaceTransaction(scope, async (tx) => {
        const enrolment = await lockEnrolment(tx, id);
        if (!enrolment || enrolment.playbookKey !== key) throw new AppError('NOT_FOUND', `run ${id} of playbook "${key}" does not exist`);
        if (enrolment.status !== 'failed')
          throw new AppError('CONFLICT', `run ${id} is ${enrolment.status}, not failed: only a failed run is retried`);
        await moveEnrolment(tx, id, { status: 'active', nextStep: enrolment.nextStep });
        await scheduleEnrolment(tx, id);
      });
      const [run] = (await runsOf(scope, { playbookKey: key, limit: 500 })).filter((r) => r.id === id);
      return reply.status(202).send(run!);
    },
  );
  api.get(
    '/people/:userId/playbooks',
    {
      schema: {
        operationId: 'listPersonPlaybooks',
        summary: "A person's playbook runs, newest first, with the steps each ran",
        tags: ['playbooks'],
        params: z.object({ userId: z.string().min(1) }),
        response: { 200: z.array(runSchema) },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'people:read');
      const person = await personFilter(scope, request.params.userId);
      if (person === 'nobody') throw new AppError('NOT_FOUND', `no person with userId "${request.params.userId}"`);
      return runsOf(scope, { limit: 500, ...person });
    },
  );
}
