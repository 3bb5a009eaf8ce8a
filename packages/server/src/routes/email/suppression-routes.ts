import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  deleteEmailSuppression,
  findEmailSuppression,
  listEmailSuppressions,
  recordAudit,
  suppressEmail,
  type EmailSuppression,
} from '@strata/storage';
import { AppError } from '../../http/app-error.js';
import type { Authenticated } from '../../http/management-auth.js';
import { auditBy } from '../audit/index.js';

const emailParams = z.object({
  email: z
    .string()
    .regex(/^[^\s@]+@[^\s@]+$/, 'an email address, such as ada@example.com')
    .max(320),
});
const reasons = ['unsubscribed', 'bounce', 'manual'] as const;
const suppressionSchema = z.object({
  email: z.string(),
  reason: z.enum(reasons).describe('`unsubscribed` stops marketing email only; `bounce` and `manual` stop every email'),
  createdAt: z.string(),
});
const view = (s: EmailSuppression): z.output<typeof suppressionSchema> => ({
  email: s.email,
  reason: s.reason,
  createdAt: s.createdAt.toISOString(),
});

/** The suppression list, checked before every playbook email: GET|PUT|DELETE /suppressions[/{email}]. */
export function registerSuppressionRoutes(app: FastifyInstance, deps: { auth: Authenticated }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/suppressions',
    {
      schema: {
        operationId: 'listSuppressions',
        summary: 'Addresses that get no more email (or no more marketing email), newest first',
        tags: ['playbooks'],
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(10_000).default(500) }),
        response: { 200: z.array(suppressionSchema) },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'people:read');
      return (await listEmailSuppressions(scope, request.query.limit)).map(view);
    },
  );
  api.get(
    '/suppressions/:email',
    {
      schema: {
        operationId: 'getSuppression',
        summary: 'Whether an address is on the suppression list, and why',
        tags: ['playbooks'],
        params: emailParams,
        errors: [404],
        response: { 200: suppressionSchema },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'people:read');
      const found = await findEmailSuppression(scope, request.params.email);
      if (!found) throw new AppError('NOT_FOUND', `${request.params.email} is not on the suppression list`);
      return view(found);
    },
  );
  api.put(
    '/suppressions/:email',
    {
      schema: {
        operationId: 'putSuppression',
        summary: 'Put an address on the suppression list (a bounce, by hand, or an unsubscribe)',
        tags: ['playbooks'],
        params: emailParams,
        body: z.strictObject({ reason: z.enum(reasons).default('manual') }).default({ reason: 'manual' }),
        response: { 200: suppressionSchema },
      },
    },
    async (request) => {
      const caller = await deps.auth(request, 'settings:write');
      const email = request.params.email;
      const before = await findEmailSuppression(caller.scope, email);
      await suppressEmail(caller.scope, email, request.body.reason);
      const after = (await findEmailSuppression(caller.scope, email))!;
      await recordAudit(caller.scope, {
        ...auditBy(request, caller),
        kind: 'suppression.saved',
        subject: after.email,
        before: before ? view(before) : null,
        after: view(after),
      });
      return view(after);
    },
  );
  api.delete(
    '/suppressions/:email',
    {
      schema: {
        operationId: 'deleteSuppression',
        summary: 'Take an address off the suppression list: it gets email again',
        tags: ['playbooks'],
        params: emailParams,
        errors: [404],
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const caller = await deps.auth(request, 'settings:write');
      const before = await findEmailSuppression(caller.scope, request.params.email);
      if (!before || !(await deleteEmailSuppression(caller.scope, request.params.email)))
        throw new AppError('NOT_FOUND', `${request.params.email} is not on the suppression list`);
      await recordAudit(caller.scope, {
        ...auditBy(request, caller),
        kind: 'suppression.deleted',
        subject: before.email,
        before: view(before),
        after: null,
      });
      return reply.status(204).send(null);
    },
  );
}
