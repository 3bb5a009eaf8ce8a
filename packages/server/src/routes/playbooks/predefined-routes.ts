import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { installPredefinedPlaybook, predefinedPlaybooks, type SecretBox } from '@strata/engine';
import { findPlaybook, inWorkspaceTransaction, listPlaybooks, recordAudit } from '@strata/storage';
import { AppError } from '../../http/app-error.js';
import type { Authenticated } from '../../http/management-auth.js';
import { auditBy } from '../audit/index.js';
import { playbookView } from './playbook-routes.js';
import { playbookSchema } from './playbook-schemas.js';

const predefinedSchema = z.object({
  key: z.string(),
  name: z.string(),
  description: z.string(),
  trigger: z.record(z.string(), z.unknown()),
  steps: z.array(z.string()).describe('the step types, in order'),
  segments: z.array(z.string()).describe('segments installing it makes when the workspace lacks them'),
  installed: z.boolean().describe('a playbook of this key exists in the workspace (installed, or made by hand)'),
});

/**
 * The catalog of predefined playbooks (trial onboarding, first-invoice explainer, re-engagement,
 * promoter review request, detractor call, onboarding-stalled nudge), each installed on demand,
 * disabled, to read, edit and enable once a sender is set.
 */
export function registerPredefinedPlaybookRoutes(
  app: FastifyInstance,
  deps: { auth: Authenticated; secrets: () => SecretBox | undefined },
): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/predefined-playbooks',
    {
      schema: {
        operationId: 'listPredefinedPlaybooks',
        summary: 'The predefined playbooks, each with whether the workspace has a playbook of its key',
        tags: ['playbooks'],
        response: { 200: z.array(predefinedSchema) },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'settings:read');
      const have = new Set((await listPlaybooks(scope)).map((p) => p.key));
      return predefinedPlaybooks.map((p) => ({
        key: p.key,
        name: p.playbook.name,
        description: p.description,
        trigger: p.playbook.trigger,
        steps: p.playbook.steps.map((s) => s.type),
        segments: p.segments.map((s) => s.key),
        installed: have.has(p.key),
      }));
    },
  );
  api.post(
    '/predefined-playbooks/:key/install',
    {
      schema: {
        operationId: 'installPredefinedPlaybook',
        summary: 'Install a predefined playbook, disabled, with the segments it triggers on; enable it with PUT /playbooks/{key}',
        tags: ['playbooks'],
        params: z.object({ key: z.string() }),
        response: { 201: playbookSchema },
      },
    },
    async (request, reply) => {
      const caller = await deps.auth(request, 'playbooks:write');
      const key = request.params.key;
      const outcome = await installPredefinedPlaybook(caller.scope, key, deps.secrets(), {});
      if (!outcome.ok) {
        const { problem } = outcome;
        if (problem.code === 'unknown')
          throw new AppError('NOT_FOUND', `no predefined playbook "${key}": list them with GET /api/v1/predefined-playbooks`);
        if (problem.code === 'key-taken')
          throw new AppError(
            'CONFLICT',
            `a playbook "${key}" exists already: edit it with PUT /api/v1/playbooks/${key}, or delete it first`,
          );
        throw new AppError(
          'INVALID_INPUT',
          `predefined playbook "${key}" does not fit this workspace: ${problem.issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
          problem.issues,
        );
      }
      const stored = (await findPlaybook(caller.scope, key))!;
      await inWorkspaceTransaction(caller.scope, (tx) =>
        recordAudit(tx, { ...auditBy(request, caller), kind: 'playbook.saved', subject: key, before: null, after: playbookView(stored) }),
      );
      return reply.status(201).send(playbookView(stored));
    },
  );
}
