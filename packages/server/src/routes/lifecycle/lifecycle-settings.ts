import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { lifecycleStages } from '@strata/core';
import { saveLifecycleStages } from '@strata/engine';
import { readLifecycleStages, recordAudit } from '@strata/storage';
import { AppError } from '../../http/app-error.js';
import type { Authenticated } from '../../http/management-auth.js';
import { auditBy } from '../audit/index.js';

const stagesSchema = z.object({
  stages: z
    .array(
      z.object({
        stage: z.string().describe(`one of ${lifecycleStages.join(', ')}`),
        when: z.string().max(10_000).describe('an account rule: the account is in this stage when it holds and no earlier stage does'),
      }),
    )
    .max(lifecycleStages.length * 2),
});
const stagesView = z.object({ stages: z.array(z.object({ stage: z.enum(lifecycleStages), when: z.string() })) });

/** The lifecycle stage rules (a workspace setting) behind the account field `lifecycle_stage`. */
export function registerLifecycleRoutes(app: FastifyInstance, deps: { auth: Authenticated }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/settings/lifecycle',
    {
      schema: {
        operationId: 'getLifecycleSettings',
        summary: 'The lifecycle stage rules, in the order they are tried',
        tags: ['health'],
        response: { 200: stagesView },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'settings:read');
      return { stages: await readLifecycleStages(scope) };
    },
  );
  api.put(
    '/settings/lifecycle',
    {
      schema: {
        operationId: 'putLifecycleSettings',
        summary: 'Set the lifecycle stage rules: each stage once, tried in order, the first that holds is the stage',
        tags: ['health'],
        body: stagesSchema,
        response: { 200: stagesView },
      },
    },
    async (request) => {
      // Rewrites the stage segments, so it takes the right to edit segments.
      const caller = await deps.auth(request, 'segments:write');
      const before = await readLifecycleStages(caller.scope);
      const outcome = await saveLifecycleStages(caller.scope, request.body.stages);
      if (!outcome.ok)
        throw new AppError('INVALID_INPUT', outcome.issues.map((i) => `${i.field}: ${i.message}`).join('; '), outcome.issues);
      await recordAudit(caller.scope, {
        ...auditBy(request, caller),
        kind: 'lifecycle-settings.saved',
        subject: 'stages',
        before,
        after: outcome.stages,
      });
      return { stages: outcome.stages };
    },
  );
}
